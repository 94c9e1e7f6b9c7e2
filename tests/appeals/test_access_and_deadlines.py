"""Who sees an appeal, and the deadline scan."""

import datetime as dt

import pytest

from unionhome.appeals import dispatch, selectors, services
from unionhome.appeals.deadlines import scan_deadlines
from unionhome.appeals.models import Appeal, Route
from unionhome.core.errors import NotFound
from unionhome.core.models import AuditLog, Notification

from .conftest import at

TEXT = "食堂的饭菜越来越差，价格还涨了，希望工会派人来看看。"


def test_member_a_cannot_see_member_bs_appeal(personas):
    appeal = services.appeal_submit(actor=personas.other_user, text=TEXT)
    with pytest.raises(NotFound):
        selectors.appeal_get(personas.member_user, appeal.pk)
    assert selectors.appeal_get(personas.other_user, appeal.pk) == appeal


def test_staff_see_their_subtree_only(personas):
    appeal = services.appeal_submit(actor=personas.member_user, text=TEXT)
    assert selectors.appeal_get(personas.staff, appeal.pk) == appeal
    assert selectors.appeal_get(personas.admin, appeal.pk) == appeal  # higher union
    with pytest.raises(NotFound):
        selectors.appeal_get(personas.staff_other, appeal.pk)


def test_handler_sees_only_what_was_dispatched_to_their_department(personas):
    appeal = services.appeal_submit(actor=personas.member_user, text=TEXT, anonymous=True)
    with pytest.raises(NotFound):
        selectors.appeal_get(personas.handler, appeal.pk)
    services.appeal_route(appeal, actor=personas.staff, route=Route.COORDINATION)
    dispatch.appeal_dispatch(appeal, actor=personas.staff, steps=[{"department": "人力资源部"}])
    assert selectors.appeal_get(personas.handler, appeal.pk) == appeal
    assert [s.appeal for s in selectors.handler_queue(personas.handler)] == [appeal]
    # The anonymous member stays hidden from handlers but not from the audit trail.
    entry = AuditLog.objects.get(object_id=str(appeal.pk), action="appeals.appeal.submitted")
    assert entry.actor == personas.member_user


def _routed(personas, received: dt.date, route=Route.COORDINATION, workdays=None):
    appeal = services.appeal_submit(
        actor=personas.staff, text=TEXT, channel="visit", received_at=at(received), on_behalf_of="member"
    )
    return services.appeal_route(appeal, actor=personas.staff, route=route, workdays=workdays)


def test_scan_reminds_a_working_day_before_then_escalates_once(
    personas, chair, django_capture_on_commit_callbacks
):
    # Received Mon 2025-11-03, 5 working days → due Mon 2025-11-10.
    appeal = _routed(personas, dt.date(2025, 11, 3))
    assert appeal.due_on == dt.date(2025, 11, 10)
    assert scan_deadlines(dt.date(2025, 11, 6)) == {"reminded": 0, "overdue": 0, "dispatch_reminded": 0}
    # Friday: the next working day is Monday, the due day → remind the owner, once.
    assert scan_deadlines(dt.date(2025, 11, 7))["reminded"] == 1
    assert scan_deadlines(dt.date(2025, 11, 7))["reminded"] == 0
    assert Notification.objects.filter(user=personas.staff, title__contains="到期").count() == 1
    # Due day itself: not overdue yet.
    assert scan_deadlines(dt.date(2025, 11, 10))["overdue"] == 0
    # The day after: overdue, escalated to the chair, written on the timeline — once.
    assert scan_deadlines(dt.date(2025, 11, 11))["overdue"] == 1
    assert scan_deadlines(dt.date(2025, 11, 12))["overdue"] == 0
    appeal.refresh_from_db()
    assert appeal.overdue and appeal.ever_overdue and appeal.escalated_at
    assert Notification.objects.filter(user=chair, title__contains="超期").count() == 1
    assert Notification.objects.filter(user=personas.staff, title__contains="超期").count() == 1
    assert AuditLog.objects.filter(object_id=str(appeal.pk), action="appeals.appeal.overdue").count() == 1


def test_scan_skips_closed_appeals(personas):
    appeal = _routed(personas, dt.date(2025, 11, 3))
    services.appeal_close(appeal, actor=personas.staff, outcome="resolved", reply="已办好")
    assert scan_deadlines(dt.date(2025, 12, 1))["overdue"] == 0


def test_chair_of_another_union_is_not_told(personas, chair):
    from unionhome.core.models import Role

    from ..factories import UserFactory, grant

    other_chair = grant(UserFactory(username="other_chair"), personas.tree.other_union, Role.CHAIR)
    _routed(personas, dt.date(2025, 11, 3))
    scan_deadlines(dt.date(2025, 11, 20))
    assert not Notification.objects.filter(user=other_chair).exists()


def test_department_steps_are_reminded(personas):
    appeal = _routed(personas, dt.date(2025, 11, 3))
    dispatch.appeal_dispatch(
        appeal, actor=personas.staff, steps=[{"department": "人力资源部", "due_on": dt.date(2025, 11, 5)}]
    )
    assert scan_deadlines(dt.date(2025, 11, 4))["dispatch_reminded"] == 1
    assert scan_deadlines(dt.date(2025, 11, 4))["dispatch_reminded"] == 0
    assert Notification.objects.filter(user=personas.handler, title__contains="即将到期").count() == 1


def test_workbench_tabs(personas):
    today = dt.date(2025, 11, 7)
    new = services.appeal_submit(actor=personas.member_user, text=TEXT)
    due = _routed(personas, dt.date(2025, 11, 3))  # due Mon 11-10 = next working day
    late = _routed(personas, dt.date(2025, 10, 9), route=Route.POLICY)
    ids = lambda tab: {a.pk for a in selectors.workbench(personas.staff, tab, today=today)}  # noqa: E731
    assert new.pk in ids("new") and due.pk not in ids("new")
    assert ids("due") == {due.pk}
    assert ids("overdue") == {late.pk}
    assert ids("mine") == {due.pk, late.pk}
    assert ids("channel") == set()  # hotline by default
    assert {a.pk for a in selectors.workbench(personas.staff, "channel", channel="visit", today=today)} == {
        due.pk,
        late.pk,
    }
    assert selectors.workbench(personas.staff_other, "all").count() == 0
    assert Appeal.objects.count() == 3
