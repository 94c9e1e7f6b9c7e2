"""Funds (B7) and their ledger."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from unionhome.core.api import staff_org
from unionhome.core.bounds import Id, Money
from unionhome.core.errors import DomainError
from unionhome.core.fields import InSchema, schema_field
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, require_staff

from .. import funds
from ..models import Fund

router = Router(tags=["benefits"])


# -- funds -------------------------------------------------------------------------------------


class FundIn(InSchema):
    name: str = schema_field(Fund, "name")
    year: int = schema_field(Fund, "year")
    budget: Money
    sign_threshold: Money | None = None
    signer: str | None = Field(None, max_length=150, description="username of the 一支笔 approver")
    org: Id | None = None


class FundOut(Schema):
    id: int
    name: str
    year: int
    org: str
    budget: str
    spent: str
    remaining: str
    sign_threshold: str | None
    signer: str | None


def _fund_out(f: Fund) -> dict:
    return {
        "id": f.pk,
        "name": f.name,
        "year": f.year,
        "org": f.org.name,
        "budget": str(f.budget),
        "spent": str(f.spent),
        "remaining": str(f.remaining),
        "sign_threshold": str(f.sign_threshold) if f.sign_threshold is not None else None,
        "signer": f.signer.username if f.signer_id else None,
    }


@router.post("/funds", response={201: FundOut})
@refuses(404)
def fund_create(request, payload: FundIn):
    from django.contrib.auth import get_user_model

    org = staff_org(request, payload.org)
    signer = None
    if payload.signer:
        signer = get_user_model().objects.filter(username=payload.signer).first()
        if signer is None:
            raise DomainError("invalid", _("找不到审批人"), fields={"signer": _("找不到该用户")})
    fund = funds.fund_save(actor=request.user, org=org, **payload.dict(exclude={"org"}) | {"signer": signer})
    return Status(201, _fund_out(fund))


@router.get("/funds", response=list[FundOut])
@refuses(403)
def fund_list(request):
    require_staff(request.user)
    return [_fund_out(f) for f in funds.funds_for(request.user)]


class LedgerRow(Schema):
    at: str
    purpose: str
    member: str
    amount: float
    approved_by: str
    signed_by: str
    balance: float


@router.get("/funds/{fund_id}/ledger", response=list[LedgerRow])
def fund_ledger(request, fund_id: Id):
    fund = get_scoped(Fund.objects.select_related("org"), request.user, pk=fund_id)
    keys = ["at", "fund", "purpose", "member", "amount", "approved_by", "signed_by", "balance"]
    return [dict(zip(keys, row, strict=True)) for row in funds.ledger_rows(fund)]
