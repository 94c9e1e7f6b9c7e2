"""Staff: members in the caller's subtree, the org tree, deletion requests, registration rates."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from unionhome.core.api import local_iso
from unionhome.core.bounds import Id, Page
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, require_staff, scope

from .. import selectors, services
from ..models import (
    DeletionRequest,
    DeletionStatus,
    Member,
)
from .common import MemberOut, NoteIn, StaffProfileIn, member_qs, profile_data

router = Router()


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
    return get_scoped(member_qs(), request.user, pk=pk)


@router.patch("/members/{pk}", response=MemberOut)
@refuses(409)
def member_update(request, pk: Id, payload: StaffProfileIn):
    member = get_scoped(member_qs(), request.user, pk=pk)
    services.member_update(member=member, actor=request.user, changes=profile_data(payload))
    return get_scoped(member_qs(), request.user, pk=pk)


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
