"""Democracy API: the workers' congress and its proposals (F1), polls and secret ballots (F3)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from unionhome.core.api import Created, local_iso, staff_org
from unionhome.core.bounds import Day, Id, Moment
from unionhome.core.errors import NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, within
from unionhome.members.audience import AudienceIn
from unionhome.members.models import Member

from . import congress as congresses
from . import contracts, matters, polls, suggestions, topics
from .models import Category, Congress, Contract, Matter, Poll, Proposal, Suggestion

router = Router(tags=["democracy"])


# -- the congress and its proposals (F1) ------------------------------------------------------------


class CongressIn(Schema):
    title: str = Field(..., max_length=120)
    term: int = Field(..., ge=1, le=100, description="届")
    session: int = Field(..., ge=1, le=100, description="次")
    opens_on: Day
    org: Id | None = None


@router.post("/congresses", response={201: Created})
@refuses(404, 409)
def congress_create(request, payload: CongressIn):
    org = staff_org(request, payload.org)
    return Status(201, {"id": congresses.congress_create(org=org, data=payload.dict()).pk})


class RepresentativeIn(Schema):
    member: str = Field(..., max_length=150, description="the member's username")
    delegation: str = Field(..., max_length=60)
    category: Literal[tuple(Category.values)]  # type: ignore[valid-type]


@router.post("/congresses/{congress_id}/representatives", response={201: Created})
@refuses(404)
def representative_add(request, congress_id: Id, payload: RepresentativeIn):
    found = get_scoped(Congress.objects, request.user, pk=congress_id)
    member = within(Member.objects, found.org).filter(user__username=payload.member).first()
    if member is None:
        raise NotFound()
    rep = congresses.representative_add(
        congress=found, member=member, delegation=payload.delegation, category=payload.category
    )
    return Status(201, {"id": rep.pk})


class CompositionOut(Schema):
    total: int
    frontline: float
    frontline_ok: bool
    managers: float
    managers_ok: bool
    women: float
    women_workforce: float
    women_ok: bool


@router.get("/congresses/{congress_id}/composition", response=CompositionOut)
def congress_composition(request, congress_id: Id):
    """The representatives against the rules (frontline ≥ 50%, managers ≤ 20%, women in
    proportion to the workforce)."""
    return congresses.composition(congresses.congress_for(request.user, congress_id))


class ProposalIn(Schema):
    congress: Id
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=5000)


@router.post("/proposals", response={201: Created})
@refuses(403, 404)
def proposal_submit(request, payload: ProposalIn):
    """A representative submits a proposal; it opens for seconders."""
    found = congresses.congress_for(request.user, payload.congress)
    done = congresses.proposal_submit(
        congress=found, user=request.user, title=payload.title, body=payload.body
    )
    return Status(201, {"id": done.pk})


def _proposal(request, proposal_id: int) -> Proposal:
    from unionhome.core.scoping import by_rule

    found = (
        by_rule(Proposal.objects, "a proposal asked for by id; its congress checked below")
        .filter(pk=proposal_id)
        .first()
    )
    if found is None:
        raise NotFound()
    congresses.congress_for(request.user, found.congress_id)
    return found


class ProposalOut(Schema):
    id: int
    number: int
    title: str
    body: str
    author: str
    status: str
    seconds: int
    second_until: str
    reason: str
    departments: str
    due_on: str | None
    answer: str
    rating: str

    @staticmethod
    def resolve_author(p):
        return p.author.member.name

    @staticmethod
    def resolve_seconds(p):
        return p.seconds.count()

    @staticmethod
    def resolve_second_until(p):
        return local_iso(p.second_until)

    @staticmethod
    def resolve_due_on(p):
        return p.due_on.isoformat() if p.due_on else None


@router.post("/proposals/{proposal_id}/second", response=ProposalOut)
@refuses(403, 409)
def proposal_second(request, proposal_id: Id):
    return congresses.second(proposal=_proposal(request, proposal_id), user=request.user)


@router.get("/congresses/{congress_id}/proposals", response=list[ProposalOut])
def proposal_list(request, congress_id: Id):
    """The public list of the congress's proposals."""
    return congresses.proposals_for(request.user, congresses.congress_for(request.user, congress_id))


class ProposalReviewIn(Schema):
    accept: bool
    reason: str = Field("", max_length=2000)
    departments: str = Field("", max_length=200)
    days: int = Field(15, ge=1, le=90, description="working days to answer")


@router.post("/proposals/{proposal_id}/review", response=ProposalOut)
@refuses(409)
def proposal_review(request, proposal_id: Id, payload: ProposalReviewIn):
    """The proposal committee (staff of the congress's union): 立案 or a suggestion, with reason."""
    found = get_scoped(Proposal.objects, request.user, pk=proposal_id)
    return congresses.review(proposal=found, **payload.dict())


class ProposalAnswerIn(Schema):
    answer: str = Field(..., max_length=5000)


@router.post("/proposals/{proposal_id}/answer", response=ProposalOut)
@refuses(409)
def proposal_answer(request, proposal_id: Id, payload: ProposalAnswerIn):
    found = get_scoped(Proposal.objects, request.user, pk=proposal_id)
    return congresses.answer(proposal=found, text=payload.answer)


class ProposalRateIn(Schema):
    rating: Literal["satisfied", "basic", "not"]


@router.post("/proposals/{proposal_id}/rating", response=ProposalOut)
@refuses(409)
def proposal_rate(request, proposal_id: Id, payload: ProposalRateIn):
    """The proposer rates the answer; "not" sends it back once."""
    return congresses.rate(proposal=_proposal(request, proposal_id), user=request.user, rating=payload.rating)


# -- polls and secret ballots (F3) -------------------------------------------------------------------


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


# -- the register of matters (F2) -----------------------------------------------------------------


class MatterIn(Schema):
    kind: Literal["deliberation", "negotiation", "disclosure"]
    title: str = Field(..., max_length=160)
    summary: str = Field("", max_length=5000)
    congress: Id | None = None
    answer_due: Day | None = Field(None, description="the date the answer to the members is owed")
    org: Id | None = None


@router.post("/matters", response={201: Created})
@refuses(404)
def matter_create(request, payload: MatterIn):
    org = staff_org(request, payload.org)
    return Status(201, {"id": matters.matter_create(org=org, data=payload.dict()).pk})


class StepOut(Schema):
    step: str
    label: str
    vote: bool
    done: bool
    done_at: str | None
    note: str


class MatterOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    next_step: str | None
    finished: bool
    poll: int | None
    answer_due: str | None
    answered: bool
    steps: list[StepOut]


def _matter_out(matter) -> dict:
    nxt = matters.next_step(matter)
    return {
        "id": matter.pk, "kind": matter.kind, "title": matter.title, "summary": matter.summary,
        "next_step": nxt.code if nxt else None, "finished": matter.finished_at is not None, "poll": matter.poll_id,
        "answer_due": matter.answer_due.isoformat() if matter.answer_due else None, "answered": matter.answered_at is not None,
        "steps": [
            {"step": s.code, "label": str(s.label), "vote": s.vote, "done": done is not None,
             "done_at": local_iso(done.done_at) if done else None, "note": done.note if done else ""}
            for s, done in matters.archive(matter)
        ],
    }  # fmt: skip


@router.get("/matters", response=list[MatterOut])
@refuses(403, 404)
def matter_search(request, q: str = Query("", max_length=50), org: Id | None = None):
    """The register of the caller's union: every matter with its steps, searchable by words of
    its title, summary and minutes."""
    from unionhome.core.scoping import require_staff

    require_staff(request.user)
    target = staff_org(request, org)
    return [_matter_out(m) for m in matters.search(target, q)]


class MatterStepIn(Schema):
    step: str = Field(..., max_length=20, description="the code of the next step of the matter's procedure")
    note: str = Field(..., max_length=10000, description="the step's minutes or explanation")
    poll: Id | None = Field(None, description="a vote step: the closed poll that adopted it")


@router.post("/matters/{matter_id}/steps", response=MatterOut)
@refuses(409)
def matter_step(request, matter_id: Id, payload: MatterStepIn):
    """Record the next step; 409 `out_of_order` for any other, 400 `no_vote` / `not_adopted` for
    a vote step without an adopted poll."""
    found = get_scoped(Matter.objects, request.user, pk=matter_id)
    return _matter_out(matters.step_done(matter=found, by=request.user, **payload.dict()))


# -- rationalisation suggestions (F5) ---------------------------------------------------------------


class SuggestionIn(Schema):
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=5000)
    anonymous: bool = Field(False, description="other members see no name (staff still do)")


@router.post("/suggestions", response={201: Created})
@refuses(403)
def suggestion_submit(request, payload: SuggestionIn):
    return Status(201, {"id": suggestions.submit(user=request.user, **payload.dict()).pk})


class SuggestionOut(Schema):
    id: int
    title: str
    body: str
    author: str = Field(description="匿名 when the author chose so")
    status: str
    reason: str
    value: float | None
    reward: float | None
    supports: int

    @staticmethod
    def resolve_author(s):
        return suggestions.public_author(s)


@router.get("/suggestions", response=list[SuggestionOut])
def suggestion_list(request):
    """The public list of the member's union and the unions above it."""
    return suggestions.visible(request.user)


@router.post("/suggestions/{suggestion_id}/support", response=SuggestionOut)
@refuses(403, 404, 409)
def suggestion_support(request, suggestion_id: Id):
    """One support per member (409 `already_supported`; not one's own)."""
    return suggestions.support(
        suggestion=suggestions.suggestion_for(request.user, suggestion_id), user=request.user
    )


class AssessIn(Schema):
    status: Literal["assessed", "adopted", "rejected", "implemented"]
    reason: str = Field("", max_length=2000)
    value: float | None = Field(None, ge=0, le=9999999999, description="assessed value, yuan a year")
    reward: float | None = Field(None, ge=0, le=9999999999, description="yuan")


@router.post("/suggestions/{suggestion_id}/assess", response=SuggestionOut)
@refuses(404, 409)
def suggestion_assess(request, suggestion_id: Id, payload: AssessIn):
    """Staff of the author's union (or above) move it on; not adopted needs the reason."""
    found = get_scoped(Suggestion.objects, request.user, pk=suggestion_id)
    return suggestions.assess(suggestion=found, **payload.dict())


# -- collective contracts (F4) ---------------------------------------------------------------------


class ItemIn(Schema):
    code: str = Field(..., max_length=40, description="lower-case letters, digits and _")
    name: str = Field(..., max_length=80)
    unit: str = Field("", max_length=20)
    monthly: bool = False
    due_days: int = Field(15, ge=0, le=120, description="days after the period's end it is due")


class ClauseIn(Schema):
    text: str = Field(..., max_length=2000)
    kind: Literal["minimum", "maximum", "formula", "monthly"]
    rule: dict = Field(
        ...,
        description='minimum {"item", "min"}; maximum {"item", "max"}; formula {"expr": "a >= b * c * 1.5"}; monthly {"item", "min", "months": [6, 7], "pay_by": 15}',
    )


class ContractIn(Schema):
    title: str = Field(..., max_length=160)
    starts_on: Day
    ends_on: Day
    items: list[ItemIn] = Field(..., min_length=1, max_length=50)
    clauses: list[ClauseIn] = Field(..., min_length=1, max_length=50)
    org: Id | None = None


@router.post("/contracts", response={201: Created})
@refuses(404)
def contract_create(request, payload: ContractIn):
    org = staff_org(request, payload.org)
    data = payload.dict()
    return Status(201, {"id": contracts.contract_create(org=org, data=data).pk})


class DataIn(Schema):
    period: str = Field(
        ..., max_length=7, description="2026-07 for a monthly item, 2026Q3 for a quarterly one"
    )
    values: dict[str, float] = Field(..., max_length=50)
    paid_on: dict[str, Day] = Field(default_factory=dict, description="for a payment: the day it was paid")


class DeliveredOut(Schema):
    delivered: int


@router.post("/contracts/{contract_id}/data", response={201: DeliveredOut})
@refuses(404)
def contract_data(request, contract_id: Id, payload: DataIn):
    """The enterprise's figures for a period (staff of the union enter or relay them)."""
    found = get_scoped(Contract.objects, request.user, pk=contract_id)
    n = contracts.deliver(
        contract=found, period=payload.period, values=payload.values, paid_on=payload.paid_on
    )
    return Status(201, {"delivered": n})


class CheckIn(Schema):
    quarter: str = Field(..., max_length=6, description="2026Q3")
    owner: str = Field("", max_length=60, description="who owns the reviews of the exceptions")


class ClauseResultOut(Schema):
    clause: int
    text: str
    verdict: str = Field(
        description="compliant | not_compliant | data_missing | data_late (null: not checked)"
    )
    detail: str
    review_due: str | None


def _results(rows) -> list[dict]:
    return [
        {"clause": c.number, "text": c.text, "verdict": r.verdict if r else "not_checked", "detail": r.detail if r else "",
         "review_due": r.review_due.isoformat() if r and r.review_due else None}
        for c, r in rows
    ]  # fmt: skip


@router.post("/contracts/{contract_id}/checks", response=list[ClauseResultOut])
@refuses(404)
def contract_check(request, contract_id: Id, payload: CheckIn):
    """The quarterly check: every clause's verdict; each exception opens a review."""
    found = get_scoped(Contract.objects, request.user, pk=contract_id)
    year, q = contracts.parse_quarter(payload.quarter)
    contracts.quarter_check(contract=found, quarter=payload.quarter, owner=payload.owner)
    return _results(contracts.summary(found, f"{year}Q{q}"))


@router.get("/contracts/{contract_id}/checks/{quarter}", response=list[ClauseResultOut])
@refuses(400)
def contract_summary(request, contract_id: Id, quarter: str):
    """What members of the union see: each clause and its verdict for the quarter."""
    found = contracts.contract_for(request.user, contract_id)
    year, q = contracts.parse_quarter(quarter[:6])
    return _results(contracts.summary(found, f"{year}Q{q}"))


# -- platform workers' topics (F6) ------------------------------------------------------------------

TopicKindCode = Literal["dispatch", "commission", "overtime", "appeal", "rest", "penalty"]


class TopicIn(Schema):
    kind: TopicKindCode = Field(
        ...,
        description="派单规则 dispatch, 抽成比例 commission, 超时判定 overtime, 申诉复核 appeal, 休息安排 rest, 奖惩口径 penalty",
    )
    title: str = Field(..., max_length=120)
    body: str = Field(..., max_length=3000)


@router.post("/topics", response={201: Created})
@refuses(403)
def topic_raise(request, payload: TopicIn):
    return Status(201, {"id": topics.raise_topic(user=request.user, **payload.dict()).pk})


class TopicOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    supports: int
    item: int | None = Field(description="the negotiation item it was grouped into")

    @staticmethod
    def resolve_item(t):
        return t.item_id


@router.get("/topics", response=list[TopicOut])
def topic_list(request):
    """The issues raised in the member's enterprise, most supported first."""
    return topics.visible(request.user)


@router.post("/topics/{topic_id}/support", response=TopicOut)
@refuses(403, 409)
def topic_support(request, topic_id: Id):
    return topics.support(topic=topics.topic_for(request.user, topic_id), user=request.user)


class ItemGroupIn(Schema):
    topics: list[Id] = Field(..., min_length=1, max_length=100)
    title: str = Field(..., max_length=160)
    summary: str = Field("", max_length=5000)
    on_register: bool = Field(False, description="also put it on the register as a matter to negotiate")
    org: Id | None = None


class NegotiationItemOut(Schema):
    id: int
    kind: str
    title: str
    matter: int | None

    @staticmethod
    def resolve_matter(i):
        return i.matter_id


@router.post("/negotiation-items", response={201: NegotiationItemOut})
@refuses(404)
def negotiation_item(request, payload: ItemGroupIn):
    """Staff group issues of one topic into an item of the negotiation list (and, if asked, a
    matter on the register)."""
    org = staff_org(request, payload.org)
    item = topics.group(org=org, topic_ids=payload.topics, title=payload.title, summary=payload.summary)
    if payload.on_register:
        topics.to_matter(item=item)
    return Status(201, item)
