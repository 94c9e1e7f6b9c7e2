"""Service items per service group (B5) and seasonal campaigns (送清凉, 送温暖, B6).

A campaign is aimed at an audience (sites, service groups, posts, shifts) and turns into one
entitlement per member in a single INSERT … SELECT run by the task queue: 100,000 members are
one statement, not 100,000 saves. Delivery is then ticked off per member or per site."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.models import Notification, Org
from unionhome.core.outbox import later
from unionhome.core.scoping import (
    above,
    ensure_role_over,
    get_scoped,
    held,
    own,
    scope,
    within,
)
from unionhome.core.workflow import Workflow
from unionhome.members.audience import audience_members, clean_audience
from unionhome.members.models import Member, MemberGroup, ServiceGroup

from .models import Campaign, CampaignStatus, ClaimType, Entitlement, ServiceItem

# Seed 002 §3.2: what each of the six service groups is entitled to.
DEFAULT_ITEMS = {
    ServiceGroup.NEW_HIRE: [
        (gettext_lazy("住宿通勤"), gettext_lazy("宿舍安排与通勤班车咨询"), ""),
        (gettext_lazy("入会引导"), gettext_lazy("线上申请入会，领取电子会员卡"), "/join/"),
        (gettext_lazy("技能提升"), gettext_lazy("岗位技能培训与证书申报"), "certificate"),
    ],
    ServiceGroup.FRONTLINE_SHIFT: [
        (gettext_lazy("夜班餐食"), gettext_lazy("夜班补给与热饭点"), ""),
        (gettext_lazy("加班补贴"), gettext_lazy("加班补贴线上申报"), "overtime"),
        (gettext_lazy("劳保用品"), gettext_lazy("劳动防护用品申领，站点领取"), "supplies"),
        (gettext_lazy("健康监测"), gettext_lazy("血压筛查与体检预约"), "health_check"),
    ],
    ServiceGroup.WOMEN: [
        (gettext_lazy("经期和孕期保护"), gettext_lazy("调岗、休息与孕检假咨询"), ""),
        (gettext_lazy("子女照护"), gettext_lazy("寒暑假托管与临时看护"), ""),
        (gettext_lazy("女职工专项体检"), gettext_lazy("两癌筛查等专项体检预约"), "health_check"),
    ],
    ServiceGroup.POSTED: [
        (gettext_lazy("驻外联络"), gettext_lazy("驻点联系人与异常情况日报"), ""),
        (gettext_lazy("探亲假与交通补贴"), gettext_lazy("探亲假申请、交通补贴申报"), "home_leave"),
    ],
    ServiceGroup.HARDSHIP: [
        (gettext_lazy("医疗互助"), gettext_lazy("大病医疗互助与专项帮扶"), "/care/"),
        (gettext_lazy("帮扶进度"), gettext_lazy("查看帮扶申请的办理进度和材料提醒"), "/care/"),
    ],
    ServiceGroup.NEAR_RETIREMENT: [
        (gettext_lazy("退休政策衔接"), gettext_lazy("养老保险、退休手续咨询"), ""),
        (gettext_lazy("疗休养"), gettext_lazy("临退职工优先安排疗休养"), "recuperation"),
    ],
}


# Launching starts the bulk creation once (one conditional UPDATE, core.workflow); the task
# marks the campaign active when every entitlement is made.
CAMPAIGN_FLOW = Workflow("benefits.campaign", {"launch": ({CampaignStatus.DRAFT}, CampaignStatus.CREATING)})


def service_items_default(*, org: Org) -> int:
    """Load the default items for `org` (idempotent); a plain code links a claim type."""
    made = 0
    for group, items in DEFAULT_ITEMS.items():
        for title, description, link in items:
            claim_type = None
            url = link if link.startswith("/") else ""
            if link and not url:
                claim_type = above(ClaimType.objects, org).filter(code=link).first()
            _item, created = within(ServiceItem.objects, org).get_or_create(
                org=org,
                group=group,
                title=str(title),
                defaults={"description": str(description), "url": url, "claim_type": claim_type},
            )
            made += created
    return made


def service_item_save(
    *,
    actor,
    org: Org,
    group: str,
    title: str,
    description: str = "",
    url: str = "",
    claim_type: ClaimType | None = None,
    item: ServiceItem | None = None,
) -> ServiceItem:
    ensure_role_over(actor, org if item is None else item.org)
    item = item or ServiceItem(org=org)
    item.group, item.title, item.description, item.url, item.claim_type = (
        group,
        title,
        description,
        url,
        claim_type,
    )
    item.save()
    log_action(item, "benefits.service_item.saved", actor, {"group": item.group, "title": item.title})
    return item


def items_for_member(member: Member | None) -> list[tuple[str, list[ServiceItem]]]:
    """What the member's service groups entitle them to, group by group; the groups follow the
    profile because `members.groups` recomputes them on every change."""
    if member is None:
        return []
    groups = list(own(MemberGroup.objects, member).values_list("group", flat=True))
    items = above(ServiceItem.objects, member.org).filter(group__in=groups).select_related("claim_type")
    by_group: dict[str, list[ServiceItem]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    return [(str(ServiceGroup(g).label), by_group[g]) for g in ServiceGroup.values if g in by_group]


def group_members(*, actor, group: str):
    """Staff: the members of one service group in their scope, as the profiles are now."""
    if group not in ServiceGroup.values:
        raise NotFound()
    return scope(Member.objects.select_related("org", "site"), actor).filter(groups__group=group).distinct()


def group_counts(actor) -> list[tuple[str, str, int]]:
    counts = dict(
        scope(MemberGroup.objects, actor, field="member__org")
        .values_list("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )
    return [(g, str(ServiceGroup(g).label), counts.get(g, 0)) for g in ServiceGroup.values]


# -- campaigns ---------------------------------------------------------------------------------


def campaign_save(
    *,
    actor,
    org: Org,
    name: str,
    kind: str,
    items: str,
    starts_on: dt.date,
    ends_on: dt.date,
    value: Decimal | None = None,
    audience: dict | None = None,
    campaign: Campaign | None = None,
) -> Campaign:
    ensure_role_over(actor, org if campaign is None else campaign.org)
    if campaign is not None and campaign.status != CampaignStatus.DRAFT:
        raise Conflict("invalid_transition", _("已发布的活动不能修改对象"))
    if ends_on < starts_on:
        refuse({"ends_on": _("结束日期不能早于开始日期")})
    campaign = campaign or Campaign(org=org, created_by=actor)
    campaign.name, campaign.kind, campaign.items, campaign.value = name, kind, items, value
    campaign.starts_on, campaign.ends_on = starts_on, ends_on
    campaign.audience = clean_audience(org, audience)
    campaign.save()
    log_action(campaign, "benefits.campaign.saved", actor, {"name": campaign.name})
    return campaign


def campaign_launch(*, campaign: Campaign, actor) -> Campaign:
    """Publish: the entitlements are made by the task queue, the page shows progress."""
    from .tasks import create_entitlements

    ensure_role_over(actor, campaign.org)
    CAMPAIGN_FLOW.apply(campaign, "launch", actor=actor, action="benefits.campaign.launched")
    later(create_entitlements, campaign.pk)
    return campaign


def campaign_members(campaign: Campaign):
    """Everyone the campaign is for — members without an account too: their share is handed over
    at the site."""
    return audience_members(campaign.org, campaign.audience, registered_only=False)


def entitlements_create(campaign_id: int) -> int:
    """1. INSERT … SELECT one entitlement per audience member (a rerun adds only the missing);
    2. the same for the in-app notices of members with an account; 3. mark the campaign active
    with its total and how long it took."""
    campaign = Campaign.objects.select_related("org").get(pk=campaign_id)
    started = time.perf_counter()
    audience = (
        campaign_members(campaign).order_by().annotate(mid=F("pk"), sid=F("site_id")).values("mid", "sid")
    )
    members_sql, params = audience.query.sql_with_params()
    entitlement = Entitlement._meta.db_table
    notification = Notification._meta.db_table
    member_table = Member._meta.db_table
    now = timezone.now()
    title = _("%(name)s：您有一份%(items)s待领取") % {"name": campaign.name, "items": campaign.items}
    with transaction.atomic(), connection.cursor() as cursor:
        # Table names come from the models and every value is a bound parameter. "WHERE true"
        # lets SQLite tell the SELECT from the upsert clause.
        cursor.execute(
            f"INSERT INTO {entitlement} (campaign_id, member_id, site_id) "  # noqa: S608
            f"SELECT %s, m.mid, m.sid FROM ({members_sql}) AS m WHERE true "
            "ON CONFLICT (campaign_id, member_id) DO NOTHING",
            [campaign.pk, *params],
        )
        cursor.execute(
            f"INSERT INTO {notification} (user_id, title, body, url, ref, created_at) "  # noqa: S608
            f"SELECT mm.user_id, %s, %s, %s, %s, %s FROM {entitlement} e "
            f"JOIN {member_table} mm ON mm.id = e.member_id "
            "WHERE e.campaign_id = %s AND mm.user_id IS NOT NULL",
            [str(title), campaign.items, "/benefits/", f"campaign:{campaign.pk}", now, campaign.pk],
        )
        total = Entitlement.objects.filter(campaign_id=campaign.pk).count()
        seconds = time.perf_counter() - started
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.ACTIVE, total=total, launch_seconds=seconds
        )
    return total


def campaign_progress(campaign: Campaign) -> list[dict]:
    """Delivered and total per site (no site: 未分配站点)."""
    rows = (
        campaign.entitlements.values("site_id", "site__name")
        .annotate(total=Count("pk"), delivered=Count("pk", filter=Q(delivered_at__isnull=False)))
        .order_by("site__name")
    )
    return [
        {
            "site_id": r["site_id"],
            "site": r["site__name"] or _("未分配站点"),
            "total": r["total"],
            "delivered": r["delivered"],
        }
        for r in rows
    ]


def entitlement_deliver(*, actor, entitlement: Entitlement) -> Entitlement:
    ensure_role_over(actor, entitlement.campaign.org)
    if (
        not held(entitlement)
        .filter(delivered_at__isnull=True)
        .update(delivered_at=timezone.now(), delivered_by=actor)
    ):
        raise Conflict("duplicate", _("已经发放过了"))
    entitlement.refresh_from_db()
    log_action(entitlement.campaign, "benefits.campaign.delivered", actor, {"member": entitlement.member_id})
    return entitlement


def entitlement_deliver_by_member(*, actor, campaign: Campaign, query: str) -> Entitlement:
    """At the site: find the member by member number, phone or employee number and hand it over."""
    ensure_role_over(actor, campaign.org)
    query = (query or "").strip()
    row = (
        campaign.entitlements.select_related("member", "campaign__org")
        .filter(Q(member__member_no=query) | Q(member__phone=query) | Q(member__employee_no=query))
        .first()
        if query
        else None
    )
    if row is None:
        raise DomainError("invalid", _("名单里没有这位会员"), fields={"member": _("请核对会员号或手机号")})
    return entitlement_deliver(actor=actor, entitlement=row)


def entitlements_deliver_site(*, actor, campaign: Campaign, site_id: int | None) -> int:
    """Everyone at one site received it (a station hands out in one go)."""
    ensure_role_over(actor, campaign.org)
    rows = campaign.entitlements.filter(delivered_at__isnull=True)
    rows = rows.filter(site_id=site_id) if site_id else rows.filter(site__isnull=True)
    count = rows.update(delivered_at=timezone.now(), delivered_by=actor)
    log_action(campaign, "benefits.campaign.delivered_site", actor, {"site": site_id, "count": count})
    return count


def entitlements_for(member: Member | None):
    return (
        own(Entitlement.objects, member)
        .select_related("campaign", "site")
        .exclude(campaign__status=CampaignStatus.CLOSED)
        .order_by("-campaign__starts_on")
    )


def campaigns_for(user):
    return scope(Campaign.objects.select_related("org"), user)


def campaign_get(*, user, pk: int) -> Campaign:
    return get_scoped(Campaign.objects.select_related("org"), user, pk=pk)
