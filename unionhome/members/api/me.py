"""The caller's own record: profile, export, consents, deletion, leaving, the e-card."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from unionhome.core.errors import NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import own

from .. import selectors, services
from ..card import card_token
from .common import MemberOut, MeOut, ProfileIn, ReasonIn, member_qs, own_member, profile_data

router = Router()


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
    member = own_member(request)
    services.member_update(member=member, actor=request.user, changes=profile_data(payload))
    return own(member_qs(), request.user, field="user").get(pk=member.pk)


@router.get("/me/export")
@refuses(404)
def me_export(request):
    """Everything held about the caller, as JSON (personal-data export)."""
    return services.member_export(member=own_member(request), actor=request.user)


class ConsentIn(Schema):
    purpose: str
    granted: bool


@router.get("/me/consents")
@refuses(404)
def me_consents(request):
    """The consent in force for each purpose."""
    return services.consent_current(own_member(request))


@router.post("/me/consents")
@refuses(404)
def me_consent_set(request, payload: ConsentIn):
    services.consent_set(
        member=own_member(request), purpose=payload.purpose, granted=payload.granted, actor=request.user
    )
    return services.consent_current(own_member(request))


@router.post("/me/deletion-request", response={201: dict})
@refuses(404, 409)
def me_deletion_request(request, payload: ReasonIn):
    """Ask for one's personal data to be deleted; staff approve."""
    req = services.deletion_request(member=own_member(request), actor=request.user, reason=payload.reason)
    return Status(201, {"id": req.pk, "status": req.status})


@router.post("/me/leave", response=MemberOut)
@refuses(404, 409)
def me_leave(request, payload: ReasonIn):
    """Leave the union (the record and history are kept)."""
    member = services.member_leave(member=own_member(request), actor=request.user, reason=payload.reason)
    return own(member_qs(), request.user, field="user").get(pk=member.pk)


@router.get("/me/card")
@refuses(404)
def my_card(request):
    """The caller's e-card token (what the QR code holds)."""
    member = own_member(request)
    if member.status != "active":
        raise NotFound(_("您还不是会员"))
    return {"member_no": member.member_no, "token": card_token(member), "union": member.org.name}
