"""The seed's figures for staff: each with its definition, numerator and denominator, and the
records behind every number (the drill-down)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError
from unionhome.core.forms import day_param, int_param
from unionhome.core.paging import page_of
from unionhome.core.scoping import staff_org, visible_orgs

from . import figures as f
from .selectors import period_of

# The drill-downs: name → (what the records are, whether they are people or appeals).
DRILLS = {
    "roster_end": (_("期末在册职工"), "people"),
    "roster_start": (_("期初在册职工"), "people"),
    "registered": (_("期末已注册的会员"), "people"),
    "left_in": (_("期间内离职的职工"), "people"),
    "received": (_("期间内受理的诉求（不含已撤回）"), "appeals"),
    "closed_by_end": (_("其中期末前已办结的"), "appeals"),
    "closed_in": (_("期间内办结的诉求"), "appeals"),
    "rated": (_("期间内办结并已评价的诉求"), "appeals"),
    "satisfied": (_("其中评为 4 星或 5 星的"), "appeals"),
}


def _asked(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    try:
        period = period_of(day_param(request.GET.get("from")), day_param(request.GET.get("to")))
    except DomainError:
        period = period_of(None, None)
    return org, period


@staff_required
def dashboard(request):
    org, period = _asked(request)
    return render(
        request,
        "insights/dashboard.html",
        {
            "org": org,
            "orgs": visible_orgs(request.user).order_by("path"),
            "period": period,
            "figures": f.figures(org, period),
        },
    )


@staff_required
def drill(request, name: str):
    if name not in DRILLS:
        raise Http404
    org, period = _asked(request)
    label, kind = DRILLS[name]
    records = f.records(name, org, period)
    records = (
        records.select_related("site").order_by("name", "pk")
        if kind == "people"
        else records.order_by("received_at", "pk")
    )
    return render(
        request,
        "insights/drill.html",
        {
            "org": org,
            "period": period,
            "label": label,
            "kind": kind,
            "page": page_of(request, records),
            "name": name,
        },
    )
