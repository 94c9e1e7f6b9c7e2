"""Collective contracts checked every quarter (F4)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from unionhome.core.api import Created, staff_org
from unionhome.core.bounds import Day, Id
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped

from .. import contracts
from ..models import Contract

router = Router(tags=["democracy"])


class ItemIn(Schema):
    code: str = Field(..., max_length=40, description="lower-case letters, digits and _")
    name: str = Field(..., max_length=80)
    unit: str = Field("", max_length=20)
    monthly: bool = False
    due_days: int = Field(15, ge=0, le=120, description="days after the period's end it is due")
    source: str = Field(
        "",
        max_length=40,
        description="empty: the enterprise delivers it; attendance_overtime or attendance_hours: the platform sums its attendance records",
    )


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
