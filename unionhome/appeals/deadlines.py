"""The deadline scan (A5): remind the owner one working day before, mark overdue after, escalate
overdue appeals to the chair.

Safe to run on two machines at once: each row is claimed by a conditional UPDATE that stamps it
with this run's token (`reminded_on IS NULL` / `overdue = false` is re-checked under the row lock),
and only the rows carrying our token are then notified. Set-based, so 100k open appeals are a
handful of statements, not 100k round trips."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l

from unionhome.core.models import AuditLog, Org, Role, RoleAssignment
from unionhome.core.notifications import Message, notify_many
from unionhome.core.workdays import WorkdayCalendar

from .models import Appeal, Dispatch, DispatchStatus, Status

ACTIVE = (Status.ROUTED, Status.DISPATCHED)


def scan_deadlines(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    calendar = WorkdayCalendar()
    next_workday = calendar.workdays_after(today, 1)
    return {
        "reminded": _remind(today, next_workday),
        "overdue": _mark_overdue(today),
        "dispatch_reminded": _remind_departments(today, next_workday),
    }


def _claim(qs, **changes) -> list[tuple]:
    token = uuid.uuid4().hex
    with transaction.atomic():
        claimed = qs.update(scan_token=token, **changes)
        if not claimed:
            return []
        return list(Appeal.objects.filter(scan_token=token).values_list("pk", "owner_id", "org_id"))


def _remind(today: dt.date, next_workday: dt.date) -> int:
    rows = _claim(
        Appeal.objects.filter(
            status__in=ACTIVE, reminded_on__isnull=True, due_on__gt=today, due_on__lte=next_workday
        ),
        reminded_on=today,
    )
    per_owner = Counter(owner for _pk, owner, _org in rows if owner)
    _digest(
        per_owner,
        _l("您有 %(n)s 件诉求将于 %(d)s 到期"),
        {"d": next_workday.isoformat()},
        "/staff/appeals/?tab=due",
    )
    return len(rows)


def _mark_overdue(today: dt.date) -> int:
    now = timezone.now()
    rows = _claim(
        Appeal.objects.filter(status__in=ACTIVE, overdue=False, due_on__lt=today),
        overdue=True,
        ever_overdue=True,
        escalated_at=now,
    )
    if not rows:
        return 0
    per_owner = Counter(owner for _pk, owner, _org in rows if owner)
    _digest(per_owner, _l("您有 %(n)s 件诉求已超期，已报告工会主席"), {}, "/staff/appeals/?tab=overdue")
    # Escalate: each chair hears how many of the newly overdue appeals lie in their subtree.
    per_org = Counter(org for _pk, _owner, org in rows)
    paths = dict(Org.objects.filter(pk__in=per_org).values_list("pk", "path"))
    per_chair: Counter = Counter()
    for user_id, chair_path in RoleAssignment.objects.filter(role=Role.CHAIR).values_list(
        "user_id", "org__path"
    ):
        per_chair[user_id] += sum(n for org, n in per_org.items() if paths[org].startswith(chair_path))
    _digest(+per_chair, _l("督办：%(n)s 件诉求已超期未办结"), {}, "/staff/appeals/?tab=overdue")
    # The member's timeline says so too; one bulk insert for the lot.
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                action="appeals.appeal.overdue",
                object_type="appeals.appeal",
                object_id=str(pk),
                org_id=org,
                data={"note": ""},
                timeline=True,
            )
            for pk, _owner, org in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def _remind_departments(today: dt.date, next_workday: dt.date) -> int:
    """Steps are claimed under a row lock (PostgreSQL skips rows another scan holds; SQLite's
    IMMEDIATE transaction queues the second scan), so each step is reminded once."""
    with transaction.atomic():
        steps = list(
            Dispatch.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=DispatchStatus.PENDING, reminded_on__isnull=True, due_on__lte=next_workday)
            .values_list("pk", "department", "appeal__org__path")
        )
        if not steps:
            return 0
        Dispatch.objects.filter(pk__in=[s[0] for s in steps]).update(reminded_on=today)
    handlers = defaultdict(list)
    for user_id, path, dept in RoleAssignment.objects.filter(role=Role.HANDLER).values_list(
        "user_id", "org__path", "department"
    ):
        handlers[dept].append((user_id, path))
    per_user: Counter = Counter()
    for _pk, dept, appeal_path in steps:
        for user_id, path in handlers.get(dept, []):
            if appeal_path.startswith(path):
                per_user[user_id] += 1
    _digest(per_user, _l("您有 %(n)s 张会办单即将到期或已超期，请尽快反馈"), {}, "/handler/")
    return len(steps)


def _digest(counts: Counter, title: Promise, extra: dict, url: str) -> None:
    by_count = defaultdict(list)
    for user_id, n in counts.items():
        by_count[n].append(user_id)
    for n, users in by_count.items():
        notify_many(users, Message(title, n=n, **extra), url=url)
