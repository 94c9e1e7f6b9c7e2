"""The workers' congress and its proposals (F1)."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Router, Schema, Status

from unionhome.core.api import Created, local_iso, staff_org
from unionhome.core.bounds import Day, Id
from unionhome.core.errors import NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, within
from unionhome.members.models import Member

from .. import congress as congresses
from ..models import Category, Congress, Proposal
from ..selectors import handler_queue, handler_steps

router = Router(tags=["democracy"])


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


class ProposalStepOut(Schema):
    id: int
    round: int
    department: str
    due_on: str
    answered_at: str | None
    answer: str

    @staticmethod
    def resolve_due_on(s):
        return s.due_on.isoformat()

    @staticmethod
    def resolve_answered_at(s):
        return local_iso(s.answered_at) if s.answered_at else None


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
    steps: list[ProposalStepOut] = Field(description="each department's share (承办), round by round")

    @staticmethod
    def resolve_steps(p):
        return list(p.steps.all())

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
    departments: list[Annotated[str, Field(max_length=50)]] | Annotated[str, Field(max_length=200)] = Field(
        "",
        description="departments on the union's list, each with a handler (a list, or names separated by 、)",
    )
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


class ProposalTaskOut(Schema):
    """A department's share of a proposal, as its handler sees it."""

    id: int
    proposal: int
    number: int
    title: str
    body: str
    department: str
    round: int
    due_on: str
    answered_at: str | None
    answer: str

    @staticmethod
    def resolve_proposal(s):
        return s.proposal_id

    @staticmethod
    def resolve_number(s):
        return s.proposal.number

    @staticmethod
    def resolve_title(s):
        return s.proposal.title

    @staticmethod
    def resolve_body(s):
        return s.proposal.body

    @staticmethod
    def resolve_due_on(s):
        return s.due_on.isoformat()

    @staticmethod
    def resolve_answered_at(s):
        return local_iso(s.answered_at) if s.answered_at else None


@router.get("/proposal-tasks", response=list[ProposalTaskOut])
def proposal_tasks(request, answered: bool = False):
    """A department handler's proposals to answer (提案承办), or those answered."""
    return list(handler_queue(request.user, answered=answered)[:200])


class ProposalTaskAnswerIn(Schema):
    answer: str = Field(..., max_length=5000)


@router.post("/proposal-tasks/{task_id}/answer", response=ProposalTaskOut)
@refuses(409)
def proposal_task_answer(request, task_id: Id, payload: ProposalTaskAnswerIn):
    step = handler_steps(request.user).filter(pk=task_id).first()
    if step is None:
        raise NotFound()
    return congresses.step_answer(step, actor=request.user, text=payload.answer)
