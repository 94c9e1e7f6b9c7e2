"""Issue #25, F1: the congress's composition against its rules, proposals with seconders within a
window, the committee's 立案 or suggestion, the answer and the proposer's rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound
from unionhome.democracy import congress as congresses
from unionhome.democracy.models import ProposalStatus

from ..conftest import api_token
from ..factories import MemberFactory, UserFactory

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


def test_a_proposal_needs_two_seconders_within_the_window_then_the_committee_decides(congress, personas):
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
        congresses.review(proposal=p, accept=True, departments="后勤部")  # one seconder is not enough
    late = p.second_until + dt.timedelta(seconds=1)
    with pytest.raises(Conflict):
        congresses.second(proposal=p, user=b.member.user, now=late)
    congresses.second(proposal=p, user=b.member.user, now=T0)
    assert p.status == ProposalStatus.SUBMITTED
    with pytest.raises(DomainError):
        congresses.review(proposal=p, accept=True, departments="")
    congresses.review(proposal=p, accept=True, departments="后勤部、工会", days=15)
    assert p.status == ProposalStatus.ACCEPTED and p.due_on > timezone.localdate()
    congresses.answer(proposal=p, text="7 月底前完成安装。")
    with pytest.raises(NotFound):
        congresses.rate(proposal=p, user=c.member.user, rating="satisfied")  # only the proposer
    congresses.rate(proposal=p, user=author.member.user, rating="not")
    assert p.status == ProposalStatus.ACCEPTED and p.sent_back  # back once for a second answer
    congresses.answer(proposal=p, text="已采购，7 月 20 日安装。")
    congresses.rate(proposal=p, user=author.member.user, rating="not")
    assert p.status == ProposalStatus.CLOSED  # not sent back twice
    # a proposal turned into a suggestion needs its reason
    q = congresses.proposal_submit(
        congress=congress, user=a.member.user, title="食堂增加夜宵", body="夜班没饭吃。", now=T0
    )
    with pytest.raises(DomainError):
        congresses.review(proposal=q, accept=False)
    congresses.review(proposal=q, accept=False, reason="属于日常管理事项，转食堂办理")
    assert q.status == ProposalStatus.SUGGESTION


def test_the_api_and_outsiders(congress, personas, client):
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
    comp = client.get(f"/api/v1/congresses/{congress.pk}/composition", **member).json()
    assert comp["total"] == 3 and comp["frontline_ok"] is True
