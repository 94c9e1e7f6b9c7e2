"""The appeal loop over the API (A1–A8): intake, the status a member polls, routing, dispatch, closing, follow-up, rating."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pydantic
from ninja import Field, Query, Router, Schema, Status

from unionhome.core import fastpath
from unionhome.core.api import local_iso
from unionhome.core.audit import timeline_entries, timeline_json
from unionhome.core.bounds import Day, Id, Moment
from unionhome.core.errors import NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import require_staff
from unionhome.members.departments import department_choices

from .. import dispatch, selectors, services
from ..models import (
    Appeal,
    Category,
    Channel,
    Dispatch,
    Outcome,
    Route,
)

router = Router(tags=["appeals"])


CategoryCode = Literal[tuple(Category.values)]  # type: ignore[valid-type]
ChannelCode = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
RouteCode = Literal[tuple(Route.values)]  # type: ignore[valid-type]
OutcomeCode = Literal[tuple(Outcome.values)]  # type: ignore[valid-type]


class AppealIn(Schema):
    text: str = Field(..., min_length=services.TEXT_MIN, max_length=services.TEXT_MAX)
    title: str | None = Field(None, max_length=100)
    site: Id | None = None
    anonymous: bool = False
    channel: ChannelCode = Channel.ONLINE  # type: ignore[valid-type]
    received_at: Moment | None = Field(None, description="staff only: when it was really received")
    on_behalf_of: str | None = Field(None, max_length=150, description="staff only: username or phone")


class TimelineOut(Schema):
    at: str
    text: str
    note: str


class DispatchOut(Schema):
    id: int
    position: int
    department: str
    due_on: dt.date
    evidence_required: str
    status: str
    answer: str
    answered_at: str | None
    answered_for: bool = Field(description="staff answered on the department's behalf")
    note: str = Field(description="why the step was withdrawn")


class AppealOut(Schema):
    id: int
    number: str
    status: str
    category: str
    urgent: bool
    received_at: str
    due_on: dt.date | None
    title: str
    text: str
    channel: str
    route: str
    site: str | None
    anonymous: bool
    round: int
    overdue: bool
    outcome: str
    reply: str
    rating: int | None
    confidence: float


class AppealDetail(AppealOut):
    member: str | None = Field(None, description="the member's name; hidden from handlers when anonymous")
    timeline: list[TimelineOut]
    dispatches: list[DispatchOut]
    knows_result: bool | None
    accepts_result: bool | None
    follow_on: str


# The schemas above document the answers; these build them, as JSON-ready dicts, for the framework
# and for the fast path alike (core.fastpath serves a member's intake and status calls).


def dispatch_out(d: Dispatch) -> dict:
    return {
        "id": d.pk,
        "position": d.position,
        "department": d.department,
        "due_on": d.due_on.isoformat(),
        "evidence_required": d.evidence_required,
        "status": d.status,
        "answer": d.answer,
        "answered_at": local_iso(d.answered_at),
        "answered_for": d.answered_for,
        "note": d.note,
    }


def appeal_out(a: Appeal) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "status": a.status,
        "category": a.category,
        "urgent": a.urgent,
        "received_at": local_iso(a.received_at),
        "due_on": a.due_on.isoformat() if a.due_on else None,
        "title": a.title,
        "text": a.text,
        "channel": a.channel,
        "route": a.route,
        "site": a.site.name if a.site_id else None,
        "anonymous": a.anonymous,
        "round": a.round,
        "overdue": a.overdue,
        "outcome": a.outcome,
        "reply": a.reply,
        "rating": a.rating,
        "confidence": a.confidence,
    }


def appeal_detail_out(user, appeal: Appeal, timeline: list[tuple] | None = None) -> dict:
    """The appeal as `user` may see it: handlers never see an anonymous member's name, and the
    member does not see the departments' internal feedback. `timeline`: its rows, when read with
    the appeal (`selectors.appeal_with_timeline`)."""
    staff = services.is_staff_for(user, appeal)
    own = services.is_own(user, appeal)
    dispatches = [] if own and not staff else list(appeal.dispatches.filter(round=appeal.round))
    return {
        **appeal_out(appeal),
        "member": services.member_label(user, appeal),
        "timeline": timeline_json(timeline_entries(appeal, timeline)),
        "dispatches": [dispatch_out(d) for d in dispatches],
        "knows_result": appeal.knows_result,
        "accepts_result": appeal.accepts_result,
        "follow_on": appeal.follow_on,
    }


def _detail(request, appeal: Appeal) -> dict:
    return appeal_detail_out(request.user, appeal)


def _submit(actor, payload: AppealIn) -> dict:
    appeal = services.appeal_submit(
        actor=actor,
        text=payload.text,
        title=payload.title or "",
        site=payload.site,
        anonymous=payload.anonymous,
        channel=payload.channel,
        received_at=payload.received_at,
        on_behalf_of=payload.on_behalf_of,
    )
    return appeal_out(appeal)


@router.post("/appeals", response={201: AppealOut})
def appeal_create(request, payload: AppealIn):
    """Members submit their own; staff may add channel, received_at and on_behalf_of (username or
    phone) to enter a hotline call, a box note, a visit or a station QR submission."""
    return Status(201, _submit(request.user, payload))


@fastpath.route("POST", r"/api/v1/appeals", user=True)
def appeal_create_fast(request):
    try:
        payload = AppealIn.model_validate_json(request.body)
    except pydantic.ValidationError:
        raise fastpath.Fallback from None  # the framework's field-level 422
    return 201, _submit(request.user, payload)


class ClassifyIn(Schema):
    text: str = Field(..., min_length=1, max_length=services.TEXT_MAX)


class ClassifyOut(Schema):
    category: str
    urgent: bool
    confidence: float
    signals: list[str]


@router.post("/appeals/classify", response=ClassifyOut)
def appeal_classify(request, payload: ClassifyIn):
    """Suggest a category and urgency for a text (the submit page calls it as the member types)."""
    s = services.classifier.suggest(payload.text)
    return {"category": s.category, "urgent": s.urgent, "confidence": s.confidence, "signals": s.signals}


@router.get("/appeals", response=list[AppealOut])
@refuses(403)
def appeal_list(
    request,
    tab: Literal[selectors.TABS] | None = Query(None, description="staff: new, mine, due, overdue, …"),  # type: ignore[valid-type]
    channel: ChannelCode | None = None,  # type: ignore[valid-type]
    limit: int = Query(50, ge=1, le=200),
):
    """Without `tab`: the caller's own appeals. With `tab`: a staff workbench list."""
    if tab is None:
        found = selectors.my_appeals(request.user).select_related("site")[:limit]
    else:
        require_staff(request.user)
        found = selectors.workbench(request.user, tab, channel or "")[:limit]
    return [appeal_out(a) for a in found]


@router.get("/appeals/{appeal_id}", response=AppealDetail)
def appeal_detail(request, appeal_id: Id):
    """One appeal with its timeline; 404 for anyone who may not see it. With a bearer token the
    WSGI server answers this before the framework (core.fastpath): members poll it."""
    return appeal_detail_out(request.user, *selectors.appeal_with_timeline(request.user, appeal_id))


@fastpath.route("GET", r"/api/v1/appeals/(?P<appeal_id>[0-9]{1,18})", user=True)
def appeal_detail_fast(request, appeal_id: str):
    return 200, appeal_detail_out(request.user, *selectors.appeal_with_timeline(request.user, int(appeal_id)))


class RouteIn(Schema):
    route: RouteCode  # type: ignore[valid-type]
    workdays: int | None = Field(None, ge=0, le=60)
    meeting_on: Day | None = None
    note: str = Field("", max_length=500)


@router.post("/appeals/{appeal_id}/route", response=AppealDetail)
@refuses(409)
def appeal_route(request, appeal_id: Id, payload: RouteIn):
    """Choose the route; `due_on` is the N-th working day after the day received."""
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_route(
        appeal,
        actor=request.user,
        route=payload.route,
        workdays=payload.workdays,
        meeting_on=payload.meeting_on,
        note=payload.note,
    )
    return _detail(request, appeal)


class ConfirmIn(Schema):
    category: CategoryCode  # type: ignore[valid-type]
    urgent: bool | None = None


@router.post("/appeals/{appeal_id}/confirm", response=AppealDetail)
@refuses(409)
def appeal_confirm(request, appeal_id: Id, payload: ConfirmIn):
    """Confirm or correct the suggested category and urgency (used by `appeals retrain`)."""
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_confirm(appeal, actor=request.user, category=payload.category, urgent=payload.urgent)
    return _detail(request, appeal)


class StepIn(Schema):
    department: str = Field(..., min_length=1, max_length=50)
    workdays: int | None = Field(None, ge=0, le=30)
    due_on: Day | None = None
    evidence: str = Field("", max_length=300)


class DispatchIn(Schema):
    steps: list[StepIn] = Field(..., min_length=1, max_length=8)


@router.post("/appeals/{appeal_id}/dispatch", response=AppealDetail)
@refuses(409)
def appeal_dispatch(request, appeal_id: Id, payload: DispatchIn):
    """Send to departments in order (会办单), each with a feedback deadline and the evidence required."""
    appeal = selectors.appeal_get(request.user, appeal_id)
    dispatch.appeal_dispatch(appeal, actor=request.user, steps=[s.dict() for s in payload.steps])
    return _detail(request, appeal)


class AnswerIn(Schema):
    answer: str = Field(..., min_length=2, max_length=4000)


@router.get("/dispatches", response=list[DispatchOut])
def dispatch_queue(request):
    """A department handler's queue: the steps waiting for their department's feedback."""
    return [dispatch_out(d) for d in selectors.handler_queue(request.user)]


@router.post("/dispatches/{dispatch_id}/answer", response=DispatchOut)
@refuses(409)
def dispatch_answer(request, dispatch_id: Id, payload: AnswerIn):
    step = selectors.handler_step(request.user, dispatch_id)
    return dispatch_out(dispatch.dispatch_answer(step, actor=request.user, answer=payload.answer))


def _staff_step(request, appeal_id: int, dispatch_id: int) -> Dispatch:
    appeal = selectors.appeal_get(request.user, appeal_id)
    step = appeal.dispatches.filter(pk=dispatch_id).first()
    if step is None:
        raise NotFound()
    step.appeal = appeal
    return step


class WithdrawIn(Schema):
    reason: str = Field(..., min_length=2, max_length=300)


@router.post("/appeals/{appeal_id}/dispatches/{dispatch_id}/withdraw", response=DispatchOut)
@refuses(409)
def dispatch_withdraw(request, appeal_id: Id, dispatch_id: Id, payload: WithdrawIn):
    """Staff take back a step not yet answered; the next department is asked, or with none left
    the appeal returns to its owner."""
    step = _staff_step(request, appeal_id, dispatch_id)
    return dispatch_out(dispatch.dispatch_withdraw(step, actor=request.user, reason=payload.reason))


class ResendIn(Schema):
    department: str = Field(..., min_length=1, max_length=50)
    workdays: int = Field(2, ge=1, le=30)


@router.post("/appeals/{appeal_id}/dispatches/{dispatch_id}/resend", response=DispatchOut)
@refuses(409)
def dispatch_resend(request, appeal_id: Id, dispatch_id: Id, payload: ResendIn):
    """Send a step not yet answered to another department on the list, or again to the same one
    with a new deadline."""
    step = _staff_step(request, appeal_id, dispatch_id)
    return dispatch_out(
        dispatch.dispatch_resend(
            step, actor=request.user, department=payload.department, workdays=payload.workdays
        )
    )


@router.post("/appeals/{appeal_id}/dispatches/{dispatch_id}/answer-for", response=DispatchOut)
@refuses(409)
def dispatch_answer_for(request, appeal_id: Id, dispatch_id: Id, payload: AnswerIn):
    """Staff answer on a department's behalf (marked so on the step)."""
    step = _staff_step(request, appeal_id, dispatch_id)
    if not services.is_staff_for(request.user, step.appeal):
        raise NotFound()
    return dispatch_out(dispatch.dispatch_answer(step, actor=request.user, answer=payload.answer))


class DepartmentOut(Schema):
    name: str
    has_handler: bool


@router.get("/appeals/{appeal_id}/departments", response=list[DepartmentOut])
def appeal_departments(request, appeal_id: Id):
    """The departments this appeal can be sent to (the union's list)."""
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.ensure_staff(request.user, appeal)
    return [{"name": c.name, "has_handler": c.staffed} for c in department_choices(appeal.org)]


class CloseIn(Schema):
    outcome: OutcomeCode  # type: ignore[valid-type]
    reply: str = Field(..., min_length=2, max_length=4000)


@router.post("/appeals/{appeal_id}/close", response=AppealDetail)
@refuses(409)
def appeal_close(request, appeal_id: Id, payload: CloseIn):
    """Reply to the member and close: resolved, in_progress or unresolvable."""
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_close(appeal, actor=request.user, outcome=payload.outcome, reply=payload.reply)
    return _detail(request, appeal)


class FollowUpIn(Schema):
    knows_result: bool
    accepts_result: bool
    follow_on: str = Field("", max_length=2000)


@router.post("/appeals/{appeal_id}/follow-up", response=AppealDetail)
@refuses(409)
def appeal_follow_up(request, appeal_id: Id, payload: FollowUpIn):
    """The follow-up visit record (回访)."""
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_follow_up(appeal, actor=request.user, **payload.dict())
    return _detail(request, appeal)


class RateIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


@router.post("/appeals/{appeal_id}/rate", response=AppealDetail)
@refuses(409)
def appeal_rate(request, appeal_id: Id, payload: RateIn):
    """The member rates 1–5; 1 or 2 reopens the appeal for a second round."""
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_rate(appeal, actor=request.user, rating=payload.rating, comment=payload.comment)
    appeal.refresh_from_db()
    return _detail(request, appeal)


class ReopenIn(Schema):
    note: str = Field("", max_length=500)


@router.post("/appeals/{appeal_id}/reopen", response=AppealDetail)
@refuses(409)
def appeal_reopen(request, appeal_id: Id, payload: ReopenIn):
    appeal = selectors.appeal_get(request.user, appeal_id)
    services.appeal_reopen(appeal, actor=request.user, note=payload.note)
    return _detail(request, appeal)
