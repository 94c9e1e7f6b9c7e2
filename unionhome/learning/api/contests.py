"""Skill contests (D3): sign-up, anonymous judging, the chief's close, the ranking with its working."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from unionhome.core.api import Created, staff_org
from unionhome.core.bounds import Id, Moment
from unionhome.core.errors import Conflict, NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import by_rule, get_scoped, own
from unionhome.members.audience import AudienceIn
from unionhome.members.selectors import require_active_member

from .. import contests
from ..models import Contest, Entry

router = Router(tags=["learning"])


class CriterionIn(Schema):
    name: str = Field(..., min_length=1, max_length=30)
    weight: float = Field(..., gt=0, le=100)


class ContestIn(Schema):
    title: str = Field(..., max_length=120)
    summary: str = Field("", max_length=2000)
    criteria: list[CriterionIn] = Field(..., min_length=1, max_length=10)
    rule: Literal["mean", "trimmed_mean", "zscore"] = "mean"
    judges: list[str] = Field(..., min_length=1, max_length=30, description="usernames")
    chief: str | None = Field(
        None, max_length=150, description="the chief judge's username; default the first judge"
    )
    tiebreak: list[str] = Field(
        default_factory=list, max_length=10, description="criteria compared, in order, on a tie"
    )
    exclude_own_org: bool = Field(True, description="a judge never marks entrants of their own enterprise")
    exam: Id | None = Field(None, description="the written round: only those who pass it are judged")
    submissions: bool = Field(False, description="entrants hand in work (a description and a file)")
    signup_closes_at: Moment | None = None
    audience: AudienceIn = Field(default_factory=AudienceIn, description="who is eligible")
    org: Id | None = None


@router.post("/contests", response={201: Created})
@refuses(404)
def contest_create(request, payload: ContestIn):
    org = staff_org(request, payload.org)
    data = payload.dict()
    data["criteria"] = [c.dict() for c in payload.criteria]
    data["audience"] = payload.audience.dict()
    return Status(201, {"id": contests.contest_create(org=org, data=data).pk})


class ContestOut(Schema):
    id: int
    title: str
    summary: str
    org: str
    criteria: list[CriterionIn]
    rule: str
    closed: bool
    eligible: bool = Field(description="the caller may sign up")
    entered: bool

    @staticmethod
    def resolve_org(c):
        return c.org.name

    @staticmethod
    def resolve_closed(c):
        return c.closed_at is not None


@router.get("/contests", response=list[ContestOut])
def contest_list(request):
    """The contests of the member's union and the unions above it."""
    from unionhome.members.selectors import member_of

    member = member_of(request.user)
    found = contests.contests_for(member)
    entered = set(own(Entry.objects, member).values_list("contest_id", flat=True))
    for c in found:
        c.eligible = contests.eligible(c, member)
        c.entered = c.pk in entered
    return found


class ContestEntryIn(Schema):
    member: str = Field(..., max_length=150, description="the entrant's username")


@router.post("/contests/{contest_id}/entries", response={201: Created})
@refuses(404, 409)
def contest_entry_add(request, contest_id: Id, payload: ContestEntryIn):
    """Staff sign a member up (eligibility and the deadline hold as for the member)."""
    contest = get_scoped(Contest.objects, request.user, pk=contest_id)
    member = contests.member_named(contest, payload.member)
    return Status(201, {"id": contests.entry_add(contest=contest, member=member).pk})


@router.post("/contests/{contest_id}/signup", response={201: Created})
@refuses(403, 409)
def contest_signup(request, contest_id: Id):
    """The member signs up themselves."""
    member = require_active_member(request.user)
    contest = contests.contest_for(request.user, contest_id)
    return Status(201, {"id": contests.entry_add(contest=contest, member=member).pk})


class JudgeEntryOut(Schema):
    id: int
    code: str = Field(description="all a judge learns of the entrant")
    work: str
    file: bool
    marks: dict[str, float] | None = Field(description="the caller's own marks, if given")


@router.get("/contests/{contest_id}/entries", response=list[JudgeEntryOut])
@refuses(403)
def contest_entries(request, contest_id: Id):
    """A judge's view: the finalists by code only (no name, no union), without those of the
    judge's own enterprise when the contest says so."""
    contest = contests.contest_for(request.user, contest_id)
    return contests.entries_for_judge(contest, request.user)


class MarkIn(Schema):
    entry: Id
    scores: dict[str, float] = Field(..., max_length=10, description="criterion → 0–100")


@router.post("/contests/{contest_id}/scores", response={201: Created})
@refuses(403, 404, 409)
def contest_mark(request, contest_id: Id, payload: MarkIn):
    """A judge of the contest marks an entry per criterion (again to correct, until the close);
    403 for anyone else and for an entrant of the judge's own enterprise."""
    contest = contests.contest_for(request.user, contest_id)
    done = contests.mark(contest=contest, user=request.user, entry_id=payload.entry, scores=payload.scores)
    return Status(201, {"id": done.pk})


@router.post("/contests/{contest_id}/close", response=Created)
@refuses(403, 409)
def contest_close(request, contest_id: Id):
    """The chief judge closes the contest: marks are final and the results published."""
    contest = contests.contest_for(request.user, contest_id)
    contests.close(contest=contest, user=request.user)
    return {"id": contest.pk}


class ContestRankOut(Schema):
    entry: int
    code: str
    rank: int
    score: float
    working: str = Field(description="how the score was reached, judge by judge")


@router.get("/contests/{contest_id}/ranking", response=list[ContestRankOut])
@refuses(409)
def contest_ranking(request, contest_id: Id):
    """The final ranking (score = weighted criteria per judge, then the contest's rule across
    judges), after the chief judge closed the contest; 409 `not_closed` before."""
    contest = contests.contest_for(request.user, contest_id)
    if contest.closed_at is None:
        raise Conflict("not_closed", _("总裁判长结束比武后公布结果"))
    codes = dict(
        by_rule(Entry.objects, "the entries of a contest in hand")
        .filter(contest=contest)
        .values_list("pk", "code")
    )
    return [
        {"entry": r.entry, "code": codes[r.entry], "rank": r.rank, "score": r.score, "working": r.working}
        for r in contests.ranking(contest)
    ]


class ReviewIn(Schema):
    reason: str = Field(..., max_length=500)


@router.post("/contests/{contest_id}/review", response=Created)
@refuses(404, 409)
def contest_review(request, contest_id: Id, payload: ReviewIn):
    """The entrant asks for a review of the result, within 3 working days of the close."""
    member = require_active_member(request.user)
    contest = contests.contest_for(request.user, contest_id)
    entry = own(Entry.objects, member).filter(contest=contest).first()
    if entry is None:
        raise NotFound()
    contests.review_ask(entry=entry, reason=payload.reason)
    return {"id": entry.pk}
