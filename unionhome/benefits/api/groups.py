"""Service groups and their items (B5); seasonal campaigns (B6)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from unionhome.core.api import local_iso, staff_org
from unionhome.core.bounds import Day, Id, Money
from unionhome.core.fields import InSchema, schema_field
from unionhome.core.openapi import refuses
from unionhome.core.scoping import require_staff
from unionhome.members.audience import AudienceIn

from .. import campaigns, selectors
from ..models import Campaign, CampaignKind

router = Router(tags=["benefits"])


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


KindCode = Literal[tuple(CampaignKind.values)]  # type: ignore[valid-type]


class CampaignIn(InSchema):
    name: str = schema_field(Campaign, "name")
    kind: KindCode  # type: ignore[valid-type]
    items: str = schema_field(Campaign, "items")
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
    campaign = campaigns.campaign_save(actor=request.user, org=org, **payload.dict(exclude={"org"}))
    return Status(201, _campaign_out(campaign))


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
