"""Transfers between unions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from unionhome.core.api import local_iso
from unionhome.core.bounds import Id
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import Org
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, own, require_staff

from .. import selectors, services
from ..models import (
    Transfer,
)
from .common import NoteIn, own_member

router = Router()


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
        member=own_member(request),
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
