"""One way to write the audit trail: `log_action(obj, "members.member.updated", actor, data)`.

The dotted action names are turned into human text in one place (`describe`), and the member's
status timeline is built from the same rows (`timelines_for`, `timeline_entries`)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rows
from .models import AuditLog
from .scoping import by_rule

# Human text for each action, registered by the app that writes it (`describe_actions`, from its
# AppConfig.ready); an action not registered is shown by its dotted name.
ACTION_TEXT: dict[str, Any] = {
    "core.auth.token_issued": _("签发接口令牌"),
}


def describe_actions(texts: dict[str, Any]) -> None:
    """An app's human texts for the actions it logs: `{"members.member.updated": _("修改资料")}`."""
    ACTION_TEXT.update(texts)


def object_ref(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def log_action(
    obj: models.Model,
    action: str,
    actor=None,
    data: dict | None = None,
    *,
    org=None,
    timeline: bool = False,
) -> None:
    """Write one audit entry."""
    object_type, object_id = object_ref(obj)
    if org is None:
        org = getattr(obj, "org", None)
    AuditLog.objects.create(
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        org=org,
        data=data or {},
        timeline=timeline,
    )


def describe(action: str) -> str:
    return str(ACTION_TEXT.get(action, action))


def _entry(log: AuditLog) -> dict:
    from django.utils import timezone

    return {"at": timezone.localtime(log.at), "text": describe(log.action), "note": log.data.get("note", "")}


def timeline_entries(obj: models.Model, found: list[tuple] | None = None) -> list[dict]:
    """The timeline as people read it: local time, the action in words, the note. `found`: its
    rows, when they were read with the record in one statement (`rows.get_with_children` with
    `timeline_link`: the appeal a member polls); otherwise `timelines_for`'s one query."""
    if found is None:
        return timelines_for([obj])[str(obj.pk)]
    return [_entry(rows.instance(AuditLog, row)) for row in found]


def timeline_json(entries: list[dict]) -> list[dict]:
    """Timeline entries as the API answers them: an ISO time, the action in words, the note."""
    return [{"at": e["at"].isoformat(), "text": e["text"], "note": e["note"]} for e in entries]


TIMELINE_ORDER = "c.at, c.id"


def timeline_link(model: type[models.Model], pk) -> tuple[str, list]:
    """The condition that joins a record's timeline entries (as `c`) to a read of the record."""
    return "c.object_type = %s AND c.object_id = %s AND c.timeline", [model._meta.label_lower, str(pk)]


def timelines_for(objs) -> dict[str, list[dict]]:
    """The timeline query: the timelines of records of one model, in one query, keyed by primary
    key (as text); a page of one record asks for one, a list for all of its rows at once."""
    objs = list(objs)
    if not objs:
        return {}
    logs = (
        by_rule(AuditLog.objects, "the timelines of records in hand")
        .filter(object_type=objs[0]._meta.label_lower, object_id__in=[str(o.pk) for o in objs], timeline=True)
        .order_by("at", "pk")
    )
    found: dict[str, list[dict]] = {str(o.pk): [] for o in objs}
    for log in logs:
        found[log.object_id].append(_entry(log))
    return found


def logged_since(obj: models.Model, action: str, since) -> bool:
    """Whether `action` was written on `obj`'s trail since `since` (a once-a-day rule)."""
    return (
        by_rule(AuditLog.objects, "one record's own trail")
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action, at__gte=since)
        .exists()
    )
