"""Legal services (A11): consultation, legal aid, mediation, the evidence list and the ladder."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from unionhome.core.bounds import Day, Id
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped
from unionhome.members.models import Member

from .. import legal
from ..models import (
    LadderStep,
    LegalKind,
    RightsIssue,
)

router = Router(tags=["appeals"])


# ---------------------------------------------------------------- legal services


class LegalIn(Schema):
    kind: Literal[tuple(LegalKind.values)]  # type: ignore[valid-type]
    summary: str = Field(..., min_length=5, max_length=4000)
    issue: Literal[tuple(RightsIssue.values)] | None = None  # type: ignore[valid-type]
    eligibility: dict[str, bool] = {}
    member: Id | None = Field(None, description="staff: open the case for this member")


class LegalStepOut(Schema):
    step: str
    on: dt.date
    note: str


class LegalOut(Schema):
    id: int
    kind: str
    issue: str
    summary: str
    status: str
    eligible: bool | None
    eligibility: dict
    evidence: dict
    agreement: str
    next_step: str | None
    steps: list[LegalStepOut]

    @staticmethod
    def resolve_next_step(c):
        return legal.ladder_next(c) if c.kind == LegalKind.RIGHTS else None

    @staticmethod
    def resolve_steps(c):
        return list(c.steps.all())


@router.post("/legal-cases", response={201: LegalOut})
@refuses(404)
def legal_create(request, payload: LegalIn):
    """Contract consultation, legal-aid application (answer the eligibility questions), mediation,
    or a wage-arrears / unpaid-insurance / excess-overtime case."""
    member = None
    if payload.member:
        member = get_scoped(Member.objects.select_related("org"), request.user, pk=payload.member)
    case = legal.legal_case_open(
        actor=request.user,
        kind=payload.kind,
        summary=payload.summary,
        member=member,
        issue=payload.issue or "",
        eligibility=payload.eligibility,
    )
    return Status(201, case)


@router.get("/legal-cases/{case_id}", response=LegalOut)
def legal_detail(request, case_id: Id):
    return legal.case_get(request.user, case_id)


class LadderIn(Schema):
    step: Literal[tuple(LadderStep.values)]  # type: ignore[valid-type]
    on: Day | None = None
    note: str = Field("", max_length=500)


@router.post("/legal-cases/{case_id}/steps", response=LegalOut)
@refuses(409)
def legal_step(request, case_id: Id, payload: LadderIn):
    """The next step of 提示 → 会商 → 发函 → 整改复核 → 移交; 409 `out_of_order` or `evidence_missing`."""
    case = legal.case_get(request.user, case_id)
    legal.ladder_step(case, actor=request.user, step=payload.step, on=payload.on, note=payload.note)
    return case


class EvidenceIn(Schema):
    collected: dict[str, bool]


@router.post("/legal-cases/{case_id}/evidence", response=LegalOut)
def legal_evidence(request, case_id: Id, payload: EvidenceIn):
    case = legal.case_get(request.user, case_id)
    return legal.evidence_set(case, actor=request.user, collected=payload.collected)


class AgreementIn(Schema):
    agreement: str = Field(..., min_length=5, max_length=8000)
    signed_on: Day | None = None


@router.post("/legal-cases/{case_id}/agreement", response=LegalOut)
@refuses(409)
def legal_agreement(request, case_id: Id, payload: AgreementIn):
    case = legal.case_get(request.user, case_id)
    return legal.mediation_record(
        case, actor=request.user, agreement=payload.agreement, signed_on=payload.signed_on
    )
