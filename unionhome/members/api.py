"""Members API: the caller's own record, joining, transfers, the e-card check, and staff endpoints
scoped to the caller's org subtree."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core import throttle
from unionhome.core.api import local_iso
from unionhome.core.bounds import Id, LifeDay, Page
from unionhome.core.crypto import mask_phone
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import Org, Site
from unionhome.core.openapi import refuses
from unionhome.core.scoping import by_rule, get_scoped, own, require_staff, scope, visible_orgs
from unionhome.core.throttle import address_key

from . import idcard, joining, roster, roster_cells, selectors, services
from .card import card_token, card_verify
from .models import (
    DeletionRequest,
    DeletionStatus,
    EmploymentType,
    JoinApplication,
    JoinStatus,
    Member,
    Post,
    RosterImport,
    Shift,
    Transfer,
)

router = Router(tags=["members"])

PostCode = Literal[tuple(Post.values)]  # type: ignore[valid-type]
ShiftCode = Literal[tuple(Shift.values)]  # type: ignore[valid-type]
EmploymentCode = Literal[tuple(EmploymentType.values)]  # type: ignore[valid-type]


class MemberOut(Schema):
    id: int
    member_no: str | None
    name: str
    status: str
    union: str
    union_id: int
    site: str | None
    phone: str = Field(description="masked")
    id_number: str = Field(description="masked: 110***********1234")
    gender: str
    age_band: str
    post: str
    employment_type: str
    shift: str
    hired_on: dt.date | None
    joined_on: dt.date | None
    skills: str
    interests: str
    service_groups: list[str]
    registered: bool

    @staticmethod
    def resolve_union(m):
        return m.org.name

    @staticmethod
    def resolve_union_id(m):
        return m.org_id

    @staticmethod
    def resolve_site(m):
        return m.site.name if m.site_id else None

    @staticmethod
    def resolve_phone(m):
        return m.phone_masked

    @staticmethod
    def resolve_id_number(m):
        return m.id_number_masked

    @staticmethod
    def resolve_age_band(m):
        from .groups import age_band

        return age_band(m.birth_date)

    @staticmethod
    def resolve_service_groups(m):
        return m.group_codes

    @staticmethod
    def resolve_registered(m):
        return m.user_id is not None


class MeOut(Schema):
    username: str
    display_name: str
    elder_mode: bool
    member: MemberOut | None


class ProfileIn(Schema):
    post: PostCode | None = None
    employment_type: EmploymentCode | None = None
    shift: ShiftCode | None = None
    hired_on: LifeDay | None = None
    skills: str | None = Field(None, max_length=200)
    interests: str | None = Field(None, max_length=200)
    site_id: Id | None = None


class StaffProfileIn(ProfileIn):
    name: str | None = Field(None, min_length=1, max_length=50)
    phone: str | None = Field(None, max_length=20)
    employee_no: str | None = Field(None, max_length=30)
    id_number: str | None = Field(None, max_length=18)
    posted_away: bool | None = None
    hardship: bool | None = None


def _profile_data(payload: Schema) -> dict:
    data = payload.dict(exclude_unset=True)
    if "site_id" in data:
        site_id = data.pop("site_id")
        sites = by_rule(Site.objects, "any site by number: member_update keeps it to the enterprise")
        site = sites.filter(pk=site_id).select_related("org").first() if site_id else None
        if site_id and site is None:
            raise DomainError(
                "invalid", _("请检查填写的内容"), fields={"site_id": _("未知的工作地点")}, status=422
            )
        data["site"] = site
    return data


def _member_qs():
    return Member.objects.select_related("org", "site").prefetch_related("groups")


@router.get("/me", response=MeOut)
def me(request):
    """The caller and their membership, with personal data masked."""
    member = selectors.member_of(request.user)
    return {
        "username": request.user.username,
        "display_name": request.user.display_name,
        "elder_mode": request.user.elder_mode,
        "member": member,
    }


@router.patch("/me", response=MemberOut)
@refuses(404, 409)
def me_update(request, payload: ProfileIn):
    """Change the caller's working profile; service groups are recomputed."""
    member = _own_member(request)
    services.member_update(member=member, actor=request.user, changes=_profile_data(payload))
    return own(_member_qs(), request.user, field="user").get(pk=member.pk)


def _own_member(request) -> Member:
    member = selectors.member_of(request.user)
    if member is None:
        raise NotFound(_("您还不是会员"))
    return member


@router.get("/me/export")
@refuses(404)
def me_export(request):
    """Everything held about the caller, as JSON (personal-data export)."""
    return services.member_export(member=_own_member(request), actor=request.user)


class ConsentIn(Schema):
    purpose: str
    granted: bool


@router.get("/me/consents")
@refuses(404)
def me_consents(request):
    """The consent in force for each purpose."""
    return services.consent_current(_own_member(request))


@router.post("/me/consents")
@refuses(404)
def me_consent_set(request, payload: ConsentIn):
    services.consent_set(
        member=_own_member(request), purpose=payload.purpose, granted=payload.granted, actor=request.user
    )
    return services.consent_current(_own_member(request))


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=200)


@router.post("/me/deletion-request", response={201: dict})
@refuses(404, 409)
def me_deletion_request(request, payload: ReasonIn):
    """Ask for one's personal data to be deleted; staff approve."""
    req = services.deletion_request(member=_own_member(request), actor=request.user, reason=payload.reason)
    return Status(201, {"id": req.pk, "status": req.status})


@router.post("/me/leave", response=MemberOut)
@refuses(404, 409)
def me_leave(request, payload: ReasonIn):
    """Leave the union (the record and history are kept)."""
    member = services.member_leave(member=_own_member(request), actor=request.user, reason=payload.reason)
    return own(_member_qs(), request.user, field="user").get(pk=member.pk)


# --- joining ------------------------------------------------------------------------------------


class JoinIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=50)
    phone: str = Field(..., max_length=20)
    employee_no: str = Field("", max_length=30)
    id_number: str = Field("", max_length=18)
    id_consent: bool = False
    site_id: int | None = None
    post: PostCode = "other"


class JoinOut(Schema):
    """The applicant's view: while it waits, the same words whatever the reason (the reason
    itself is for staff: `StaffJoinOut`)."""

    id: int
    status: str
    note: str
    member_no: str | None

    @staticmethod
    def resolve_note(a):
        if a.decision_note:
            return a.decision_note
        return str(joining.JOIN_PENDING_TEXT) if a.status == JoinStatus.SUBMITTED else ""

    @staticmethod
    def resolve_member_no(a):
        return a.member.member_no if a.member_id else None


class StaffJoinOut(JoinOut):
    name: str
    phone: str = Field(description="masked: 138****1234")
    employee_no: str
    reason: str = Field(description="why the rule did not approve it at once")

    @staticmethod
    def resolve_note(a):
        return a.decision_note or a.auto_note

    @staticmethod
    def resolve_phone(a):
        return mask_phone(a.phone)

    @staticmethod
    def resolve_reason(a):
        return a.auto_note


class JoinCodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=6)


@router.post("/join", response={201: JoinOut})
def join(request, payload: JoinIn):
    """Apply to join. Approved at once when the employee number is on the enterprise roster and
    the name (and ID number, if the roster has one) match; otherwise queued for staff."""
    org = Org.objects.filter(pk=payload.org_id).first()
    if org is None:
        raise DomainError("invalid", _("请检查填写的内容"), fields={"org_id": _("未知的工会")}, status=422)
    sites = by_rule(Site.objects, "any site by number: join_submit keeps it to the chosen union")
    site = sites.select_related("org").filter(pk=payload.site_id).first() if payload.site_id else None
    if payload.site_id and site is None:
        raise DomainError(
            "invalid", _("请检查填写的内容"), fields={"site_id": _("未知的工作地点")}, status=422
        )
    throttle.require(
        "join.address", address_key(request), limit=joining.JOIN_SUBMITS_PER_ADDRESS, window=3600
    )
    phone = idcard.normalise_phone(payload.phone)
    application = joining.join_submit(
        user=request.user,
        org=org,
        name=payload.name,
        phone=phone,
        # The account's phone was proved when the account was made; another phone was not.
        phone_verified=bool(request.user.phone) and request.user.phone == phone,
        address=address_key(request),
        employee_no=payload.employee_no,
        id_number=payload.id_number,
        site=site,
        post=payload.post,
        id_consent=payload.id_consent,
    )
    return Status(201, application)


@router.post("/join/confirm", response=JoinOut)
@refuses(404)
def join_confirm(request, payload: JoinCodeIn):
    """The code texted to the phone on the roster entry the caller's open application claims."""
    throttle.require("join.confirm.address", address_key(request), limit=30, window=3600)
    application = selectors.pending_join(request.user)
    if application is None:
        raise NotFound()
    return joining.join_confirm(application=application, user=request.user, code=payload.code)


@router.get("/cards/verify", auth=None)
def cards_verify(request, token: str = Query(..., max_length=200)):
    """Check an e-member card's QR token: `{"valid": true, "name": "张*", "union": …}` or `{"valid": false}`."""
    return card_verify(token)


@router.get("/me/card")
@refuses(404)
def my_card(request):
    """The caller's e-card token (what the QR code holds)."""
    member = _own_member(request)
    if member.status != "active":
        raise NotFound(_("您还不是会员"))
    return {"member_no": member.member_no, "token": card_token(member), "union": member.org.name}


# --- transfers ----------------------------------------------------------------------------------


class TransferIn(Schema):
    to_org_id: Id
    reason: str = Field("", max_length=200)
    new_employer: str = Field("", max_length=100)
    new_employee_no: str = Field("", max_length=30)


class TransferOut(Schema):
    id: int
    status: str
    member_id: int
    member_name: str
    from_org: str
    to_org: str
    reason: str
    new_employer: str
    created_at: str | None

    @staticmethod
    def resolve_member_name(t):
        return t.member.name

    @staticmethod
    def resolve_from_org(t):
        return t.from_org.name

    @staticmethod
    def resolve_to_org(t):
        return t.to_org.name

    @staticmethod
    def resolve_created_at(t):
        return local_iso(t.created_at)


@router.post("/transfers", response={201: TransferOut})
@refuses(404, 409)
def transfer_request(request, payload: TransferIn):
    """Ask to move one's membership to another union (the receiving union accepts)."""
    to_org = Org.objects.filter(pk=payload.to_org_id).first()
    if to_org is None:
        raise DomainError("invalid", _("请检查填写的内容"), fields={"to_org_id": _("未知的工会")}, status=422)
    transfer = services.transfer_request(
        member=_own_member(request),
        to_org=to_org,
        actor=request.user,
        reason=payload.reason,
        new_employer=payload.new_employer,
        new_employee_no=payload.new_employee_no,
    )
    return Status(201, transfer)


@router.get("/transfers", response=list[TransferOut])
@refuses(403)
def transfer_list(request):
    """Staff: open transfers into or out of the caller's unions."""
    require_staff(request.user)
    return list(selectors.transfer_queue(user=request.user))


def _transfer_for_staff(request, pk: int) -> Transfer:
    """Only the receiving union decides; to anyone else the transfer does not exist."""
    return get_scoped(
        Transfer.objects.select_related("member", "to_org"), request.user, field="to_org", pk=pk
    )


@router.post("/transfers/{pk}/accept", response=TransferOut)
@refuses(409)
def transfer_accept(request, pk: Id, payload: NoteIn):
    """The receiving union accepts the member."""
    return services.transfer_accept(
        transfer=_transfer_for_staff(request, pk), actor=request.user, note=payload.note
    )


@router.post("/transfers/{pk}/reject", response=TransferOut)
@refuses(409)
def transfer_reject(request, pk: Id, payload: NoteIn):
    return services.transfer_reject(
        transfer=_transfer_for_staff(request, pk), actor=request.user, note=payload.note
    )


@router.post("/transfers/{pk}/cancel", response=TransferOut)
@refuses(409)
def transfer_cancel(request, pk: Id):
    """The member withdraws their own request."""
    transfer = own(Transfer.objects, request.user, field="member__user").filter(pk=pk).first()
    if transfer is None:
        raise NotFound()
    return services.transfer_cancel(transfer=transfer, actor=request.user)


# --- staff --------------------------------------------------------------------------------------


class MemberPage(Schema):
    count: int
    page: int
    items: list[MemberOut]


@router.get("/members", response=MemberPage)
@refuses(403)
def member_list(
    request,
    q: str = Query("", max_length=50),
    group: str = "",
    org_id: Id | None = None,
    page: Page = 1,
):
    """Staff: members in the caller's subtree; `q` matches name, pinyin initials, phone or employee number."""
    require_staff(request.user)
    qs = selectors.member_search(user=request.user, q=q, group=group, org_id=org_id)
    size = 50
    return {
        "count": qs.count(),
        "page": page,
        "items": list(qs.prefetch_related("groups")[(page - 1) * size : page * size]),
    }


@router.get("/members/{pk}", response=MemberOut)
def member_detail(request, pk: Id):
    """Staff: one member; 404 outside the caller's subtree."""
    return get_scoped(_member_qs(), request.user, pk=pk)


@router.patch("/members/{pk}", response=MemberOut)
@refuses(409)
def member_update(request, pk: Id, payload: StaffProfileIn):
    member = get_scoped(_member_qs(), request.user, pk=pk)
    services.member_update(member=member, actor=request.user, changes=_profile_data(payload))
    return get_scoped(_member_qs(), request.user, pk=pk)


class RevealIn(Schema):
    reason: str = Field(..., min_length=2, max_length=200)


@router.post("/members/{pk}/id-number")
def member_reveal_id(request, pk: Id, payload: RevealIn):
    """Staff: the full ID number, with a stated purpose; every read is in the audit trail."""
    return {"id_number": _reveal(request, pk, "id_number", payload.reason)}


@router.post("/members/{pk}/phone")
def member_reveal_phone(request, pk: Id, payload: RevealIn):
    """Staff: the full phone number (shown masked everywhere else), with a stated purpose; every
    read is in the audit trail."""
    return {"phone": _reveal(request, pk, "phone", payload.reason)}


def _reveal(request, pk: int, field: str, reason: str) -> str:
    member = get_scoped(Member.objects.select_related("org"), request.user, pk=pk)
    return services.member_reveal(member=member, field=field, actor=request.user, reason=reason)


class RosterImportStarted(Schema):
    id: int


class RosterRowError(Schema):
    row: int  # as numbered in the sheet (0: the file itself)
    column: str
    reason: str


class RosterImportOut(Schema):
    id: int
    status: Literal["running", "done", "failed"]
    total: int
    created: int
    updated: int
    errors: list[RosterRowError]


SiteColumn = Literal[roster_cells.SITE_COLUMNS]  # type: ignore[valid-type]


@router.post("/roster/imports", response={202: RosterImportStarted})
@refuses(403, 404, 413)
def roster_import_create(request, org: Id, file: File[UploadedFile], site_column: SiteColumn | None = None):
    """Staff: import a roster (.xlsx, .xls or .csv in UTF-8 or GBK) into `org` in the background;
    poll `GET /roster/imports/{id}`. `site_column` reads a column such as 部门 as the work site."""
    require_staff(request.user)
    target = visible_orgs(request.user).filter(pk=org).first()
    if target is None:
        raise NotFound()
    if target.kind == "higher":
        msg = _("花名册只能导入到企业或基层工会")
        raise DomainError("not_a_union", msg, fields={"org": msg})
    if msg := roster.size_error(file.size or 0):  # before reading it
        raise DomainError("too_large", msg, fields={"file": msg}, status=413)
    job = roster.roster_import_start(
        org=target,
        filename=file.name or "roster",
        data=file.read(),
        actor=request.user,
        site_column=site_column or "",
    )
    return Status(202, {"id": job.pk})


@router.get("/roster/imports/{pk}", response=RosterImportOut)
def roster_import_status(request, pk: Id):
    """Staff: an import's progress and, once done, every refused row with its sheet row number,
    column and reason (the other rows are in)."""
    job = get_scoped(RosterImport.objects.defer("content"), request.user, pk=pk)
    return {
        "id": job.pk,
        "status": {"pending": "running"}.get(job.status, job.status),
        "total": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "errors": [{"row": e["row"], "column": e["column"], "reason": e["reason"]} for e in job.errors],
    }


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    depth: int


@router.get("/orgs", response=list[OrgOut])
@refuses(403)
def org_list(request):
    """Staff: the org tree under the caller, in tree order."""
    require_staff(request.user)
    return selectors.org_tree(user=request.user)


@router.get("/joins", response=list[StaffJoinOut])
@refuses(403)
def join_queue(request):
    """Staff: join applications waiting for a decision."""
    require_staff(request.user)
    return list(selectors.join_queue(user=request.user))


def _join_for_staff(request, pk: int) -> JoinApplication:
    return get_scoped(JoinApplication.objects.select_related("org", "user"), request.user, pk=pk)


@router.post("/joins/{pk}/approve", response=StaffJoinOut)
@refuses(409)
def join_approve(request, pk: Id, payload: NoteIn):
    application = _join_for_staff(request, pk)
    joining.join_approve(application=application, actor=request.user, note=payload.note)
    return get_scoped(JoinApplication.objects.select_related("member"), request.user, pk=pk)


@router.post("/joins/{pk}/reject", response=StaffJoinOut)
@refuses(409)
def join_reject(request, pk: Id, payload: NoteIn):
    return joining.join_reject(
        application=_join_for_staff(request, pk), actor=request.user, note=payload.note
    )


@router.get("/deletion-requests")
@refuses(403)
def deletion_queue(request):
    """Staff: personal-data deletion requests waiting for a decision."""
    require_staff(request.user)
    qs = scope(DeletionRequest.objects.select_related("member"), request.user, field="member__org")
    return [
        {"id": r.pk, "member_id": r.member_id, "reason": r.reason, "created_at": local_iso(r.created_at)}
        for r in qs.filter(status=DeletionStatus.REQUESTED)
    ]


def _deletion_for_staff(request, pk: int) -> DeletionRequest:
    requests = DeletionRequest.objects.select_related("member__org")
    return get_scoped(requests, request.user, field="member__org", pk=pk)


@router.post("/deletion-requests/{pk}/approve")
@refuses(409)
def deletion_approve(request, pk: Id, payload: NoteIn):
    req = _deletion_for_staff(request, pk)
    services.deletion_approve(request=req, actor=request.user, note=payload.note)
    return {"id": req.pk, "status": req.status}


@router.post("/deletion-requests/{pk}/reject")
@refuses(409)
def deletion_reject(request, pk: Id, payload: NoteIn):
    req = _deletion_for_staff(request, pk)
    services.deletion_reject(request=req, actor=request.user, note=payload.note)
    return {"id": req.pk, "status": req.status}


@router.get("/registration-rates")
@refuses(403)
def registration_rates(request):
    """Staff: registration rate (注册率) overall, per org and per site, with its definition."""
    require_staff(request.user)
    total, orgs, sites = selectors.registration_rates(user=request.user)

    def row(r):
        return {"name": r.label, "employees": r.employees, "registered": r.registered, "rate": r.rate}

    return {
        "definition": selectors.REGISTRATION_RATE_DEFINITION,
        "total": row(total),
        "orgs": [row(r) for r in orgs],
        "sites": [row(r) for r in sites],
    }
