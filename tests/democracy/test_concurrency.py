"""One person, one ballot under real concurrent requests (issue #25): 50 ballots from one
representative at once against a live server (Django's stack, and the fast path) — on PostgreSQL in CI as on SQLite — give exactly
one ballot, one 201 and 49 `already_voted`."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from unionhome.democracy import congress as congresses
from unionhome.democracy import polls
from unionhome.democracy.models import Ballot, Voter

from ..activities.test_concurrency import fast_server, fire, tokens_for  # noqa: F401 — a fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("server", ["live_server", "fast_server"])
def test_fifty_ballots_at_once_from_one_voter_give_one_ballot(personas, request, server):
    """Through Django's own stack, and through the production WSGI application whose fast path
    takes a listed voter's ballot (the first ballot freezes the list on Django's path)."""
    from unionhome.members.models import Member

    live_server = request.getfixturevalue(server)
    union = personas.tree.union
    congress = congresses.congress_create(
        org=union, data={"title": "职代会", "term": 1, "session": 1, "opens_on": dt.date(2026, 12, 1)}
    )
    tokens = tokens_for(union, 3, "ballot")
    for member in Member.objects.filter(user__username__startswith="ballot"):
        congresses.representative_add(
            congress=congress, member=member, delegation="一线", category="frontline"
        )
    now = timezone.now()
    poll = polls.poll_create(
        org=union,
        data={"title": "工作报告", "kind": "single", "options": ["赞成", "反对"], "electorate": "congress",
              "opens_at": now - dt.timedelta(minutes=1), "closes_at": now + dt.timedelta(hours=1)},
    )  # fmt: skip
    answers = fire(
        live_server.url, f"/api/v1/polls/{poll.pk}/ballots", [tokens[0]] * 50, {"choices": ["赞成"]}
    )
    statuses = Counter(status for status, _body in answers)
    assert statuses == {201: 1, 409: 49}
    assert {body["code"] for status, body in answers if status == 409} == {"already_voted"}
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert Voter.objects.filter(poll=poll, voted=True).count() == 1
    # the other two vote at once, each once
    answers = fire(
        live_server.url, f"/api/v1/polls/{poll.pk}/ballots", tokens[1:] * 10, {"choices": ["反对"]}
    )
    assert Counter(s for s, _ in answers) == {201: 2, 409: 18}
    assert Ballot.objects.filter(poll=poll).count() == 3
