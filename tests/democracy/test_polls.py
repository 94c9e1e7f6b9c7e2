"""Issue #25, F3: polls with secret ballots — the frozen voter list, one ballot a person, no link
between a ballot and its voter in any table, receipts, quorum and majority on hand-worked cases,
paper ballots, results only after the close."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from unionhome.core.errors import Conflict, DomainError
from unionhome.democracy import congress as congresses
from unionhome.democracy import polls
from unionhome.democracy.models import Ballot, Poll, Voter

from ..conftest import api_token
from ..factories import MemberFactory, UserFactory

NOW = timezone.now()
OPEN = NOW - dt.timedelta(hours=1)
CLOSE = NOW + dt.timedelta(hours=1)
AFTER = CLOSE + dt.timedelta(seconds=1)


SEATS = itertools.count()


def seat(congress, n: int, category="frontline"):
    out = []
    for _ in range(n):
        member = MemberFactory(
            org=congress.org, user=UserFactory(username=f"rep{next(SEATS)}"), status="active"
        )
        out.append(
            congresses.representative_add(
                congress=congress, member=member, delegation="一线代表团", category=category
            )
        )
    return out


@pytest.fixture
def congress(personas):
    return congresses.congress_create(
        org=personas.tree.union,
        data={"title": "第三届第二次职代会", "term": 3, "session": 2, "opens_on": dt.date(2026, 12, 1)},
    )


def package(congress, **kw):
    return polls.poll_create(
        org=congress.org,
        data={"title": "集体合同草案", "kind": "items", "options": ["工资增长", "带薪休假"], "electorate": "congress",
              "opens_at": OPEN, "closes_at": CLOSE, **kw},
    )  # fmt: skip


def test_quorum_and_majority_on_hand_worked_cases(congress):
    reps = seat(congress, 6)
    poll = package(congress)  # default for a congress: 2/3 voting, adopted by more than half of all
    assert polls.quorum_fraction(poll) == polls.Fraction(2, 3)
    # 4 of 6 vote: exactly two thirds — the quorum is met
    for rep, choice in zip(reps[:4], ("for", "for", "for", "against"), strict=True):
        polls.vote(
            poll=poll,
            user=rep.member.user,
            choices={"工资增长": choice, "带薪休假": "for" if choice == "for" else "abstain"},
            now=NOW,
        )
    result = polls.result(poll, now=AFTER)
    assert (result["eligible"], result["voted"], result["quorum_met"]) == (6, 4, True)
    # 3 for of 6 representatives is not more than half of all: not adopted, though 3 of 4 cast
    assert result["counts"]["工资增长"] == {"for": 3, "against": 1, "abstain": 0}
    assert result["adopted"] == {"工资增长": False, "带薪休假": False}
    # the same ballots under votes_cast: 3 of 4 is more than half — adopted
    Poll.objects.filter(pk=poll.pk).update(majority="votes_cast")
    poll.refresh_from_db()
    assert polls.result(poll, now=AFTER)["adopted"] == {"工资增长": True, "带薪休假": True}
    # one short of two thirds: 3 of 6 — no quorum, nothing adopted
    short = package(congress, title="另一项")
    for rep in reps[:3]:
        polls.vote(poll=short, user=rep.member.user, choices={"工资增长": "for", "带薪休假": "for"}, now=NOW)
    r = polls.result(short, now=AFTER)
    assert (r["voted"], r["quorum_met"], r["adopted"]) == (3, False, {"工资增长": False, "带薪休假": False})


def test_only_the_electorate_votes_once_inside_the_window_and_results_wait_for_the_close(congress, personas):
    reps = seat(congress, 3)
    poll = package(congress)
    user = reps[0].member.user
    with pytest.raises(Conflict) as refused:
        polls.vote(
            poll=poll, user=personas.member_user, choices={"工资增长": "for", "带薪休假": "for"}, now=NOW
        )
    assert refused.value.code == "not_eligible"
    with pytest.raises(DomainError):  # an item left out
        polls.vote(poll=poll, user=user, choices={"工资增长": "for"}, now=NOW)
    receipt = polls.vote(poll=poll, user=user, choices={"工资增长": "for", "带薪休假": "against"}, now=NOW)
    with pytest.raises(Conflict) as again:
        polls.vote(poll=poll, user=user, choices={"工资增长": "for", "带薪休假": "for"}, now=NOW)
    assert again.value.code == "already_voted"
    with pytest.raises(Conflict) as late:
        polls.vote(
            poll=poll, user=reps[1].member.user, choices={"工资增长": "for", "带薪休假": "for"}, now=CLOSE
        )
    assert late.value.code == "closed"
    with pytest.raises(Conflict) as early:
        polls.result(poll, now=NOW)
    assert early.value.code == "not_closed"
    assert polls.counted(poll, receipt) and not polls.counted(poll, "not-a-receipt")
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", receipt)
    assert polls.counted(poll, receipt.lower().replace("-", " "))  # as typed from a screenshot
    # a representative seated after the opening is not on the frozen list
    late_rep = seat(congress, 1)[0]
    with pytest.raises(Conflict) as frozen:
        polls.vote(
            poll=poll, user=late_rep.member.user, choices={"工资增长": "for", "带薪休假": "for"}, now=NOW
        )
    assert frozen.value.code == "not_eligible"


def test_no_table_ties_a_ballot_to_its_voter(congress):
    """After a poll: the ballot table has no column that names a person or a time, nothing in
    any table points at a ballot, the voter rows hold no time, no audit entry or message was
    written, and the ballots' order (by their random ids) is not the order of voting."""
    from unionhome.core.models import AuditLog, Notification

    reps = seat(congress, 12)
    poll = package(congress)
    audit_before, notes_before = AuditLog.objects.count(), Notification.objects.count()
    order = []
    for i, rep in enumerate(reps):
        polls.vote(
            poll=poll,
            user=rep.member.user,
            choices={"工资增长": "for" if i % 2 else "against", "带薪休假": "abstain"},
            now=NOW,
        )
        order.append(i % 2)
    ballot_fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(ballot_fields) == {"id", "org", "poll", "choices", "receipt"}
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in ballot_fields.values())
    assert isinstance(ballot_fields["id"], models.UUIDField)
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.is_relation and f.related_model is Ballot and f.concrete:
                pytest.fail(f"{model._meta.label}.{f.name} points at a ballot")
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in Voter._meta.get_fields())
    assert AuditLog.objects.count() == audit_before and Notification.objects.count() == notes_before
    by_id = [
        0 if b["工资增长"] == "against" else 1
        for b in Ballot.objects.filter(poll=poll).order_by("id").values_list("choices", flat=True)
    ]
    assert sorted(by_id) == sorted(order)
    ids = list(Ballot.objects.filter(poll=poll).order_by("id").values_list("id", flat=True))
    assert len({i.hex[:8] for i in ids}) == 12  # random, not a sequence


def test_single_and_multi_choice_with_paper_ballots_added_by_two_tellers(personas, congress):
    members = [
        MemberFactory(org=personas.tree.union, user=UserFactory(username=f"voter{i}"), status="active")
        for i in range(5)
    ]
    poll = polls.poll_create(
        org=personas.tree.union,
        data={"title": "职工之家活动室选址", "kind": "multi", "options": ["一楼", "二楼", "食堂旁"], "max_choices": 2,
              "electorate": "members", "opens_at": OPEN, "closes_at": CLOSE},
    )  # fmt: skip
    with pytest.raises(DomainError):
        polls.vote(
            poll=poll, user=members[0].user, choices=["一楼", "二楼", "食堂旁"], now=NOW
        )  # more than 2
    with pytest.raises(DomainError):
        polls.vote(poll=poll, user=members[0].user, choices=["三楼"], now=NOW)
    polls.vote(poll=poll, user=members[0].user, choices=["一楼", "食堂旁"], now=NOW)
    polls.vote(poll=poll, user=members[1].user, choices=["食堂旁"], now=NOW)
    with pytest.raises(Conflict):
        polls.paper_add(
            poll=poll, tellers=["甲", "乙"], voters=1, counts={"一楼": 1}, now=NOW
        )  # before the close
    with pytest.raises(DomainError):
        polls.paper_add(poll=poll, tellers=["甲", "甲"], voters=1, counts={"一楼": 1}, now=AFTER)
    eligible = Voter.objects.filter(poll=poll).count()
    with pytest.raises(DomainError):
        polls.paper_add(
            poll=poll, tellers=["甲", "乙"], voters=eligible, counts={}, now=AFTER
        )  # more than not voted
    polls.paper_add(poll=poll, tellers=["甲", "乙"], voters=2, counts={"一楼": 2, "食堂旁": 1}, now=AFTER)
    result = polls.result(poll, now=AFTER)
    assert result["counts"] == {"一楼": 3, "二楼": 0, "食堂旁": 3} and result["voted"] == 4
    assert result["adopted"] == {"一楼": True, "二楼": False, "食堂旁": True}  # more than half of 4 cast


def test_the_api_shapes_and_outsiders(congress, personas, client):
    reps = seat(congress, 3)
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    body = {"title": "年度工作报告", "kind": "single", "options": ["赞成", "反对", "弃权"], "electorate": "congress",
            "opens_at": OPEN.isoformat(), "closes_at": CLOSE.isoformat()}  # fmt: skip
    r = client.post("/api/v1/polls", body, content_type="application/json", **staff)
    assert r.status_code == 201
    poll_id = r.json()["id"]
    voter = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, reps[0].member.user.username)}"}
    r = client.post(
        f"/api/v1/polls/{poll_id}/ballots", {"choices": ["赞成"]}, content_type="application/json", **voter
    )
    assert r.status_code == 201
    receipt = r.json()["receipt"]
    again = client.post(
        f"/api/v1/polls/{poll_id}/ballots", {"choices": ["反对"]}, content_type="application/json", **voter
    )
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    r = client.post(
        f"/api/v1/polls/{poll_id}/ballots", {"choices": ["赞成"]}, content_type="application/json", **member
    )
    assert r.status_code == 409 and r.json()["code"] == "not_eligible"
    assert (
        client.post(
            f"/api/v1/polls/{poll_id}/ballots",
            {"choices": ["随便"]},
            content_type="application/json",
            **voter,
        ).status_code
        == 400  # an invalid choice: refused before anything else
    )
    assert client.get(f"/api/v1/polls/{poll_id}/result", **voter).json()["code"] == "not_closed"
    assert client.get(f"/api/v1/polls/{poll_id}/receipts/{receipt}", **voter).json() == {"counted": True}
    Poll.objects.filter(pk=poll_id).update(closes_at=NOW - dt.timedelta(seconds=1))
    result = client.get(f"/api/v1/polls/{poll_id}/result", **voter).json()
    assert (
        result["counts"] == {"赞成": 1, "反对": 0, "弃权": 0}
        and result["eligible"] == 3
        and result["quorum_met"] is False
    )
    # outsiders: another union's staff and a stranger's token see nothing
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert client.get(f"/api/v1/polls/{poll_id}", **outsider).status_code == 404
    assert client.get(f"/api/v1/polls/{poll_id}/result", **outsider).status_code == 404
    for bad in (
        {"kind": "ranked"},
        {"options": ["一"]},
        {"quorum": 1.5},
        {"closes_at": OPEN.isoformat()},
        {"electorate": "everyone"},
    ):
        assert client.post(
            "/api/v1/polls", {**body, **bad}, content_type="application/json", **staff
        ).status_code in (400, 422), bad


def test_the_burst_path_takes_a_listed_voters_ballot_once_and_leaves_the_rest_to_the_ordinary_path(
    congress, personas, django_assert_max_num_queries
):
    reps = seat(congress, 2)
    poll = package(congress)
    first, second = (r.member.user.pk for r in reps)
    items = {"工资增长": "for", "带薪休假": "against"}
    # not frozen yet: the ordinary path takes the voter list first
    assert polls.vote_listed(poll_id=poll.pk, user_id=first, choices=items) is None
    polls.freeze(poll)
    polls.poll_snapshot(poll.pk)
    with django_assert_max_num_queries(4):  # one statement on PostgreSQL; two and their savepoint here
        receipt = polls.vote_listed(poll_id=poll.pk, user_id=first, choices=items)
    assert polls.counted(poll, receipt)
    assert polls.vote_listed(poll_id=poll.pk, user_id=first, choices=items) is None  # voted already
    assert polls.vote_listed(poll_id=poll.pk, user_id=personas.member_user.pk, choices=items) is None
    # a bad ballot is the ordinary path's to refuse (400 to a voter, 404 to one who may not see
    # the poll); nothing was written and the voter can still vote
    assert polls.vote_listed(poll_id=poll.pk, user_id=second, choices={"工资增长": "for"}) is None
    assert not Voter.objects.get(poll=poll, user_id=second).voted
    assert polls.vote_listed(poll_id=poll.pk, user_id=second, choices=items)
    assert [b.choices for b in Ballot.objects.filter(poll=poll)] == [
        items,
        items,
    ]  # kept as the ORM keeps them
    later = poll.closes_at + dt.timedelta(seconds=1)
    assert polls.vote_listed(poll_id=poll.pk, user_id=second, choices=items, now=later) is None
