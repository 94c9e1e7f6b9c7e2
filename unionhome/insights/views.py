"""The seed's figures for staff: each with its definition, numerator and denominator, and the
records behind every number (the drill-down)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from unionhome.core.access import staff_required
from unionhome.core.bounds import month_value
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error, day_param, int_param
from unionhome.core.models import Org, Role
from unionhome.core.paging import page_of
from unionhome.core.scoping import by_rule, has_role_over, staff_org, visible_orgs, within
from unionhome.core.spreadsheets import xlsx_response
from unionhome.members.models import Member
from unionhome.members.selectors import member_of

from . import care, charts, demand, plans, recommend, review
from . import figures as f
from .forms import ItemDoneForm, PlanForm, PlanItemForm
from .models import CareFlag, CareKind, MonthlyReview, PlanItem
from .selectors import comparison_of, part_of, period_of, ranking_org

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
    "members_end": (_("期末会员"), "people"),
    "participated": (_("期间内参加过工会活动的会员"), "people"),
    "reached": (_("期间内打开过工会通知的会员"), "people"),
}


@dataclass
class Asked:
    """What a figures page was asked for: the org, the period, and a part of the org (a work
    site or a service group) or none; `query` repeats it in the page's links."""

    org: Org
    period: f.Period
    part: f.Part | None = None
    part_name: str = ""

    @property
    def base(self) -> str:
        return urlencode({"org": self.org.pk, "from": self.period.start, "to": self.period.end})

    @property
    def query(self) -> str:
        return self.base + (f"&{urlencode({self.part.kind: self.part.value})}" if self.part else "")


def _asked(request) -> Asked:
    org = staff_org(request.user, int_param(request.GET.get("org")))
    try:
        period = period_of(day_param(request.GET.get("from")), day_param(request.GET.get("to")))
    except DomainError:
        period = period_of(None, None)
    try:
        part = part_of(org, int_param(request.GET.get("site")), request.GET.get("group"))
    except NotFound:
        raise Http404 from None
    return Asked(org, period, *(part or (None, "")))


# The dashboard's tables: by sub-union, by work site, by service group.
BY = {"org": _("各下级工会"), "site": _("各工作地点"), "group": _("各服务群体")}


def _table(asked: Asked, by: str) -> list[tuple[str, str, dict]]:
    """(name, link query or "", figures) per row of the table asked for."""
    if by == "org":
        rows = f.breakdown(asked.org, asked.period)
        return [
            (
                unit.name,
                ""
                if i == 0
                else urlencode({"org": unit.pk, "from": asked.period.start, "to": asked.period.end}),
                figs,
            )
            for i, (unit, figs) in enumerate(rows)
        ]
    return [
        (name, f"{asked.base}&{urlencode({part.kind: part.value})}", figs)
        for part, name, figs in f.figures_by(asked.org, asked.period, by)
    ]


LABELS = {
    "registration_rate": _("注册率"),
    "cycle_days": _("办理周期（天）"),
    "closure_rate": _("办结率"),
    "satisfaction": _("满意率"),
    "turnover": _("流失率"),
    "participation": _("参与率"),
    "reach": _("触达率"),
}


def _compared(request, period):
    try:
        return comparison_of(
            period, day_param(request.GET.get("compare_from")), day_param(request.GET.get("compare_to"))
        )
    except DomainError:
        return f.previous(period)


@staff_required
def dashboard(request):
    asked = _asked(request)
    org, period, part = asked.org, asked.period, asked.part
    other = _compared(request, period)
    now, before = f.figures(org, period, part), f.figures(org, other, part)
    compare = {k: {"now": f.value(v), "before": f.value(before[k])} for k, v in now.items()}
    by = request.GET.get("by") if request.GET.get("by") in BY else "org"
    return render(
        request,
        "insights/dashboard.html",
        {
            "asked": asked,
            "org": org,
            "orgs": visible_orgs(request.user).order_by("path"),
            "period": period,
            "other": other,
            "figures": now,
            "compare": compare,
            "by": by,
            "by_choices": BY,
            "table": [
                (name, link, {k: f.value(v) for k, v in figs.items()})
                for name, link, figs in _table(asked, by)
            ],
            "labels": LABELS,
            "trends": [(LABELS[t.key], t) for t in charts.trends(org, period, part)],
        },
    )


@staff_required
def export(request):
    """The figures of the org and its sub-unions (or its sites, or its service groups: `by`),
    with numerators and denominators, as .xlsx."""
    asked = _asked(request)
    by = request.GET.get("by") if request.GET.get("by") in BY else "org"
    header = [str(_("组织") if by == "org" else _("工作地点") if by == "site" else _("服务群体"))]
    for key, label in LABELS.items():
        header += [str(label)] if key == "cycle_days" else [str(label), str(_("分子")), str(_("分母"))]
    rows = []
    for name, _link, figs in _table(asked, by):
        row = [name]
        for key, figure in figs.items():
            row += (
                [figure.mean] if key == "cycle_days" else [figure.value, figure.numerator, figure.denominator]
            )
        rows.append(row)
    period = asked.period
    name = f"figures-{asked.org.pk}-{by}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    return xlsx_response(name, str(_("工作成效")), header, rows)


@staff_required
def drill(request, name: str):
    if name not in DRILLS:
        raise Http404
    asked = _asked(request)
    org, period = asked.org, asked.period
    label, kind = DRILLS[name]
    records = f.records(name, org, period, asked.part)
    records = (
        records.select_related("site").order_by("name", "pk")
        if kind == "people"
        else records.order_by("received_at", "pk")
    )
    return render(
        request,
        "insights/drill.html",
        {
            "asked": asked,
            "org": org,
            "period": period,
            "label": label,
            "kind": kind,
            "page": page_of(request, records),
            "name": name,
        },
    )


def _month(request):
    return month_value(request.GET.get("month")) or timezone.localdate().replace(day=1)


def _months_around(month):
    before = (month - dt.timedelta(days=1)).replace(day=1)
    after = (
        (care.month_end(month) + dt.timedelta(days=1))
        if month < timezone.localdate().replace(day=1)
        else None
    )
    return before, after


@staff_required
def staff_care(request):
    """Union staff: the month's care flags with the people behind them and their follow-up
    visits, and the counts per site the enterprise is shown."""
    org = staff_org(request.user, int_param(request.GET.get("org")))
    month = _month(request)
    found = care.flags(org, month)
    people = {m.pk: m for m in within(Member.objects, org).filter(pk__in={x.member_id for x in found})}
    kept = {
        (c.member_id, c.kind): c
        for c in within(CareFlag.objects, org).filter(month=month).select_related("visit")
    }
    rows = [
        {
            "flag": x,
            "member": people.get(x.member_id),
            "label": CareKind(x.kind).label,
            "kept": kept.get((x.member_id, x.kind)),
        }
        for x in found
    ]
    before, after = _months_around(month)
    return render(
        request,
        "insights/care.html",
        {
            "org": org,
            "orgs": visible_orgs(request.user).order_by("path"),
            "month": month,
            "before": before,
            "after": after,
            "rows": rows,
            "counts": [dict(c, label=CareKind(c["kind"]).label) for c in care.counts(org, month)],
        },
    )


@login_required
def my_hours(request):
    member = member_of(request.user)
    if member is None:
        return redirect("join")
    month = _month(request)
    before, after = _months_around(month)
    hours = care.hours_of(member, month)
    return render(
        request,
        "insights/my_hours.html",
        {
            "hours": hours,
            "before": before,
            "after": after,
            "flags": [CareKind(x.kind).label for x in hours.flags],
            "scheme": member.get_hours_scheme_display(),
        },
    )


# -- work plans and rankings (G7) ----------------------------------------------------------------


def _quarter(request) -> tuple[int, int]:
    return plans.parse_quarter(request.GET.get("quarter") or request.POST.get("quarter")) or plans.quarter_of(
        timezone.localdate()
    )


@staff_required
def staff_plan(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    year, quarter = _quarter(request)
    plan = plans.plan_for(actor=request.user, org=org, year=year, quarter=quarter)
    action = request.POST.get("action")
    plan_form = PlanForm(request.POST if action == "summary" else None, initial={"summary": plan.summary})
    item_form = PlanItemForm(request.POST if action == "item" else None)
    done_form = ItemDoneForm(
        request.POST if action == "done" else None, initial={"done_on": timezone.localdate()}
    )
    here = f"{request.path}?org={org.pk}&quarter={year}Q{quarter}"
    if request.method == "POST":
        try:
            if action == "summary" and plan_form.is_valid():
                plans.plan_update(actor=request.user, plan=plan, **plan_form.cleaned_data)
                messages.success(request, _("已保存"))
                return redirect(here)
            if action == "item" and item_form.is_valid():
                plans.plan_item_add(actor=request.user, plan=plan, **item_form.cleaned_data)
                messages.success(request, _("已添加事项"))
                return redirect(here)
            if action == "done" and done_form.is_valid():
                item = get_object_or_404(
                    within(PlanItem.objects, org), pk=int_param(request.POST.get("item")), plan=plan
                )
                plans.plan_item_done(actor=request.user, item=item, **done_form.cleaned_data)
                messages.success(request, _("已标记完成"))
                return redirect(here)
            if action == "publish":
                plans.plan_publish(actor=request.user, plan=plan)
                messages.success(request, _("计划已发布"))
                return redirect(here)
        except DomainError as exc:
            add_domain_error(
                {"summary": plan_form, "item": item_form, "done": done_form}.get(action, item_form), exc
            )
    return render(
        request,
        "insights/plan.html",
        {
            "org": org,
            "orgs": visible_orgs(request.user).order_by("path"),
            "plan": plan,
            "items": plan.items.all(),
            "quarter": f"{year}Q{quarter}",
            "plan_form": plan_form,
            "item_form": item_form,
            "done_form": done_form,
        },
    )


@login_required
def rankings(request):
    org = ranking_org(request.user, int_param(request.GET.get("org")))
    if org is None:
        raise Http404
    year, quarter = _quarter(request)
    rows = plans.ranking(org, year, quarter)
    return render(
        request,
        "insights/rankings.html",
        {
            "org": org,
            "rows": rows,
            "quarter": f"{year}Q{quarter}",
            "weights": [(str(plans.PARTS[k]), round(w * 100)) for k, w in plans.WEIGHTS.items()],
            "items": {
                row.org.pk: list(by_rule(PlanItem.objects, "a published plan, public").filter(plan=row.plan))
                for row in rows
                if row.plan
            },
        },
    )


# -- demand analysis (G2) ------------------------------------------------------------------------

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


@staff_required
def staff_demand(request):
    asked = _asked(request)
    org, period = asked.org, asked.period
    by = "week" if request.GET.get("by") == "week" else "month"
    trends = demand.trends(org, period, by)
    names = dict(demand.categories())
    used = [code for code, _label in demand.categories() if any(t["counts"].get(code) for t in trends)]
    grid = demand.heatmap(org, period)
    top = max((n for row in grid for n in row), default=0)
    return render(
        request,
        "insights/demand.html",
        {
            "org": org,
            "orgs": visible_orgs(request.user).order_by("path"),
            "period": period,
            "by": by,
            "columns": [(code, names[code]) for code in used],
            "trends": [
                {
                    "bucket": t["bucket"],
                    "cells": [t["counts"].get(code, 0) for code in used],
                    "total": t["total"],
                }
                for t in trends
            ],
            "channels": demand.channels(org, period),
            "hot_sites": demand.hot_sites(org, period),
            "heat": [
                (WEEKDAYS[d], [(n, min(4, -(-n * 4 // top)) if top else 0) for n in row])
                for d, row in enumerate(grid)
            ],
            "hours": range(24),
            "rising": demand.rising_terms(org, period),
            "uncovered": demand.uncovered(org, period),
        },
    )


# -- the monthly review (G5) -------------------------------------------------------------------


def _review_asked(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    this_month = timezone.localdate().replace(day=1)
    default = (this_month - dt.timedelta(days=1)).replace(day=1)
    month = month_value(request.GET.get("month")) or default
    return org, min(month, this_month)


@staff_required
def staff_review(request):
    org, month = _review_asked(request)
    stored = (
        within(MonthlyReview.objects, org).filter(org=org, month=month).select_related("signed_by").first()
    )
    here = f"{request.path}?org={org.pk}&month={month:%Y-%m}"
    if request.method == "POST":
        try:
            if request.POST.get("action") == "build":
                review.review_build(org=org, month=month)
                messages.success(request, _("复盘已生成"))
            elif request.POST.get("action") == "sign" and stored is not None:
                review.review_sign(actor=request.user, review=stored, note=request.POST.get("note", ""))
                messages.success(request, _("已签阅"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(here)
    data = stored.data if stored else review.review_data(org, month)
    return render(
        request,
        "insights/review.html",
        {
            "org": org,
            "orgs": visible_orgs(request.user).order_by("path"),
            "month": month,
            "review": stored,
            "data": data,
            "can_sign": has_role_over(request.user, org, (Role.CHAIR, Role.ADMIN)),
        },
    )


@staff_required
def staff_review_pdf(request):
    org, month = _review_asked(request)
    stored = (
        within(MonthlyReview.objects, org)
        .filter(org=org, month=month)
        .select_related("signed_by", "org")
        .first()
    )
    if stored is None:
        raise Http404
    response = HttpResponse(review.review_pdf(stored), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{org.pk}-{month:%Y-%m}.pdf"'
    return response


# -- recommendations (G3) ------------------------------------------------------------------------


@login_required
def recommend_dismiss(request):
    """不感兴趣 on a recommendation: it stays away; back to the page it was on."""
    if request.method == "POST" and recommend.dismiss(user=request.user, key=request.POST.get("item", "")):
        messages.success(request, _("好的，以后不再推荐这一项"))
    back = request.POST.get("next", "")
    return redirect(
        back if url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/") else "home"
    )
