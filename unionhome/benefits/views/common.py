"""What the benefits pages share: the member's tabs, the page for someone not yet a member, the
sites a staff member may aim at."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from unionhome.core.models import Site
from unionhome.core.scoping import home_org, within


def tabs(current: str) -> list[tuple[str, str, bool]]:
    return [
        ("/benefits/", _("福利申领"), current == "benefits"),
        ("/care/", _("困难帮扶"), current == "care"),
    ]


def not_member(request):
    return render(
        request,
        "core/error.html",
        {"title": _("请先入会"), "message": _("加入工会后就可以在这里申领福利。")},
        status=403,
    )


def staff_sites(request):
    return within(Site.objects, home_org(request.user))
