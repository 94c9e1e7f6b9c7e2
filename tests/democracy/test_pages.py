"""Issue #25: the member's and the staff's democracy pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from unionhome.democracy import congress as congresses
from unionhome.democracy import polls
from unionhome.democracy.models import Ballot, Congress, Poll, Proposal

from ..conftest import login_client
from .test_polls import seat


def test_a_representative_votes_on_the_page_keeps_the_receipt_and_checks_it_after_the_close(personas):
    congress = congresses.congress_create(
        org=personas.tree.union,
        data={"title": "职代会", "term": 1, "session": 1, "opens_on": dt.date(2026, 12, 1)},
    )
    rep = seat(congress, 1)[0]
    now = timezone.now()
    poll = polls.poll_create(
        org=personas.tree.union,
        data={"title": "集体合同草案", "kind": "items", "options": ["工资增长 6%", "高温津贴"], "electorate": "congress",
              "opens_at": now - dt.timedelta(minutes=5), "closes_at": now + dt.timedelta(hours=1)},
    )  # fmt: skip
    voter = login_client(rep.member.user)
    assert "请投票" in voter.get("/democracy/").content.decode()
    page = voter.post(f"/democracy/polls/{poll.pk}/", {"item0": "for", "item1": "abstain"}).content.decode()
    receipt = re.search(r'<code id="receipt">([^<]+)</code>', page).group(1)
    assert "只显示这一次" in page and Ballot.objects.get(poll=poll).choices == {
        "工资增长 6%": "for",
        "高温津贴": "abstain",
    }
    again = voter.get(f"/democracy/polls/{poll.pk}/").content.decode()
    assert "您已经投过票了" in again and receipt not in again  # shown once
    assert (
        "您不在这次表决的名单里"
        in login_client(personas.member_user).get(f"/democracy/polls/{poll.pk}/").content.decode()
    )
    Poll.objects.filter(pk=poll.pk).update(closes_at=now - dt.timedelta(seconds=1))
    result = voter.get(f"/democracy/polls/{poll.pk}/?receipt={receipt}").content.decode()
    assert "表决结果" in result and "已计入" in result
    assert "没有找到这张票" in voter.get(f"/democracy/polls/{poll.pk}/?receipt=nothing").content.decode()
    assert login_client(personas.staff_other).get(f"/democracy/polls/{poll.pk}/").status_code == 404


def test_staff_set_up_a_congress_a_poll_and_paper_ballots_and_a_representative_proposes(personas):
    staff = login_client(personas.staff)
    r = staff.post(
        "/staff/democracy/",
        {
            "action": "congress",
            "title": "第一届第一次职代会",
            "term": 1,
            "session": 1,
            "opens_on": "2026-12-20",
        },
    )
    congress = Congress.objects.get()
    assert r["Location"] == f"/staff/democracy/congress/{congress.pk}/"
    page = staff.post(
        r["Location"], {"action": "rep", "member": "nobody", "delegation": "一", "category": "frontline"}
    ).content.decode()
    assert "本工会没有这个会员" in page
    staff.post(
        r["Location"],
        {"action": "rep", "member": "member", "delegation": "保安代表团", "category": "frontline"},
    )
    assert congress.representatives.count() == 1
    member = login_client(personas.member_user)
    member.post(
        f"/democracy/congress/{congress.pk}/",
        {"action": "submit", "title": "夜班补贴提高", "body": "夜班补贴多年未涨。"},
    )
    proposal = Proposal.objects.get()
    assert proposal.author.member == personas.member
    staff.post(
        r["Location"],
        {
            "action": "review",
            "proposal": proposal.pk,
            "accept": "0",
            "days": 15,
            "reason": "附议不足，转为建议",
        },
    )
    proposal.refresh_from_db()
    assert proposal.status == "suggestion"
    now = timezone.now()
    fmt = "%Y-%m-%dT%H:%M"
    r = staff.post(
        "/staff/democracy/",
        {"action": "poll", "title": "活动室选址", "kind": "single", "options": "一楼\n二楼", "electorate": "members",
         "opens_at": timezone.localtime(now - dt.timedelta(hours=2)).strftime(fmt), "closes_at": timezone.localtime(now - dt.timedelta(hours=1)).strftime(fmt)},
    )  # fmt: skip
    poll = Poll.objects.get()
    assert r["Location"] == f"/staff/democracy/polls/{poll.pk}/"
    page = staff.post(
        r["Location"], {"teller1": "甲", "teller2": "甲", "voters": 1, "c0": 1, "c1": 0}
    ).content.decode()
    assert "两位不同的计票人" in page
    staff.post(r["Location"], {"teller1": "甲", "teller2": "乙", "voters": 1, "c0": 1, "c1": 0})
    poll.refresh_from_db()
    assert poll.paper["voters"] == 1 and "含纸质票 1 张" in staff.get(r["Location"]).content.decode()
    assert login_client(personas.staff_other).get(r["Location"]).status_code == 404


def test_staff_record_a_matters_steps_on_its_page_and_members_see_its_progress(personas):
    from unionhome.democracy.models import Matter

    staff = login_client(personas.staff)
    r = staff.post(
        "/staff/democracy/matters/",
        {"kind": "disclosure", "title": "年度福利费使用公开", "summary": "向全体职工公开"},
    )
    matter = Matter.objects.get()
    assert r["Location"] == f"/staff/democracy/matters/{matter.pk}/"
    page = staff.post(r["Location"], {"note": ""}).content.decode()
    assert "记录下一步：起草" in page  # the note is required: the form says so and keeps its place
    staff.post(r["Location"], {"note": "财务部起草公开清单。"})
    matter.refresh_from_db()
    assert (
        matter.done_steps == 1
        and "下一步：审核" in login_client(personas.member_user).get("/democracy/").content.decode()
    )
    assert (
        "年度福利费使用公开" in staff.get("/staff/democracy/matters/?q=财务部").content.decode()
    )  # found by its minutes
    assert login_client(personas.staff_other).get(r["Location"]).status_code == 404


def test_staff_accept_a_proposal_to_departments_and_the_handler_answers_on_the_page(personas):
    from unionhome.core.models import Department

    from .test_congress import reps

    Department.objects.get_or_create(org=personas.tree.union, name="人力资源部")
    congress = congresses.congress_create(
        org=personas.tree.union,
        data={"title": "职代会", "term": 1, "session": 1, "opens_on": dt.date(2026, 12, 1)},
    )
    author, a, b = reps(congress, ["frontline"] * 3)
    p = congresses.proposal_submit(
        congress=congress, user=author.member.user, title="更衣柜", body="没有更衣柜。"
    )
    for rep in (a, b):
        congresses.second(proposal=p, user=rep.member.user)
    staff = login_client(personas.staff)
    url = f"/staff/democracy/congress/{congress.pk}/"
    form = staff.get(url).content.decode()
    assert 'type="checkbox" name="departments" value="人力资源部"' in form
    page = staff.post(url, {"action": "review", "proposal": p.pk, "accept": "1", "days": 5, "reason": ""})
    assert "立案需要选择承办部门" in page.content.decode()  # nothing chosen: told, nothing lost
    r = staff.post(
        url, {"action": "review", "proposal": p.pk, "accept": "1", "days": 5, "departments": ["人力资源部"]}
    )
    assert r.status_code == 302
    step = p.steps.get()
    handler = login_client(personas.handler)
    assert "更衣柜" in handler.get("/handler/proposals/").content.decode()
    assert "提案承办" in handler.get("/handler/").content.decode()  # linked from the 会办单 queue
    assert login_client(personas.member_user).get(f"/handler/proposals/{step.pk}/").status_code == 404
    page = staff.post(url, {"action": "answer", "proposal": p.pk, "answer": "下月配齐"}).content.decode()
    assert "还在等承办部门答复：人力资源部" in page
    r = handler.post(f"/handler/proposals/{step.pk}/", {"answer": "已采购 20 个更衣柜"})
    assert (
        r.status_code == 302
        and "已采购 20 个更衣柜"
        in handler.get("/handler/proposals/?tab=answered").content.decode()
        + handler.get(f"/handler/proposals/{step.pk}/").content.decode()
    )
    assert "人力资源部 · 已答复：已采购 20 个更衣柜" in staff.get(url).content.decode()
    staff.post(url, {"action": "answer", "proposal": p.pk, "answer": "下月配齐"})
    p.refresh_from_db()
    assert p.status == "answered" and p.answer == "下月配齐"


@pytest.mark.parametrize(
    "url, key, raise_action, item",
    [
        (
            "/democracy/suggestions/",
            "suggestion",
            "submit",
            {"title": "更衣室加装排风扇", "body": "夏天太闷。"},
        ),
        (
            "/democracy/topics/",
            "topic",
            "raise",
            {"kind": "rest", "title": "连续接单不能休息", "body": "不让下线。"},
        ),
    ],
)
def test_members_support_on_the_public_lists_once_and_never_their_own(personas, url, key, raise_action, item):
    from unionhome.democracy.models import Suggestion, Topic

    author, other = login_client(personas.member_user), login_client(personas.other_user)
    page = author.post(url, {"action": raise_action, **item, "title": ""}).content.decode()
    assert item["body"] in page  # refused for the empty title, what was typed stays
    assert author.post(url, {"action": raise_action, **item})["Location"] == url
    made = (Suggestion if key == "suggestion" else Topic).objects.get()
    assert (
        "不能支持自己" in author.post(url, {"action": "support", key: made.pk}, follow=True).content.decode()
    )
    other.post(url, {"action": "support", key: made.pk})
    assert (
        "您已经支持过了" in other.post(url, {"action": "support", key: made.pk}, follow=True).content.decode()
    )
    made.refresh_from_db()
    assert made.supports == 1
    assert other.post(url, {"action": "support", key: 2**63}).status_code == 404
    assert (
        login_client(personas.staff_other).post(url, {"action": "support", key: made.pk}).status_code == 404
    )
