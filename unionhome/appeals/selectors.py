"""Who sees which appeals, and the lists of the staff workbench."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from unionhome.core import rows
from unionhome.core.audit import TIMELINE_ORDER, timeline_link
from unionhome.core.errors import NotFound
from unionhome.core.models import AuditLog
from unionhome.core.scoping import by_rule, has_role_over, own, scope
from unionhome.core.workdays import WorkdayCalendar
from unionhome.members.selectors import person_q

from .dispatch import handler_departments
from .models import OPEN_STATUSES, Appeal, Category, Channel, Dispatch, DispatchStatus, Status

TABS = ("new", "mine", "due", "overdue", "urgent", "channel", "closed", "all")


def may_see(user, appeal: Appeal, *, internal: bool = False) -> bool:
    """Who sees an appeal (loaded with its org and member): the member who filed it, staff over
    its union's subtree, and handlers of a department it was dispatched to under their subtree —
    nobody else. `internal`: what the union works with and the member is not shown (a
    department's evidence): staff and handlers only. No query unless the user handles a
    department's steps under the union."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not internal and appeal.member is not None and appeal.member.user_id == user.pk:
        return True
    if has_role_over(user, appeal.org):
        return True
    path = appeal.org.path
    departments = [dept for p, dept in handler_departments(user) if path.startswith(p)]
    return bool(departments) and appeal.dispatches.filter(department__in=departments).exists()


_RELATED = ("org", "site", "member", "owner")


def appeal_get(user, pk: int) -> Appeal:
    """One appeal with its union, site, member and owner; NotFound for anyone who may not see it.
    Read by hand (core.rows)."""
    return _visible(user, rows.get(Appeal, pk, related=_RELATED))


def appeal_with_timeline(user, pk: int) -> tuple[Appeal, list[tuple]]:
    """`appeal_get` and the rows of the appeal's timeline (for `audit.timeline_entries`), read
    in one statement, for a member's app polls the status. The timeline is read before the check
    and shown only when the appeal may be seen."""
    appeal, timeline = rows.get_with_children(
        Appeal, pk, _RELATED, AuditLog, timeline_link(Appeal, pk), TIMELINE_ORDER
    )
    return _visible(user, appeal), timeline


def _visible(user, appeal: Appeal | None) -> Appeal:
    if appeal is None or not may_see(user, appeal):
        raise NotFound()
    return appeal


def my_appeals(user) -> QuerySet[Appeal]:
    return own(Appeal.objects, user, field="member__user").order_by("-received_at")


def staff_appeals(user) -> QuerySet[Appeal]:
    return scope(Appeal.objects.select_related("site", "owner", "member"), user)


def workbench(user, tab: str, channel: str = "", today: dt.date | None = None) -> QuerySet[Appeal]:
    """The workbench tabs: new, mine, due soon (by the next working day), overdue, urgent, by channel."""
    today = today or timezone.localdate()
    qs = staff_appeals(user)
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    if tab == "new":
        return open_qs.filter(status=Status.SUBMITTED).order_by("-urgent", "received_at")
    if tab == "mine":
        return open_qs.filter(owner=user).order_by("due_on")
    if tab == "due":
        horizon = WorkdayCalendar().workdays_after(today, 1)
        return open_qs.filter(due_on__gte=today, due_on__lte=horizon).order_by("due_on")
    if tab == "overdue":
        return open_qs.filter(due_on__lt=today).order_by("due_on")
    if tab == "urgent":
        return open_qs.filter(urgent=True).order_by("received_at")
    if tab == "channel":
        return qs.filter(channel=channel if channel in Channel.values else Channel.HOTLINE).order_by(
            "-received_at"
        )
    if tab == "closed":
        return qs.filter(status__in=(Status.CLOSED, Status.RATED)).order_by("-closed_at")
    return qs.order_by("-received_at")


def appeals_filtered(
    qs: QuerySet[Appeal],
    *,
    q: str = "",
    status: str = "",
    category: str = "",
    site: int | None = None,
    overdue: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    measure: str = "",
    today: dt.date | None = None,
) -> QuerySet[Appeal]:
    """A workbench list narrowed by what staff typed and chose: an appeal number or the member
    (members.selectors.person_q), the status, the category, the site, only the overdue; and, to
    open the records behind a figure (appeals.insights), the period received and the `measure`
    (closed, late, rated, satisfied) counted as the figure counts it."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(received_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(
            received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    closed = Q(status__in=(Status.CLOSED, Status.RATED), closed_at__isnull=False)
    if measure == "closed":
        qs = qs.filter(closed)
    elif measure == "rated":
        qs = qs.filter(rating__isnull=False)
    elif measure == "satisfied":
        qs = qs.filter(rating__gte=4)
    elif measure == "late":
        qs = qs.filter(due_on__isnull=False).filter(
            Q(ever_overdue=True)
            | (~Q(status__in=(Status.CLOSED, Status.RATED)) & Q(due_on__lt=today))
            | (closed & Q(closed_at__date__gt=F("due_on")))
        )
    if q.strip():
        qs = qs.filter(Q(number__icontains=q.strip()) | person_q(q, "member__"))
    if status in Status.values:
        qs = qs.filter(status=status)
    if category in Category.values:
        qs = qs.filter(category=category)
    if site:
        qs = qs.filter(site_id=site)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    return qs


def workbench_counts(user, today: dt.date | None = None) -> dict[str, int]:
    return {
        tab: workbench(user, tab, today=today).count() for tab in ("new", "mine", "due", "overdue", "urgent")
    }


def handler_steps(user) -> QuerySet[Dispatch]:
    """Dispatch steps of the user's departments within the subtrees where they handle them."""
    q = Q(pk__in=[])
    for path, dept in handler_departments(user):
        q |= Q(appeal__org__path__startswith=path, department=dept)
    return by_rule(Dispatch.objects, "a handler's departments, under where they handle them").filter(q)


def handler_queue(user) -> QuerySet[Dispatch]:
    return (
        handler_steps(user)
        .filter(status=DispatchStatus.PENDING)
        .select_related("appeal", "appeal__site")
        .order_by("due_on")
    )


def handler_done(user) -> QuerySet[Dispatch]:
    """What the handler's departments have finished: answered (newest first) or withdrawn."""
    return (
        handler_steps(user)
        .filter(status__in=(DispatchStatus.ANSWERED, DispatchStatus.WITHDRAWN))
        .select_related("appeal", "appeal__site", "answered_by")
        .order_by("-answered_at", "-pk")
    )


def handler_step(user, pk: int) -> Dispatch:
    step = handler_steps(user).filter(pk=pk).select_related("appeal", "appeal__org", "appeal__site").first()
    if step is None:
        raise NotFound()
    return step
