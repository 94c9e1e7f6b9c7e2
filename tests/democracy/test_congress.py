"""Issue #25, F1: the congress's composition against its rules, proposals with seconders within a
window, the committee's 立案 or suggestion, the answer and the proposer's rating."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound
from unionhome.core.models import Department, Notification, Role
from unionhome.core.workdays import workdays_after
from unionhome.democracy import congress as congresses
from unionhome.democracy.models import ProposalStatus

from ..conftest import api_token
from ..factories import MemberFactory, UserFactory, grant

T0 = timezone.now()


@pytest.fixture
def congress(personas):
    return congresses.congress_create(
        org=personas.tree.union,
        data={"title": "第三届第二次职代会", "term": 3, "session": 2, "opens_on": dt.date(2026, 12, 1)},
    )


def reps(congress, categories, genders=None):
    out = []
    for i, category in enumerate(categories):
        gender = (genders or "M" * len(categories))[i]
        member = MemberFactory(
            org=congress.org, user=UserFactory(username=f"c{congress.pk}r{i}"), gender=gender
        )
        out.append(
            congresses.representative_add(
                congress=congress, member=member, delegation="第一代表团", category=category
            )
        )
    return out


def test_the_composition_is_shown_against_the_rules(congress):
    reps(congress, ["frontline"] * 5 + ["manager"] * 2 + ["technical"] * 3, "FFFMMMMMMM")
    c = congresses.composition(congress)
    assert (c["total"], c["frontline"], c["frontline_ok"]) == (10, 0.5, True)  # exactly 50%: enough
    assert (c["managers"], c["managers_ok"]) == (0.2, True)  # exactly 20%: not over
    reps_more = congresses.representative_add(
        congress=congress,
        member=MemberFactory(org=congress.org, gender="M"),
        delegation="第二代表团",
        category="manager",
    )
    c = congresses.composition(congress)
    assert c["managers_ok"] is False and c["frontline_ok"] is False and reps_more.pk
    assert 0 <= c["women_workforce"] <= 1


@pytest.fixture
def departments(personas):
    """人力资源部 (personas.handler answers for it) and 行政部 with a handler of its own; 后勤部 is on
    the list with nobody to answer."""
    union = personas.tree.union
    for name in ("人力资源部", "行政部", "后勤部"):
        Department.objects.get_or_create(org=union, name=name)
    return SimpleNamespace(
        hr=personas.handler, admin=grant(UserFactory(username="admin_h"), union, Role.HANDLER, "行政部")
    )


def seconded(congress, title="夜班休息室加装空调"):
    author, a, b = reps(congress, ["frontline"] * 3)
    p = congresses.proposal_submit(
        congress=congress, user=author.member.user, title=title, body="夏天夜班太热。", now=T0
    )
    for rep in (a, b):
        congresses.second(proposal=p, user=rep.member.user, now=T0)
    return author, p


def test_a_proposal_needs_two_seconders_within_the_window_then_the_committee_decides(
    congress, personas, departments
):
    author, a, b, c = reps(congress, ["frontline"] * 4)
    p = congresses.proposal_submit(
        congress=congress, user=author.member.user, title="夜班休息室加装空调", body="夏天夜班太热。", now=T0
    )
    assert p.number == 1 and p.status == ProposalStatus.SECONDING
    with pytest.raises(Forbidden):  # not a representative
        congresses.proposal_submit(congress=congress, user=personas.member_user, title="x", body="y")
    with pytest.raises(Conflict):
        congresses.second(proposal=p, user=author.member.user, now=T0)  # not one's own
    congresses.second(proposal=p, user=a.member.user, now=T0)
    congresses.second(proposal=p, user=a.member.user, now=T0)  # twice counts once
    assert p.status == ProposalStatus.SECONDING
    with pytest.raises(Conflict):
        congresses.review(proposal=p, accept=True, departments="人力资源部")  # one seconder is not enough
    late = p.second_until + dt.timedelta(seconds=1)
    with pytest.raises(Conflict):
        congresses.second(proposal=p, user=b.member.user, now=late)
    congresses.second(proposal=p, user=b.member.user, now=T0)
    assert p.status == ProposalStatus.SUBMITTED
    with pytest.raises(DomainError):
        congresses.review(proposal=p, accept=True, departments="")
    # a proposal turned into a suggestion needs its reason
    q = congresses.proposal_submit(
        congress=congress, user=a.member.user, title="食堂增加夜宵", body="夜班没饭吃。", now=T0
    )
    with pytest.raises(DomainError):
        congresses.review(proposal=q, accept=False)
    congresses.review(proposal=q, accept=False, reason="属于日常管理事项，转食堂办理")
    assert q.status == ProposalStatus.SUGGESTION and not q.steps.exists()


def test_an_accepted_proposal_goes_to_departments_on_the_list_with_handlers(congress, departments):
    _author, p = seconded(congress)
    for names, why in (("工会", "没有“工会”这个部门"), ("人力资源部、后勤部", "“后勤部”还没有承办人")):
        with pytest.raises(DomainError) as refused:
            congresses.review(proposal=p, accept=True, departments=names)
        assert why in refused.value.fields["departments"]
    assert p.status == ProposalStatus.SUBMITTED and not p.steps.exists()  # nothing half-sent
    congresses.review(proposal=p, accept=True, departments="人力资源部、行政部、人力资源部", days=15)
    due = workdays_after(timezone.localdate(), 15)
    assert p.status == ProposalStatus.ACCEPTED and p.due_on == due and p.departments == "人力资源部、行政部"
    assert sorted((s.department, s.round, s.due_on) for s in p.steps.all()) == [
        ("人力资源部", 1, due),
        ("行政部", 1, due),
    ]
    for handler in (departments.hr, departments.admin):  # each department's handler is told
        assert Notification.objects.filter(user=handler, title__contains=f"提案 {p.number}").count() == 1


def test_departments_answer_then_the_union_answers_and_a_not_satisfied_sends_it_back_once(
    congress, personas, departments
):
    author, p = seconded(congress)
    congresses.review(proposal=p, accept=True, departments=["人力资源部", "行政部"], days=10)
    hr, admin = p.steps.get(department="人力资源部"), p.steps.get(department="行政部")
    with pytest.raises(Conflict):  # the union answers only after every department
        congresses.answer(proposal=p, text="7 月底前完成安装。")
    with pytest.raises(NotFound):  # 行政部's handler cannot answer for 人力资源部
        congresses.step_answer(hr, actor=departments.admin, text="我们来办")
    with pytest.raises(DomainError):
        congresses.step_answer(hr, actor=departments.hr, text="  ")
    congresses.step_answer(hr, actor=departments.hr, text="空调采购已报预算。")
    with pytest.raises(Conflict):  # once
        congresses.step_answer(hr, actor=departments.hr, text="再答一次")
    assert not Notification.objects.filter(user=personas.staff, title__contains="各承办部门已答复").exists()
    congresses.step_answer(admin, actor=departments.admin, text="7 月底前安装。")
    assert Notification.objects.filter(user=personas.staff, title__contains="各承办部门已答复").count() == 1
    congresses.answer(proposal=p, text="7 月底前完成安装。")
    assert Notification.objects.filter(user=author.member.user, title__contains="已答复，请评价").count() == 1
    with pytest.raises(NotFound):
        congresses.rate(proposal=p, user=personas.member_user, rating="satisfied")  # only the proposer
    congresses.rate(proposal=p, user=author.member.user, rating="not")
    assert p.status == ProposalStatus.ACCEPTED and p.sent_back  # back once, to the same departments
    assert sorted(p.steps.filter(round=2).values_list("department", flat=True)) == ["人力资源部", "行政部"]
    with pytest.raises(Conflict):  # the first round's share is done with
        congresses.step_answer(p.steps.get(round=1, department="行政部"), actor=departments.admin, text="x")
    with pytest.raises(Conflict):
        congresses.answer(proposal=p, text="已采购。")
    for step in p.steps.filter(round=2):
        congresses.step_answer(
            step,
            actor=departments.hr if step.department == "人力资源部" else departments.admin,
            text="已采购，7 月 20 日安装。",
        )
    congresses.answer(proposal=p, text="已采购，7 月 20 日安装。")
    congresses.rate(proposal=p, user=author.member.user, rating="not")
    assert p.status == ProposalStatus.CLOSED and p.get_rating_display() == "不满意"  # not sent back twice


def test_the_chair_sees_late_answers(congress, departments):
    _author, p = seconded(congress)
    congresses.review(proposal=p, accept=True, departments="人力资源部", days=1)
    assert congresses.overdue(congress.org) == []
    tomorrow_week = timezone.localdate() + dt.timedelta(days=9)
    assert [x.pk for x in congresses.overdue(congress.org, today=tomorrow_week)] == [p.pk]
    congresses.step_answer(p.steps.get(), actor=departments.hr, text="已办")
    congresses.answer(proposal=p, text="已办")
    assert congresses.overdue(congress.org, today=tomorrow_week) == []


def test_the_api_and_outsiders(congress, personas, client, departments):
    author, a, b = reps(congress, ["frontline"] * 3)
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, author.member.user.username)}"}
    r = client.post(
        "/api/v1/proposals",
        {"congress": congress.pk, "title": "增设更衣柜", "body": "保洁员没有地方换衣服。"},
        content_type="application/json",
        **token,
    )
    assert r.status_code == 201
    pid = r.json()["id"]
    for rep in (a, b):
        t = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, rep.member.user.username)}"}
        assert client.post(f"/api/v1/proposals/{pid}/second", **t).status_code == 200
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    listed = client.get(f"/api/v1/congresses/{congress.pk}/proposals", **member).json()
    assert [(p["title"], p["status"], p["seconds"]) for p in listed] == [("增设更衣柜", "submitted", 2)]
    assert client.post(f"/api/v1/proposals/{pid}/second", **member).status_code == 403
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post(
        f"/api/v1/proposals/{pid}/review",
        {"accept": True, "departments": "行政部", "days": 10},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert client.get(f"/api/v1/congresses/{congress.pk}/proposals", **outsider).status_code == 404
    assert (
        client.post(
            f"/api/v1/proposals/{pid}/answer", {"answer": "x"}, content_type="application/json", **outsider
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/proposals/{pid}/review",
            {"accept": True, "departments": "x", "days": 2**63},
            content_type="application/json",
            **staff,
        ).status_code
        == 422
    )
    # the department's handler sees its share and answers it; a handler elsewhere cannot
    grant(UserFactory(username="far_h"), personas.tree.other_union, Role.HANDLER, "行政部")
    far = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'far_h')}"}
    mine = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'admin_h')}"}
    tasks = client.get("/api/v1/proposal-tasks", **mine).json()
    assert [(t["number"], t["department"], t["answered_at"]) for t in tasks] == [(1, "行政部", None)]
    assert client.get("/api/v1/proposal-tasks", **far).json() == []
    assert client.get("/api/v1/proposal-tasks", **member).json() == []
    tid = tasks[0]["id"]
    for who in (far, member, staff):
        r = client.post(
            f"/api/v1/proposal-tasks/{tid}/answer", {"answer": "x"}, content_type="application/json", **who
        )
        assert r.status_code == 404
    r = client.post(
        f"/api/v1/proposal-tasks/{tid}/answer",
        {"answer": "下月配齐"},
        content_type="application/json",
        **mine,
    )
    assert r.status_code == 200 and r.json()["answer"] == "下月配齐"
    r = client.post(
        f"/api/v1/proposal-tasks/{tid}/answer", {"answer": "再答"}, content_type="application/json", **mine
    )
    assert r.status_code == 409
    assert client.get("/api/v1/proposal-tasks?answered=true", **mine).json()[0]["id"] == tid
    listed = client.get(f"/api/v1/congresses/{congress.pk}/proposals", **member).json()
    assert [(x["department"], x["answer"]) for x in listed[0]["steps"]] == [("行政部", "下月配齐")]
    comp = client.get(f"/api/v1/congresses/{congress.pk}/composition", **member).json()
    assert comp["total"] == 3 and comp["frontline_ok"] is True
