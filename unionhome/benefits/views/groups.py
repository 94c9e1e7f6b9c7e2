"""Service groups and campaigns (B5, B6): who is in each group, 送清凉 / 送温暖 and their delivery."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from unionhome.core.access import staff_required
from unionhome.core.bounds import id_value
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error
from unionhome.core.paging import page_of
from unionhome.core.scoping import home_org, scope
from unionhome.members.audience import describe_audience
from unionhome.members.models import ServiceGroup

from .. import campaigns
from ..forms import (
    CampaignForm,
    DeliverForm,
    ServiceItemForm,
)
from ..models import (
    ServiceItem,
)
from .common import staff_sites

# -- staff: service groups -------------------------------------------------------------------------


@staff_required
def staff_groups(request):
    org = home_org(request.user)
    form = ServiceItemForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST" and request.POST.get("action") == "defaults" and org:
        made = campaigns.service_items_default(org=org)
        messages.success(request, _("已载入 %(n)s 个默认服务项目") % {"n": made})
        return redirect("staff-groups")
    if form.is_bound and form.is_valid() and org:
        try:
            campaigns.service_item_save(actor=request.user, org=org, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("服务项目已添加"))
            return redirect("staff-groups")
    items = scope(ServiceItem.objects.all(), request.user)
    return render(
        request,
        "benefits/staff/groups.html",
        {
            "groups": [
                (code, label, count, [i for i in items if i.group == code])
                for code, label, count in campaigns.group_counts(request.user)
            ],
            "form": form,
        },
    )


@staff_required
def staff_group(request, group: str):
    if group not in ServiceGroup.values:
        raise NotFound()
    return render(
        request,
        "benefits/staff/group.html",
        {
            "label": ServiceGroup(group).label,
            "members": page_of(
                request, campaigns.group_members(actor=request.user, group=group), per_page=50
            ),
        },
    )


# -- staff: campaigns -----------------------------------------------------------------------------


@staff_required
def staff_campaigns(request):
    form = CampaignForm(request.POST or None, sites=staff_sites(request))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.campaign_save(
                actor=request.user, org=home_org(request.user), **form.values()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已创建，确认对象后发布"))
            return redirect("staff-campaign", campaign.pk)
    return render(
        request,
        "benefits/staff/campaigns.html",
        {"campaigns": campaigns.campaigns_for(request.user), "form": form},
    )


@staff_required
def staff_campaign(request, pk: int):
    campaign = campaigns.campaign_get(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    deliver_form = DeliverForm(request.POST if action == "deliver" else None)
    try:
        if action == "launch":
            campaigns.campaign_launch(campaign=campaign, actor=request.user)
            messages.success(request, _("已发布，正在生成名单"))
            return redirect("staff-campaign", pk)
        if action == "deliver" and deliver_form.is_valid():
            row = campaigns.entitlement_deliver_by_member(
                actor=request.user, campaign=campaign, query=deliver_form.cleaned_data["member"]
            )
            messages.success(request, _("已发放给 %(name)s") % {"name": row.member.name})
            return redirect("staff-campaign", pk)
        if action == "deliver_site":
            raw = request.POST.get("site") or ""
            count = campaigns.entitlements_deliver_site(
                actor=request.user, campaign=campaign, site_id=id_value(raw)
            )
            messages.success(request, _("已登记 %(n)s 人领取") % {"n": count})
            return redirect("staff-campaign", pk)
    except DomainError as exc:
        if action == "deliver":
            add_domain_error(deliver_form, exc)
        else:
            messages.error(request, exc.message)
    return render(
        request,
        "benefits/staff/campaign.html",
        {
            "campaign": campaign,
            "audience": describe_audience(campaign.audience),
            "audience_count": campaigns.campaign_members(campaign).count()
            if campaign.status == "draft"
            else None,
            "progress": campaigns.campaign_progress(campaign),
            "deliver_form": deliver_form,
        },
    )
