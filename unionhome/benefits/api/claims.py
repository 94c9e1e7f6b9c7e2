"""Claim types and claims (B1, B2), for members, proxies and staff."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.api import ErrorOut
from unionhome.core.audit import timeline_entries, timeline_json, timelines_for
from unionhome.core.bounds import Id, Money
from unionhome.core.errors import DomainError
from unionhome.core.openapi import refuses
from unionhome.core.scoping import require_staff
from unionhome.members import proxy as proxies

from .. import selectors, services
from ..models import Claim, ClaimStatus

router = Router(tags=["benefits"])


# -- claim types and claims --------------------------------------------------------------------


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool = False
    choices: list[str] | None = None
    max: float | None = None
    sensitive: str | None = None


class ClaimTypeOut(Schema):
    code: str
    name: str
    description: str
    category: str
    fields: list[FieldOut]
    delivery: str
    deadline_days: int
    approver_role: str


@router.get("/claim-types", response=list[ClaimTypeOut])
def claim_types(request):
    """The claim types the caller may claim (their union's and above, their audience)."""
    return selectors.claim_types_for(request.user)


class ClaimIn(Schema):
    type: str = Field(..., description="a claim-type code from GET /claim-types")
    fields: dict[str, str | int | float | None] = Field(default_factory=dict)
    draft: bool = Field(False, description="save without submitting (upload materials next)")
    proxy_consent: Id | None = Field(None, description="file for a member with their consent (代办)")


class ClaimOut(Schema):
    id: int
    number: str
    type: str
    type_name: str
    status: str
    status_label: str
    fields: dict[str, str]
    materials: list[str]
    amount: str | None
    due_on: str | None
    staff_note: str
    filed_by_proxy: str | None
    timeline: list[dict]


def _claims_out(claims, user) -> list[dict]:
    """A list of claims with every timeline read in one query."""
    claims = list(claims)
    timelines = timelines_for(claims)
    return [_claim_out(c, user, timeline=timelines[str(c.pk)]) for c in claims]


def _claim_out(claim: Claim, user, *, reveal: bool = False, timeline: list[dict] | None = None) -> dict:
    """Sensitive values are masked unless `reveal` (logged for staff)."""
    secret = services.claim_reveal(claim=claim, actor=user) if reveal else services.claim_sensitive(claim)
    shown = {**claim.values, **{k: (v if reveal else services.mask_value(v)) for k, v in secret.items()}}
    return {
        "id": claim.pk,
        "number": claim.number,
        "type": claim.type.code,
        "type_name": claim.type.name,
        "status": claim.status,
        "status_label": str(ClaimStatus(claim.status).label),
        "fields": {k: str(v) for k, v in shown.items()},
        "materials": sorted({f.field for f in claim.files.all()}),
        "amount": str(claim.amount) if claim.amount is not None else None,
        "due_on": claim.due_on.isoformat() if claim.due_on else None,
        "staff_note": claim.staff_note,
        "filed_by_proxy": claim.proxy.actor.display_name if claim.proxy_id else None,
        "timeline": timeline_json(timeline_entries(claim) if timeline is None else timeline),
    }


@router.post("/claims", response={201: ClaimOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def claim_create(request, payload: ClaimIn):
    """File a claim (201), or get 400 with a reason per field. A type with required materials is
    filed as a draft first, then the files go to `POST /claims/{id}/files`, then `…/submit`."""
    proxy = proxies.proxy_for(actor=request.user, consent_id=payload.proxy_consent)
    ctype = selectors.claim_type_by_code(request.user, payload.type, member=proxy.member if proxy else None)
    claim = services.claim_save(
        actor=request.user, ctype=ctype, values=payload.fields, submit=not payload.draft, proxy=proxy
    )
    return Status(201, _claim_out(claim, request.user))


@router.get("/claims", response=list[ClaimOut])
def claim_list(request):
    """The caller's own claims, newest first."""
    return _claims_out(selectors.my_claims(request.user), request.user)


@router.get("/claims/{claim_id}", response=ClaimOut)
def claim_get(request, claim_id: Id, reveal: bool = False):
    """One claim: the member's own, one a volunteer filed, or one in a staff member's union;
    404 for anyone else. `reveal=true` shows sensitive values (staff readings are logged)."""
    claim = selectors.claim_get(request.user, claim_id)
    return _claim_out(claim, request.user, reveal=reveal)


class ClaimUpdateIn(Schema):
    fields: dict[str, str | int | float | None] = Field(default_factory=dict)


@router.patch("/claims/{claim_id}", response=ClaimOut)
@refuses(409)
def claim_update(request, claim_id: Id, payload: ClaimUpdateIn):
    """Change a draft or a returned claim; what is not sent stays."""
    claim = selectors.claim_get(request.user, claim_id)
    claim = services.claim_save(actor=request.user, claim=claim, values=payload.fields, submit=False)
    return _claim_out(claim, request.user)


@router.post("/claims/{claim_id}/files", response=ClaimOut)
def claim_file(request, claim_id: Id, field: str, file: File[UploadedFile]):
    """Attach a required material (image or PDF) to the field `field`."""
    claim = selectors.claim_get(request.user, claim_id)
    if claim.type.field(field) is None or claim.type.field(field)["kind"] != "file":
        raise DomainError("invalid", _("没有这个材料"), fields={"field": _("没有这个材料")})
    claim = services.claim_save(actor=request.user, claim=claim, values={}, files={field: file}, submit=False)
    return _claim_out(claim, request.user)


@router.post("/claims/{claim_id}/submit", response=ClaimOut)
@refuses(409)
def claim_submit(request, claim_id: Id):
    claim = selectors.claim_get(request.user, claim_id)
    claim = services.claim_save(actor=request.user, claim=claim, values={}, submit=True)
    return _claim_out(claim, request.user)


class DecisionIn(Schema):
    note: str = Field("", max_length=500)
    amount: Money | None = Field(None, description="approve a smaller amount than asked")


class RejectIn(Schema):
    reason: str = Field(..., max_length=500)


@router.get("/staff/claims", response=list[ClaimOut])
@refuses(403)
def staff_claims(request, status: str = "submitted"):
    """Claims in the staff member's unions, by status (default: waiting for a decision)."""
    require_staff(request.user)
    return _claims_out(selectors.staff_claims(request.user, status=status)[:200], request.user)


@router.post("/claims/{claim_id}/approve", response={200: ClaimOut, 403: ErrorOut, 409: ErrorOut})
def claim_approve(request, claim_id: Id, payload: DecisionIn):
    """409 `over_budget` when the fund cannot pay it; 403 `signer_required` above the fund's
    threshold unless the caller is its designated signer (一支笔)."""
    claim = selectors.staff_claim(request.user, claim_id)
    services.claim_approve(claim=claim, actor=request.user, note=payload.note, amount=payload.amount)
    return _claim_out(claim, request.user)


@router.post("/claims/{claim_id}/return", response=ClaimOut)
@refuses(409)
def claim_return(request, claim_id: Id, payload: DecisionIn):
    claim = selectors.staff_claim(request.user, claim_id)
    services.claim_return(claim=claim, actor=request.user, note=payload.note)
    return _claim_out(claim, request.user)


@router.post("/claims/{claim_id}/reject", response=ClaimOut)
@refuses(409)
def claim_reject(request, claim_id: Id, payload: RejectIn):
    claim = selectors.staff_claim(request.user, claim_id)
    services.claim_reject(claim=claim, actor=request.user, reason=payload.reason)
    return _claim_out(claim, request.user)


@router.post("/claims/{claim_id}/deliver", response=ClaimOut)
@refuses(409)
def claim_deliver(request, claim_id: Id, payload: DecisionIn):
    claim = selectors.staff_claim(request.user, claim_id)
    services.claim_deliver(claim=claim, actor=request.user, note=payload.note)
    return _claim_out(claim, request.user)
