"""The appeal loop through its services: intake, routing deadlines, dispatch, closure, follow-up,
rating and the second round."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from unionhome.appeals import dispatch, services
from unionhome.appeals.models import Appeal, Dispatch, DispatchStatus, Route, Status
from unionhome.appeals.tasks import after_intake
from unionhome.core.audit import timeline_entries
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Notification

from .conftest import at

SAFETY = "井下巷道顶板掉渣越来越严重，刚才砸伤了一个工友，已经送医院了，请工会马上介入！"
WAGES = "这个月工资条上少了三百块，问队长说是扣了迟到，可我一次都没迟到过，想看看考勤记录。"


def submit(p, text=WAGES, **kw):
    return services.appeal_submit(actor=p.member_user, text=text, **kw)


def test_member_submits_and_gets_a_number_a_category_and_a_notification(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the receipt comes from the task queue
        appeal = submit(personas)
    assert appeal.number.startswith("SQ") and appeal.number.endswith(f"{appeal.pk:06d}")
    assert appeal.status == Status.SUBMITTED and appeal.org == personas.member.org
    assert appeal.site == personas.member.site  # defaults to the member's site
    assert appeal.category == "wages" and not appeal.urgent
    assert Notification.objects.filter(user=personas.member_user, title__contains=appeal.number).count() == 1
    assert [e["text"] for e in timeline_entries(appeal)] == ["诉求已提交"]
    # The task may run twice (the queue delivers at least once); the member hears once.
    after_intake.call_local(appeal.pk)
    assert Notification.objects.filter(user=personas.member_user, title__contains=appeal.number).count() == 1


def test_the_receipt_is_in_the_members_language(personas, django_capture_on_commit_callbacks):
    personas.member_user.language = "en"
    personas.member_user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal = submit(personas)
    note = Notification.objects.get(user=personas.member_user, url=f"/appeals/{appeal.pk}/")
    assert note.title == f"Appeal received: {appeal.number}"


def test_staff_working_in_chinese_tell_an_english_reader_in_english(personas):
    personas.member_user.language = "en"
    personas.member_user.save(update_fields=["language"])
    appeal = submit(personas)
    with translation.override("zh-hans"):
        services.appeal_route(appeal, actor=personas.staff, route=Route.POLICY)
    note = Notification.objects.filter(user=personas.member_user, url=f"/appeals/{appeal.pk}/").first()
    assert note.title == f"Appeal {appeal.number} accepted"
    assert (
        note.body
        == f"The union will explain the relevant policy by the next working day; reply by {appeal.due_on.isoformat()} at the latest"
    )


def test_urgent_appeal_notifies_the_chair_at_once(personas, chair):
    appeal = submit(personas, text=SAFETY)
    assert appeal.urgent and "injury" in appeal.urgent_signals
    assert Notification.objects.filter(user=chair, title__contains="紧急").count() == 1


@pytest.mark.parametrize("text", ["", "  太短 ", "字" * 2001])
def test_text_length_is_checked_with_a_field_reason(personas, text):
    with pytest.raises(DomainError) as err:
        submit(personas, text=text)
    assert "text" in err.value.fields
    assert not Appeal.objects.exists()


def test_script_is_stored_as_typed(personas):
    text = "<script>alert(1)</script> 食堂饭菜太差了"
    assert submit(personas, text=text).text == text


def test_members_cannot_enter_on_behalf_or_backdate(personas):
    with pytest.raises(DomainError) as err:
        submit(personas, channel="hotline")
    assert err.value.status == 403
    with pytest.raises(DomainError):
        services.appeal_submit(actor=personas.member_user, text=WAGES, on_behalf_of="other")


def test_staff_enter_a_hotline_call_received_yesterday(personas):
    yesterday = timezone.now() - dt.timedelta(days=1)
    appeal = services.appeal_submit(
        actor=personas.staff, text=WAGES, channel="hotline", received_at=yesterday, on_behalf_of="member"
    )
    assert appeal.member == personas.member and appeal.channel == "hotline"
    assert appeal.received_at == yesterday and appeal.submitted_by == personas.staff


def test_staff_of_another_union_cannot_enter_for_our_member(personas):
    with pytest.raises(DomainError) as err:
        services.appeal_submit(
            actor=personas.staff_other, text=WAGES, channel="hotline", on_behalf_of="member"
        )
    assert "on_behalf_of" in err.value.fields


def test_site_must_belong_to_the_members_enterprise(personas):
    with pytest.raises(DomainError) as err:
        submit(personas, site=personas.tree.other_site.pk)
    assert "site" in err.value.fields


# 2025-10-01..08 is the National Day holiday; Saturday 2025-09-28 and 2025-10-11 are 调休 workdays.
@pytest.mark.parametrize(
    "received, route, workdays, due",
    [
        (dt.date(2025, 9, 26), Route.IMMEDIATE, None, dt.date(2025, 9, 26)),  # same day
        (dt.date(2025, 9, 26), Route.POLICY, None, dt.date(2025, 9, 28)),  # Friday → 调休 Sunday
        (dt.date(2025, 9, 30), Route.POLICY, None, dt.date(2025, 10, 9)),  # across the holiday
        (dt.date(2025, 9, 30), Route.COORDINATION, None, dt.date(2025, 10, 14)),  # 5 workdays incl. Sat 10-11
        (dt.date(2025, 11, 7), Route.COORDINATION, 3, dt.date(2025, 11, 12)),
        (dt.date(2025, 11, 7), Route.POLICY, None, dt.date(2025, 11, 10)),  # Friday → Monday
    ],
)
def test_route_deadline_counts_working_days(personas, received, route, workdays, due):
    appeal = services.appeal_submit(
        actor=personas.staff, text=WAGES, channel="box", received_at=at(received), on_behalf_of="member"
    )
    services.appeal_route(appeal, actor=personas.staff, route=route, workdays=workdays)
    appeal.refresh_from_db()
    assert appeal.due_on == due and appeal.status == Status.ROUTED and appeal.owner == personas.staff


def test_route_lists(personas):
    coordination = submit(personas)
    services.appeal_route(coordination, actor=personas.staff, route=Route.COORDINATION)
    assert coordination.supervision and coordination.workdays == 5
    negotiation = submit(personas)
    meeting = timezone.localdate() + dt.timedelta(days=60)
    services.appeal_route(negotiation, actor=personas.staff, route=Route.NEGOTIATION, meeting_on=meeting)
    assert negotiation.negotiation_list and negotiation.congress_list  # wages → workers' congress too
    assert negotiation.due_on == meeting and negotiation.meeting_on == meeting
    with pytest.raises(DomainError) as err:
        services.appeal_route(submit(personas), actor=personas.staff, route=Route.COORDINATION, workdays=8)
    assert "workdays" in err.value.fields


def test_route_is_for_staff_of_the_union_only(personas):
    appeal = submit(personas)
    for outsider in (personas.staff_other, personas.member_user, personas.handler):
        with pytest.raises(NotFound):
            services.appeal_route(appeal, actor=outsider, route=Route.POLICY)


def test_the_whole_loop_with_dispatch_in_order(personas, chair):
    from ..factories import UserFactory, grant

    admin_dept = grant(UserFactory(username="h2"), personas.tree.union, "handler", "行政部")
    appeal = submit(personas)
    services.appeal_route(appeal, actor=personas.staff, route=Route.COORDINATION)
    steps = dispatch.appeal_dispatch(
        appeal,
        actor=personas.staff,
        steps=[
            {"department": "人力资源部", "workdays": 2, "evidence": "考勤记录"},
            {"department": "行政部", "workdays": 3},
        ],
    )
    assert [s.status for s in steps] == [DispatchStatus.PENDING, DispatchStatus.WAITING]
    assert Notification.objects.filter(user=personas.handler, title__contains="会办单").exists()
    with pytest.raises(NotFound):  # not their department
        dispatch.dispatch_answer(steps[0], actor=admin_dept, answer="已核实")
    with pytest.raises(DomainError):  # closing before every department has answered
        services.appeal_close(appeal, actor=personas.staff, outcome="resolved", reply="已补发")
    dispatch.dispatch_answer(steps[0], actor=personas.handler, answer="考勤无迟到，系统误扣")
    second = Dispatch.objects.get(pk=steps[1].pk)
    assert second.status == DispatchStatus.PENDING
    with pytest.raises(Conflict):  # answering twice
        dispatch.dispatch_answer(steps[0], actor=personas.handler, answer="again")
    dispatch.dispatch_answer(second, actor=admin_dept, answer="同意补发")
    appeal.refresh_from_db()
    assert appeal.status == Status.ROUTED

    services.appeal_close(appeal, actor=personas.staff, outcome="resolved", reply="已补发 300 元")
    services.appeal_follow_up(appeal, actor=personas.staff, knows_result=True, accepts_result=True)
    services.appeal_rate(appeal, actor=personas.member_user, rating=5, comment="谢谢")
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED and appeal.rating == 5 and appeal.knows_result
    texts = [e["text"] for e in timeline_entries(appeal)]
    assert texts == [
        "诉求已提交",
        "已受理",
        "已转部门会办",
        "承办部门已反馈",
        "承办部门已反馈",
        "各部门均已反馈",
        "已办结",
        "已回访",
        "职工已评价",
    ]
    titles = list(Notification.objects.filter(user=personas.member_user).values_list("title", flat=True))
    assert (
        any("已受理" in t for t in titles)
        and any("会办" in t for t in titles)
        and any("办结" in t for t in titles)
    )


def test_poor_rating_reopens_for_a_second_round(personas):
    appeal = submit(personas)
    services.appeal_route(appeal, actor=personas.staff, route=Route.IMMEDIATE)
    services.appeal_close(appeal, actor=personas.staff, outcome="in_progress", reply="正在协调")
    with pytest.raises(NotFound):  # only the member rates
        services.appeal_rate(appeal, actor=personas.other_user, rating=5)
    services.appeal_rate(appeal, actor=personas.member_user, rating=2, comment="没解决")
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED and appeal.round == 2 and appeal.due_on is None
    assert appeal.rating == 2
    services.appeal_route(appeal, actor=personas.staff, route=Route.POLICY)
    services.appeal_close(appeal, actor=personas.staff, outcome="resolved", reply="已解决")
    services.appeal_rate(appeal, actor=personas.member_user, rating=4)
    appeal.refresh_from_db()
    assert appeal.status == Status.RATED and appeal.rating == 4


def test_rating_out_of_range(personas):
    appeal = submit(personas)
    services.appeal_route(appeal, actor=personas.staff, route=Route.IMMEDIATE)
    services.appeal_close(appeal, actor=personas.staff, outcome="resolved", reply="好了")
    with pytest.raises(DomainError) as err:
        services.appeal_rate(appeal, actor=personas.member_user, rating=6)
    assert "rating" in err.value.fields


def test_confirming_a_category_is_recorded_and_feeds_retraining(personas, chair):
    from unionhome.appeals import classifier

    appeal = submit(personas, text="宿舍的床板坏了好几块，睡觉一翻身就响，能不能换一下？")
    services.appeal_confirm(appeal, actor=personas.staff, category="living", urgent=True)
    appeal.refresh_from_db()
    assert appeal.category == "living" and appeal.category_confirmed and appeal.urgent
    assert Notification.objects.filter(user=chair, title__contains="紧急").exists()  # newly urgent
    assert {"text": appeal.text, "category": "living", "urgent": True} in classifier.confirmed_examples()
