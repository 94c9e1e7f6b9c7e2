"""Appeal figures (A10), each with its written definition, overall and by org, site, category,
member group and month. Computed from the records, for the appeals received in the period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.core.models import Org, Site
from unionhome.core.scoping import by_rule

from .models import Category, Status

DEFINITIONS = {
    "count": _("件数：期间内受理（按受理时间）的诉求件数。"),
    "closure_rate": _("办结率：期间内受理的诉求中，已办结（含已评价）的件数 ÷ 受理件数。"),
    "avg_cycle_days": _(
        "平均办理周期：已办结诉求从受理到办结的自然日数的平均值（按小时折算，保留一位小数）。"
    ),
    "satisfaction_rate": _("满意率：已评价的诉求中，最近一次评价为 4 星或 5 星的件数 ÷ 已评价件数。"),
    "overdue_rate": _("超期率：已确定办理期限的诉求中，曾经超过期限仍未办结的件数 ÷ 已确定期限的件数。"),
}
DIMENSIONS = ("org", "site", "category", "group", "month")


def _blank():
    return {
        "count": 0,
        "closed": 0,
        "cycle_hours": 0.0,
        "rated": 0,
        "satisfied": 0,
        "routed": 0,
        "overdue": 0,
    }


def _finish(acc: dict) -> dict:
    """The figures with the counts they are made of, so each can be checked against its records."""
    return {
        "count": acc["count"],
        "closed": acc["closed"],
        "rated": acc["rated"],
        "satisfied": acc["satisfied"],
        "routed": acc["routed"],
        "overdue": acc["overdue"],
        "closure_rate": round(acc["closed"] / acc["count"], 4) if acc["count"] else None,
        "avg_cycle_days": round(acc["cycle_hours"] / acc["closed"] / 24, 1) if acc["closed"] else None,
        "satisfaction_rate": round(acc["satisfied"] / acc["rated"], 4) if acc["rated"] else None,
        "overdue_rate": round(acc["overdue"] / acc["routed"], 4) if acc["routed"] else None,
    }


def appeal_figures(
    qs, *, start: dt.date | None = None, end: dt.date | None = None, by: str | None = None
) -> dict:
    """`qs` is already scoped to what the caller may see. `by` is one of DIMENSIONS or None."""
    today = timezone.localdate()
    start = start or today.replace(month=1, day=1)
    end = end or today
    tz = timezone.get_current_timezone()
    qs = qs.filter(
        received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    rows = qs.values_list(
        "pk",
        "org_id",
        "site_id",
        "category",
        "received_at",
        "status",
        "closed_at",
        "rating",
        "due_on",
        "ever_overdue",
        "member_id",
    )
    groups_of: dict[int, list[str]] = defaultdict(list)
    if by == "group":
        from unionhome.members.models import MemberGroup

        member_ids = {r[10] for r in rows if r[10]}
        groups = by_rule(MemberGroup.objects, "the members of appeals already in scope")
        for member_id, group in groups.filter(member_id__in=member_ids).values_list("member_id", "group"):
            groups_of[member_id].append(group)
    total = _blank()
    buckets: dict = defaultdict(_blank)
    closed = (Status.CLOSED, Status.RATED)
    for _pk, org, site, category, received, status, closed_at, rating, due_on, ever_overdue, member in rows:
        if by == "org":
            keys = [org]
        elif by == "site":
            keys = [site]
        elif by == "category":
            keys = [category]
        elif by == "group":
            keys = groups_of.get(member) or ["none"]
        elif by == "month":
            keys = [timezone.localtime(received).strftime("%Y-%m")]
        else:
            keys = []
        for acc in [total, *(buckets[k] for k in keys)]:
            acc["count"] += 1
            if status in closed and closed_at:
                acc["closed"] += 1
                acc["cycle_hours"] += (closed_at - received).total_seconds() / 3600
            if rating:
                acc["rated"] += 1
                acc["satisfied"] += rating >= 4
            if due_on:
                acc["routed"] += 1
                late = ever_overdue or (status not in closed and due_on < today)
                if status in closed and closed_at and timezone.localdate(closed_at) > due_on:
                    late = True
                acc["overdue"] += late
    result = {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "overall": _finish(total),
        "definitions": {k: str(v) for k, v in DEFINITIONS.items()},
    }
    if by:
        names = _names(by, list(buckets))
        result["by"] = by
        result["rows"] = sorted(
            ({"key": _key(k), "label": _label(by, k, names), **_finish(v)} for k, v in buckets.items()),
            key=lambda r: -r["count"],
        )
    return result


def _key(k) -> str:
    return "" if k is None else str(k)


def _names(by: str, keys: list) -> dict:
    """Org or site names for the row keys, in one query."""
    model = {"org": Org, "site": Site}.get(by)
    if model is None:
        return {}
    named = by_rule(model.objects, "the orgs and sites of rows already in scope")
    return dict(named.filter(pk__in=[k for k in keys if k is not None]).values_list("pk", "name"))


def _label(by: str, key, names: dict) -> str:
    if key is None:
        return str(_("未填写"))
    if by in ("org", "site"):
        return names.get(key, str(key))
    if by == "category":
        return str(Category(key).label)
    if by == "group":
        from unionhome.members.models import ServiceGroup

        return str(ServiceGroup(key).label) if key in ServiceGroup.values else str(_("未分组"))
    return str(key)
