"""Departments are a managed list with their handlers; a 会办单 can only go to a department on
the list that has a handler, and a step that gets no answer can be withdrawn, sent again or
answered by staff — an appeal is never stuck on a department nobody answers for."""

from __future__ import annotations

import pytest

from unionhome.appeals import dispatch, services
from unionhome.appeals.models import Dispatch, DispatchStatus, Route, Status
from unionhome.core.audit import timeline_entries
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Department, Notification, Role, RoleAssignment
from unionhome.members import departments

from ..conftest import bearer, login_client
from ..factories import MemberFactory, UserFactory, grant
from .test_loop import submit


@pytest.fixture
def routed(personas):
    appeal = submit(personas)
    services.appeal_route(appeal, actor=personas.staff, route=Route.COORDINATION)
    return appeal


def _send(appeal, actor, *names):
    return dispatch.appeal_dispatch(
        appeal, actor=actor, steps=[{"department": n, "workdays": 2} for n in names]
    )


def test_a_misspelt_department_is_refused_with_the_reason_by_the_box(personas, routed):
    with pytest.raises(DomainError) as refused:
        _send(routed, personas.staff, "人事部")
    assert "没有“人事部”这个部门" in refused.value.fields["steps.0.department"]
    routed.refresh_from_db()
    assert routed.status == Status.ROUTED and not routed.dispatches.exists()


def test_a_department_with_no_handler_is_refused(personas, routed):
    Department.objects.create(org=personas.tree.union, name="后勤部")
    with pytest.raises(DomainError) as refused:
        _send(routed, personas.staff, "人力资源部", "后勤部")
    assert "还没有承办人" in refused.value.fields["steps.1.department"]


def test_withdrawing_the_only_step_hands_the_appeal_back_to_close(personas, routed):
    (step,) = _send(routed, personas.staff, "人力资源部")
    with pytest.raises(Conflict):
        services.appeal_close(routed, actor=personas.staff, outcome="resolved", reply="已处理")
    with pytest.raises(DomainError):  # a reason is required
        dispatch.dispatch_withdraw(step, actor=personas.staff, reason=" ")
    with pytest.raises(NotFound):  # the department's handler cannot withdraw it
        dispatch.dispatch_withdraw(step, actor=personas.handler, reason="不归我们")

    dispatch.dispatch_withdraw(step, actor=personas.staff, reason="已当面解决")
    routed.refresh_from_db()
    assert routed.status == Status.ROUTED
    services.appeal_close(routed, actor=personas.staff, outcome="resolved", reply="已处理")
    texts = [e["text"] for e in timeline_entries(routed)]
    assert "撤回会办单" in texts and "会办已结束（有部门撤回）" in texts
    with pytest.raises(Conflict):  # a withdrawn step cannot be answered any more
        dispatch.dispatch_answer(step, actor=personas.handler, answer="已核实")


def test_withdrawing_the_first_step_asks_the_next_department(personas, routed):
    other = grant(UserFactory(username="h2"), personas.tree.union, Role.HANDLER, "行政部")
    first, second = _send(routed, personas.staff, "人力资源部", "行政部")
    dispatch.dispatch_withdraw(first, actor=personas.staff, reason="送错了")
    assert Dispatch.objects.get(pk=second.pk).status == DispatchStatus.PENDING
    assert Notification.objects.filter(user=other, title__contains="会办单").exists()


def test_resending_moves_the_step_and_tells_the_new_department(personas, routed):
    other = grant(UserFactory(username="h2"), personas.tree.union, Role.HANDLER, "行政部")
    (step,) = _send(routed, personas.staff, "人力资源部")
    with pytest.raises(DomainError) as refused:
        dispatch.dispatch_resend(step, actor=personas.staff, department="人事部")
    assert "department" in refused.value.fields

    dispatch.dispatch_resend(step, actor=personas.staff, department="行政部", workdays=3)
    step.refresh_from_db()
    assert step.department == "行政部" and step.status == DispatchStatus.PENDING
    assert Notification.objects.filter(user=other, title__contains="会办单").exists()
    with pytest.raises(NotFound):  # the first department no longer holds it
        dispatch.dispatch_answer(step, actor=personas.handler, answer="已核实")
    dispatch.dispatch_answer(step, actor=other, answer="已核实补发")
    routed.refresh_from_db()
    assert routed.status == Status.ROUTED


def test_staff_answer_on_the_departments_behalf_and_it_says_so(personas, routed):
    (step,) = _send(routed, personas.staff, "人力资源部")
    dispatch.dispatch_answer(step, actor=personas.staff, answer="人力资源部电话答复：已补发")
    step.refresh_from_db()
    assert step.answered_for and step.status == DispatchStatus.ANSWERED
    assert "工会代部门反馈" in [e["text"] for e in timeline_entries(routed)]


def test_a_second_dispatch_in_the_round_keeps_the_first_ones_answers(personas, routed):
    (first,) = _send(routed, personas.staff, "人力资源部")
    dispatch.dispatch_answer(first, actor=personas.handler, answer="考勤无误")
    routed.refresh_from_db()
    (again,) = _send(routed, personas.staff, "人力资源部")
    assert again.position == 2
    assert Dispatch.objects.get(pk=first.pk).answer == "考勤无误"


def test_the_list_is_kept_by_staff_of_the_union_only(personas):
    union = personas.tree.union
    with pytest.raises(NotFound):
        departments.department_add(org=union, name="后勤部", actor=personas.staff_other)
    with pytest.raises(NotFound):
        departments.department_add(org=union, name="后勤部", actor=personas.member_user)
    kept = departments.department_add(org=union, name=" 后勤部 ", actor=personas.staff)
    assert kept.name == "后勤部"
    with pytest.raises(Conflict):
        departments.department_add(org=union, name="后勤部", actor=personas.staff)
    with pytest.raises(DomainError):
        departments.department_add(org=union, name="部" * 51, actor=personas.staff)
    assert list(departments.department_managed(personas.staff_other)) == []


def test_a_handler_is_found_by_phone_or_employee_number_in_the_union_only(personas):
    union = personas.tree.union
    kept = departments.department_add(org=union, name="后勤部", actor=personas.staff)
    stranger = MemberFactory(
        org=personas.tree.other_union, user=UserFactory(username="s1"), phone="13900000001"
    )
    with pytest.raises(DomainError):  # a member of another union
        departments.handler_add(kept, who=stranger.phone, actor=personas.staff)
    with pytest.raises(DomainError):
        departments.handler_add(kept, who="", actor=personas.staff)
    with pytest.raises(NotFound):
        departments.handler_add(kept, who=personas.other.phone, actor=personas.staff_other)

    departments.handler_add(kept, who=personas.other.phone, actor=personas.staff)
    assert list(departments.handlers_of(kept)) == [personas.other_user]
    with pytest.raises(Conflict):  # one department per person per union
        other_dept = Department.objects.get(org=union, name="人力资源部")
        departments.handler_add(other_dept, who=personas.other.phone, actor=personas.staff)

    departments.handler_remove(kept, user_id=personas.other_user.pk, actor=personas.staff)
    assert not RoleAssignment.objects.filter(user=personas.other_user, role=Role.HANDLER).exists()


def test_a_retired_department_takes_no_new_dispatch(personas, routed):
    hr = Department.objects.get(org=personas.tree.union, name="人力资源部")
    departments.department_set_active(hr, active=False, actor=personas.staff)
    with pytest.raises(DomainError):
        _send(routed, personas.staff, "人力资源部")


def test_the_staff_page_chooses_from_the_list_and_recovers_a_step(personas, routed):
    client = login_client(personas.staff)
    page = f"/staff/appeals/{routed.pk}/"
    listed = client.get(page).content.decode()
    assert '<option value="人力资源部">人力资源部</option>' in listed

    client.post(page, {"action": "dispatch", "department_1": "人力资源部", "workdays": 2})
    step = routed.dispatches.get()
    refused = client.post(page, {"action": "withdraw", "step": step.pk, f"s{step.pk}-reason": ""})
    assert refused.status_code == 400 and "请说明撤回原因" in refused.content.decode()
    client.post(page, {"action": "withdraw", "step": step.pk, f"s{step.pk}-reason": "当面解决"})
    assert Dispatch.objects.get(pk=step.pk).status == DispatchStatus.WITHDRAWN


def test_the_departments_pages(personas):
    client = login_client(personas.staff)
    assert "人力资源部" in client.get("/staff/departments/").content.decode()
    client.post("/staff/departments/", {"org": personas.tree.union.pk, "name": "后勤部"})
    kept = Department.objects.get(name="后勤部")
    page = f"/staff/departments/{kept.pk}/"
    refused = client.post(page, {"action": "add", "who": "10000000000"})
    assert "请填写本单位已注册会员的手机号或工号" in refused.content.decode()
    client.post(page, {"action": "add", "who": personas.other.phone})
    assert list(departments.handlers_of(kept)) == [personas.other_user]

    assert login_client(personas.staff_other).get(page).status_code == 404
    assert login_client(personas.member_user).get("/staff/departments/").status_code in (403, 404)


def test_the_api_withdraws_resends_and_answers_for(client, personas, routed):
    other = grant(UserFactory(username="h2"), personas.tree.union, Role.HANDLER, "行政部")
    headers = bearer(client, "staff")
    (step,) = _send(routed, personas.staff, "人力资源部")
    base = f"/api/v1/appeals/{routed.pk}/dispatches/{step.pk}"

    names = client.get(f"/api/v1/appeals/{routed.pk}/departments", **headers).json()
    assert {"name": "行政部", "has_handler": True} in names
    refused = client.post(
        f"{base}/resend", {"department": "人事部"}, content_type="application/json", **headers
    )
    assert refused.status_code == 400 and "department" in refused.json()["fields"]
    moved = client.post(
        f"{base}/resend", {"department": "行政部"}, content_type="application/json", **headers
    )
    assert moved.status_code == 200 and moved.json()["department"] == "行政部"
    answered = client.post(
        f"{base}/answer-for", {"answer": "电话确认已补发"}, content_type="application/json", **headers
    )
    assert answered.status_code == 200 and answered.json()["answered_for"] is True
    again = client.post(f"{base}/withdraw", {"reason": "送错"}, content_type="application/json", **headers)
    assert again.status_code == 409

    as_handler = bearer(client, other.username)
    assert (
        client.post(
            f"{base}/withdraw", {"reason": "不归我"}, content_type="application/json", **as_handler
        ).status_code
        == 404
    )
    outsider = bearer(client, "staff_other")
    assert client.get(f"/api/v1/appeals/{routed.pk}/departments", **outsider).status_code == 404


def test_the_departments_list_reads_its_handlers_in_one_query(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login_client(personas.staff)
    client.get("/staff/departments/")  # warm the session and role caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert "人力资源部" in client.get("/staff/departments/").content.decode()
        return len(seen)

    few = queries()
    for n in range(6):
        Department.objects.create(org=personas.tree.union, name=f"部门{n}")
    assert queries() == few  # six more departments, no more queries
