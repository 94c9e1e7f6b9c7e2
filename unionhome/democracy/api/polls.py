"""Polls and secret ballots (F3)."""

from __future__ import annotations

from typing import Literal

import pydantic
from ninja import Field, Router, Schema, Status

from unionhome.core import fastpath
from unionhome.core.api import Created, local_iso, staff_org
from unionhome.core.bounds import Id, Moment
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped
from unionhome.members.audience import AudienceIn

from .. import polls
from ..models import Poll

router = Router(tags=["democracy"])


class PollIn(Schema):
    title: str = Field(..., max_length=160)
    kind: Literal["single", "multi", "items"]
    options: list[str] = Field(..., min_length=1, max_length=50)
    max_choices: int | None = Field(None, ge=1, le=50)
    electorate: Literal["congress", "members"]
    congress: Id | None = None
    audience: AudienceIn = Field(default_factory=AudienceIn)
    opens_at: Moment
    closes_at: Moment
    quorum: float | None = Field(
        None, ge=0, le=1, description="share of the electorate that must vote; 0.6667 is read as 2/3"
    )
    majority: Literal["all_members", "votes_cast"] | None = None
    org: Id | None = None


@router.post("/polls", response={201: Created})
@refuses(404)
def poll_create(request, payload: PollIn):
    org = staff_org(request, payload.org)
    data = payload.dict()
    data["audience"] = payload.audience.dict()
    return Status(201, {"id": polls.poll_create(org=org, data=data).pk})


class PollOut(Schema):
    id: int
    title: str
    kind: str
    options: list[str]
    max_choices: int
    electorate: str
    opens_at: str
    closes_at: str

    @staticmethod
    def resolve_opens_at(p):
        return local_iso(p.opens_at)

    @staticmethod
    def resolve_closes_at(p):
        return local_iso(p.closes_at)


@router.get("/polls/{poll_id}", response=PollOut)
def poll_get(request, poll_id: Id):
    return polls.poll_for(request.user, poll_id)


class BallotIn(Schema):
    choices: list[str] | dict[str, Literal["for", "against", "abstain"]] = Field(
        ..., description='the options chosen, or for `items` {"<item>": "for|against|abstain"}'
    )


class ReceiptOut(Schema):
    receipt: str = Field(
        description="shown once: it proves the ballot was counted and shows no one how it voted"
    )


@router.post("/polls/{poll_id}/ballots", response={201: ReceiptOut})
@refuses(409)
def poll_vote(request, poll_id: Id, payload: BallotIn):
    """Cast a secret ballot. 409 `already_voted`, `not_eligible`, `not_open`, `closed`; 400 for
    an invalid choice."""
    poll = polls.poll_for(request.user, poll_id)
    return Status(201, {"receipt": polls.vote(poll=poll, user=request.user, choices=payload.choices)})


@fastpath.route("POST", r"/api/v1/polls/(?P<poll_id>[0-9]{1,18})/ballots")
def poll_vote_fast(request, poll_id: str):
    """With a bearer token the WSGI server takes a listed voter's ballot before the framework
    (a congress votes within the same minute); every refusal is the framework's."""
    try:
        payload = BallotIn.model_validate_json(request.body)
    except pydantic.ValidationError:
        raise fastpath.Fallback from None  # the framework's field-level 422
    receipt = polls.vote_listed(
        poll_id=int(poll_id), user_id=request.identity.user_id, choices=payload.choices
    )
    if receipt is None:
        raise fastpath.Fallback
    return 201, {"receipt": receipt}


class ResultOut(Schema):
    eligible: int
    voted: int
    quorum_met: bool
    counts: dict[str, int | dict[str, int]]
    adopted: dict[str, bool]


@router.get("/polls/{poll_id}/result", response=ResultOut)
@refuses(409)
def poll_result(request, poll_id: Id):
    """After the close: turnout, quorum, counts (paper ballots included) and what is adopted.
    409 `not_closed` before."""
    return polls.result(polls.poll_for(request.user, poll_id))


class CountedOut(Schema):
    counted: bool


@router.get("/polls/{poll_id}/receipts/{receipt}", response=CountedOut)
def poll_receipt(request, poll_id: Id, receipt: str):
    """Was the ballot with this receipt counted? Says nothing of what it chose."""
    return {"counted": polls.counted(polls.poll_for(request.user, poll_id), receipt[:64])}


class PaperIn(Schema):
    tellers: list[str] = Field(..., min_length=2, max_length=2, description="the two tellers' names")
    voters: int = Field(..., ge=0, le=1_000_000)
    counts: dict[str, int | dict[str, int]]


@router.post("/polls/{poll_id}/paper", response=ResultOut)
@refuses(404, 409)
def poll_paper(request, poll_id: Id, payload: PaperIn):
    """Staff add the paper ballots two tellers counted, as totals, after the close (once)."""
    poll = get_scoped(Poll.objects, request.user, pk=poll_id)
    polls.paper_add(poll=poll, tellers=payload.tellers, voters=payload.voters, counts=payload.counts)
    return polls.result(poll)
