"""Benefits API: claim types and claims, staff decisions, funds, the hardship self-test and
ledger, visits, service items, campaigns and proxy consent."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.api import ErrorOut, local_iso, staff_org
from unionhome.core.audit import timeline_entries, timelines_for
from unionhome.core.bounds import Day, Id, Money, Year
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, require_staff
from unionhome.members import proxy as proxies
from unionhome.members.audience import AudienceIn
from unionhome.members.models import Member
from unionhome.members.selectors import require_active_member

from . import campaigns, hardship, selectors, services
from .models import Campaign, Claim, ClaimStatus, Fund, HardshipLevel, Visit

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


def _timeline_json(entries: list[dict]) -> list[dict]:
    return [{"at": e["at"].isoformat(), "text": e["text"], "note": e["note"]} for e in entries]


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
        "timeline": _timeline_json(timeline_entries(claim) if timeline is None else timeline),
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


# -- funds -------------------------------------------------------------------------------------


class FundIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    year: Year
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
    data = payload.dict(exclude={"org"}) | {"signer": signer}
    return Status(201, _fund_out(services.fund_save(actor=request.user, org=org, data=data)))


@router.get("/funds", response=list[FundOut])
@refuses(403)
def fund_list(request):
    require_staff(request.user)
    return [_fund_out(f) for f in services.funds_for(request.user)]


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
    return [dict(zip(keys, row, strict=True)) for row in services.ledger_rows(fund)]


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
        "timeline": _timeline_json(timeline_entries(case) if timeline is None else timeline),
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


# -- service groups and campaigns --------------------------------------------------------------


class ServiceItemOut(Schema):
    group: str
    title: str
    description: str
    link: str


@router.get("/service-items", response=list[ServiceItemOut])
def service_items(request):
    """What the caller's service groups entitle them to."""
    from unionhome.members.selectors import member_of

    out = []
    for group, items in campaigns.items_for_member(member_of(request.user)):
        for item in items:
            out.append(
                {
                    "group": group,
                    "title": item.title,
                    "description": item.description,
                    "link": selectors.item_link(item),
                }
            )
    return out


class GroupMemberOut(Schema):
    id: int
    name: str
    org: str


@router.get("/service-groups/{group}/members", response=list[GroupMemberOut])
@refuses(403)
def service_group_members(request, group: str):
    require_staff(request.user)
    return [
        {"id": m.pk, "name": m.name, "org": m.org.name}
        for m in campaigns.group_members(actor=request.user, group=group)[:500]
    ]


class CampaignIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: str
    items: str = Field(..., min_length=1, max_length=200)
    audience: AudienceIn = Field(default_factory=AudienceIn)
    value: Money | None = None
    starts_on: Day
    ends_on: Day
    org: Id | None = None


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    total: int
    delivered: int
    launch_seconds: float | None


def _campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "kind": c.kind,
        "status": c.status,
        "total": c.total,
        "delivered": c.entitlements.filter(delivered_at__isnull=False).count(),
        "launch_seconds": c.launch_seconds,
    }


@router.post("/campaigns", response={201: CampaignOut})
@refuses(404)
def campaign_create(request, payload: CampaignIn):
    org = staff_org(request, payload.org)
    data = payload.dict(exclude={"org"})
    return Status(201, _campaign_out(campaigns.campaign_save(actor=request.user, org=org, data=data)))


@router.post("/campaigns/{campaign_id}/launch", response={202: CampaignOut})
@refuses(409)
def campaign_launch(request, campaign_id: Id):
    """Publish: the entitlements are created by the task queue (202); poll `GET /campaigns/{id}`."""
    campaign = campaigns.campaign_get(user=request.user, pk=campaign_id)
    campaigns.campaign_launch(campaign=campaign, actor=request.user)
    return Status(202, _campaign_out(campaign))


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def campaign_get(request, campaign_id: Id):
    return _campaign_out(campaigns.campaign_get(user=request.user, pk=campaign_id))


class DeliverIn(Schema):
    member: str = Field(..., description="member number, phone or employee number")


@router.post("/campaigns/{campaign_id}/deliveries", response=dict)
def campaign_deliver(request, campaign_id: Id, payload: DeliverIn):
    campaign = campaigns.campaign_get(user=request.user, pk=campaign_id)
    row = campaigns.entitlement_deliver_by_member(actor=request.user, campaign=campaign, query=payload.member)
    return {"member": row.member.name, "delivered_at": local_iso(row.delivered_at)}


class EntitlementOut(Schema):
    campaign: str
    items: str
    site: str | None
    delivered_at: str | None


@router.get("/entitlements", response=list[EntitlementOut])
def my_entitlements(request):
    from unionhome.members.selectors import member_of

    return [
        {
            "campaign": e.campaign.name,
            "items": e.campaign.items,
            "site": e.site.name if e.site_id else None,
            "delivered_at": local_iso(e.delivered_at),
        }
        for e in campaigns.entitlements_for(member_of(request.user))
    ]


# -- proxy consent -----------------------------------------------------------------------------


class ProxyIn(Schema):
    member: str = Field(..., description="the member's phone, username or member number")
    method: str = Field("code", description="code (sent to the member) or signature")
    purposes: list[str] = Field(default_factory=list, description="health, financial")
    signature_png: str | None = Field(None, description="base64 PNG of the member's signature")


class ProxyOut(Schema):
    id: int
    member: str
    method: str
    purposes: list[str]
    granted: bool
    expires_at: str
    revoked: bool


def _proxy_out(c) -> dict:
    from unionhome.core.crypto import mask_name

    return {
        "id": c.pk,
        "member": mask_name(c.member.name),
        "method": c.method,
        "purposes": c.purposes,
        "granted": c.granted_at is not None,
        "expires_at": local_iso(c.expires_at),
        "revoked": c.revoked_at is not None,
    }


@router.post("/proxy/consents", response={201: ProxyOut})
def proxy_start(request, payload: ProxyIn):
    """A volunteer or staff member asks for consent: `code` sends the member a one-time code
    (confirm with `…/confirm`); `signature` records the member's signature at once."""
    member = proxies.proxy_find_member(actor=request.user, query=payload.member)
    if payload.method == "signature":
        try:
            png = base64.b64decode(payload.signature_png or "", validate=True)
        except (binascii.Error, ValueError):
            png = b""
        consent = proxies.proxy_sign(actor=request.user, member=member, png=png, purposes=payload.purposes)
    elif payload.method == "code":
        consent, _code = proxies.proxy_request_code(
            actor=request.user, member=member, purposes=payload.purposes
        )
    else:
        raise DomainError(
            "invalid", _("同意方式只能是验证码或签名"), fields={"method": _("code 或 signature")}
        )
    return Status(201, _proxy_out(consent))


class CodeIn(Schema):
    code: str = Field(..., max_length=10)


class MyProxyOut(Schema):
    id: int
    proxy: str = Field(..., description="who may file for the member")
    method: str
    purposes: list[str]
    granted_at: str | None
    expires_at: str
    live: bool
    revoked: bool


def _my_proxy_out(c) -> dict:
    return {
        "id": c.pk,
        "proxy": c.actor.display_name,
        "method": c.method,
        "purposes": c.purposes,
        "granted_at": local_iso(c.granted_at),
        "expires_at": local_iso(c.expires_at),
        "live": c.live,
        "revoked": c.revoked_at is not None,
    }


@router.get("/me/proxy-consents", response=list[MyProxyOut])
@refuses(403)
def my_proxy_consents(request):
    """The member's own list: who was allowed to file for them, for what, until when."""
    member = require_active_member(request.user)
    return [_my_proxy_out(c) for c in proxies.proxy_consents_of(member)[:100]]


@router.post("/me/proxy-consents/{consent_id}/revoke", response=MyProxyOut)
def my_proxy_revoke(request, consent_id: Id):
    """End a proxy's consent now; the proxy can file nothing more with it."""
    member = require_active_member(request.user)
    consent = proxies.proxy_consents_of(member).filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    return _my_proxy_out(proxies.proxy_revoke(consent=consent, member=member, actor=request.user))


@router.post("/proxy/consents/{consent_id}/confirm", response=ProxyOut)
def proxy_confirm(request, consent_id: Id, payload: CodeIn):
    """The code the member read out (five tries, fifteen minutes)."""
    consent = proxies.pending_proxy(request.user, consent_id)
    return _proxy_out(proxies.proxy_confirm_code(consent=consent, actor=request.user, code=payload.code))
