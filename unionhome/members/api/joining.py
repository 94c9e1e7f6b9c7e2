"""Joining, and the staff's queue of applications; the public e-card check."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from unionhome.core import throttle
from unionhome.core.bounds import Id
from unionhome.core.crypto import mask_phone
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import Org, Site
from unionhome.core.openapi import refuses
from unionhome.core.scoping import by_rule, get_scoped, require_staff
from unionhome.core.throttle import address_key

from .. import idcard, joining, selectors
from ..card import card_verify
from ..models import (
    JoinApplication,
    JoinStatus,
)
from .common import NoteIn, PostCode

router = Router()


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
