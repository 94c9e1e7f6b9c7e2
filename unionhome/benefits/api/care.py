"""Hardship cases, the self-test and public notices (B3); pairing and visits (B4)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.audit import timeline_entries, timeline_json, timelines_for
from unionhome.core.bounds import Day, Id, Money
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped
from unionhome.members import proxy as proxies
from unionhome.members.models import Member

from .. import hardship, selectors
from ..models import Fund, HardshipLevel, Visit

router = Router(tags=["benefits"])


# -- hardship ----------------------------------------------------------------------------------


class SelfTestIn(Schema):
    household_size: int = Field(..., ge=1, le=30)
    annual_income: Money
    unavoidable_costs: Money = Decimal("0")
    local_min_living_monthly: Decimal | None = Field(None, gt=0, max_digits=8, decimal_places=2)


class SelfTestOut(Schema):
    level: str
    label: str
    explanation: str
    local_min_living_monthly: str


@router.post("/hardship/self-test", response=SelfTestOut)
def hardship_self_test(request, payload: SelfTestIn):
    """Which hardship level a household may qualify for. Without a line, the caller's union's
    locality policy (or the configured default) is used. Nothing is stored."""
    from unionhome.members.selectors import member_of

    member = member_of(request.user)
    thresholds = hardship.policy_for(member.org if member else None)
    if payload.local_min_living_monthly is not None:
        thresholds = hardship.Thresholds(
            payload.local_min_living_monthly, thresholds.relative_multiple, thresholds.accident_ratio
        )
    level, why = hardship.self_test(
        household_size=payload.household_size,
        annual_income=payload.annual_income,
        unavoidable_costs=payload.unavoidable_costs,
        thresholds=thresholds,
    )
    return {
        "level": level,
        "label": str(HardshipLevel(level).label),
        "explanation": why,
        "local_min_living_monthly": str(thresholds.min_living_monthly),
    }


class CaseIn(Schema):
    kind: str = Field(..., description="illness, injury or emergency")
    summary: str = Field(..., min_length=1, max_length=200)
    urgent: bool = False
    details: dict[str, str | int | float | None] = Field(
        default_factory=dict,
        description="household_size, annual_income, unavoidable_costs, bank_account, health "
        "(health and financial values need the member's consent; stored encrypted)",
    )
    member_id: Id | None = Field(None, description="staff: open the case for this member")
    proxy_consent: Id | None = None


class CaseOut(Schema):
    id: int
    number: str
    kind: str
    urgent: bool
    stage: str
    stage_label: str
    summary: str
    suggested_level: str
    level: str
    amount: str | None
    due_on: str | None
    owner: str | None
    timeline: list[dict]


def _cases_out(cases) -> list[dict]:
    cases = list(cases)
    timelines = timelines_for(cases)
    return [_case_out(c, timeline=timelines[str(c.pk)]) for c in cases]


def _case_out(case, *, timeline: list[dict] | None = None) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "kind": case.kind,
        "urgent": case.urgent,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "summary": case.summary,
        "suggested_level": case.suggested_level,
        "level": case.level,
        "amount": str(case.amount) if case.amount is not None else None,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "owner": case.owner.display_name if case.owner_id else None,
        "timeline": timeline_json(timeline_entries(case) if timeline is None else timeline),
    }


@router.post("/hardship/cases", response={201: CaseOut})
@refuses(404)
def case_create(request, payload: CaseIn):
    member = None
    if payload.member_id:
        member = get_scoped(Member.objects.select_related("org", "user"), request.user, pk=payload.member_id)
    proxy = proxies.proxy_for(actor=request.user, consent_id=payload.proxy_consent)
    case = hardship.hardship_case_open(
        actor=request.user,
        kind=payload.kind,
        summary=payload.summary,
        urgent=payload.urgent,
        details=payload.details,
        member=member,
        proxy=proxy,
    )
    return Status(201, _case_out(case))


@router.get("/hardship/cases", response=list[CaseOut])
def case_list(request, stage: str = "", overdue: bool = False):
    """Staff: the ledger, urgent first then by deadline. Members: their own cases."""
    from unionhome.core.scoping import is_staff_anywhere

    if is_staff_anywhere(request.user):
        return _cases_out(hardship.cases_for(request.user, stage=stage, overdue=overdue)[:200])
    return _cases_out(selectors.my_cases(request.user))


@router.get("/hardship/cases/{case_id}", response=CaseOut)
def case_get(request, case_id: Id):
    return _case_out(hardship.case_get(user=request.user, pk=case_id))


class AdvanceIn(Schema):
    note: str = Field(..., max_length=5000)
    owner: str | None = Field(None, description="username of the next stage's owner")
    level: str | None = None
    amount: Money | None = None
    fund: Id | None = None


@router.post("/hardship/cases/{case_id}/advance", response=CaseOut)
@refuses(409)
def case_advance(request, case_id: Id, payload: AdvanceIn):
    """Finish the current stage. Verification needs the signed authorisation: use the page, or
    send it as multipart to `…/advance-with-file`."""
    case = hardship.case_get(user=request.user, pk=case_id)
    hardship.case_advance(case=case, actor=request.user, note=payload.note, **_advance_refs(request, payload))
    return _case_out(case)


@router.post("/hardship/cases/{case_id}/advance-with-file", response=CaseOut)
@refuses(409)
def case_advance_file(request, case_id: Id, note: str, file: File[UploadedFile]):
    case = hardship.case_get(user=request.user, pk=case_id)
    hardship.case_advance(case=case, actor=request.user, note=note, attachment=file)
    return _case_out(case)


def _advance_refs(request, payload: AdvanceIn) -> dict:
    from django.contrib.auth import get_user_model

    refs: dict = {"level": payload.level, "amount": payload.amount}
    if payload.owner:
        refs["owner"] = get_user_model().objects.filter(username=payload.owner).first()
        if refs["owner"] is None:
            raise DomainError("invalid", _("找不到负责人"), fields={"owner": _("找不到该用户")})
    if payload.fund:
        refs["fund"] = get_scoped(Fund.objects.select_related("org"), request.user, pk=payload.fund)
    return refs


class HardshipNoticeOut(Schema):
    text: str
    until: str


@router.get("/hardship/notices", response=list[HardshipNoticeOut])
def notices(request):
    """公示 in force for the caller's union."""
    from unionhome.members.selectors import member_of

    return [
        {"text": n.text, "until": n.until.isoformat()} for n in hardship.notices_for(member_of(request.user))
    ]


# -- visits ------------------------------------------------------------------------------------


class VisitIn(Schema):
    member_id: Id
    planned_on: Day
    kind: str = "pairing"


class VisitOut(Schema):
    id: int
    member: str
    kind: str
    planned_on: str
    visited_on: str | None
    rating: int | None


def _visit_out(v: Visit) -> dict:
    return {
        "id": v.pk,
        "member": v.member.name,
        "kind": v.kind,
        "planned_on": v.planned_on.isoformat(),
        "visited_on": v.visited_on.isoformat() if v.visited_on else None,
        "rating": v.rating,
    }


@router.post("/visits", response={201: VisitOut})
@refuses(404)
def visit_create(request, payload: VisitIn):
    member = get_scoped(Member.objects.select_related("org"), request.user, pk=payload.member_id)
    visit = hardship.visit_plan(
        actor=request.user, member=member, planned_on=payload.planned_on, kind=payload.kind
    )
    return Status(201, _visit_out(visit))


class VisitRecordIn(Schema):
    visited_on: Day
    record: str = Field(..., max_length=5000)
    gifts: str = Field("", max_length=200)


@router.post("/visits/{visit_id}/record", response=VisitOut)
@refuses(409)
def visit_record(request, visit_id: Id, payload: VisitRecordIn):
    visit = selectors.visit_for(request.user, visit_id)
    return _visit_out(hardship.visit_record(visit=visit, actor=request.user, **payload.dict()))


class RatingIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    evaluation: str = Field("", max_length=300)


@router.post("/visits/{visit_id}/evaluate", response=VisitOut)
@refuses(409)
def visit_evaluate(request, visit_id: Id, payload: RatingIn):
    visit = selectors.visit_for(request.user, visit_id)
    return _visit_out(hardship.visit_evaluate(visit=visit, actor=request.user, **payload.dict()))


@router.get("/visits/summary", response=dict)
def visit_summary(request):
    """The public display of visits for the caller's enterprise union: counts only, no names."""
    org = selectors.public_org(request.user)
    if org is None:
        raise NotFound()
    summary = hardship.visit_summary(org)
    return {**summary, "by_kind": dict(summary["by_kind"])}
