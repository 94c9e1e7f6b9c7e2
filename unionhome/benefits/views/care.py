"""Care (B3, B4): the member's self-test, hardship request and visits; staff's hardship ledger, pairing and visits."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from unionhome.core.access import staff_required
from unionhome.core.audit import log_action, timeline_entries, timelines_for
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error
from unionhome.core.models import Role
from unionhome.core.paging import page_of
from unionhome.core.scoping import (
    STAFF_ROLES,
    above,
    get_scoped,
    holders_over,
    home_org,
    own,
    scope,
)
from unionhome.core.stepper import steps
from unionhome.core.uploads import serve
from unionhome.members import proxy as proxies
from unionhome.members.selectors import member_of

from .. import hardship, selectors
from ..forms import (
    AdvanceForm,
    CaseForm,
    NoticeForm,
    PairingForm,
    RatingForm,
    SelfTestForm,
    StaffCaseForm,
    VisitPlanForm,
    VisitRecordForm,
)
from ..models import (
    Fund,
    HardshipCase,
    HardshipStage,
    HardshipStep,
    Pairing,
    Visit,
)
from .common import not_member, tabs

# -- members: care ---------------------------------------------------------------------------------


@login_required
def care(request):
    member = member_of(request.user)
    test_form = SelfTestForm(request.POST if request.POST.get("form") == "test" else None)
    case_form = CaseForm(request.POST if request.POST.get("form") == "case" else None)
    result = None
    if test_form.is_bound and test_form.is_valid():
        data = test_form.cleaned_data
        level, why = hardship.self_test(
            household_size=data["household_size"],
            annual_income=data["annual_income"],
            unavoidable_costs=data.get("unavoidable_costs") or 0,
            thresholds=hardship.policy_for(member.org if member else None),
        )
        result = {"level": level, "why": why}
    if case_form.is_bound and case_form.is_valid():
        if member is None:
            return not_member(request)
        try:
            case = hardship.hardship_case_open(
                actor=request.user,
                kind=case_form.cleaned_data["kind"],
                summary=case_form.cleaned_data["summary"],
                urgent=case_form.cleaned_data["urgent"],
                details=case_form.details(),
            )
        except DomainError as exc:
            add_domain_error(case_form, exc)
        else:
            messages.success(request, _("已受理，编号 %(n)s。工会会尽快联系您。") % {"n": case.number})
            return redirect("care")
    org = selectors.public_org(request.user)
    visits = own(Visit.objects, member).filter(visited_on__isnull=False, rating__isnull=True)
    return render(
        request,
        "benefits/care.html",
        {
            "tabs": tabs("care"),
            "test_form": test_form,
            "case_form": case_form,
            "result": result,
            "line": hardship.policy_for(member.org if member else None).min_living_monthly,
            "cases": _with_timelines(selectors.my_cases(request.user)),
            "notices": hardship.notices_for(member),
            "summary": hardship.visit_summary(org) if org else None,
            "to_rate": [(v, RatingForm(prefix=f"v{v.pk}")) for v in visits],
        },
    )


CASE_STEPS = [_l("申请"), _l("核实"), _l("会商"), _l("决定"), _l("回访"), _l("办结")]
CASE_REACHED = {
    HardshipStage.INTAKE: 1,
    HardshipStage.VERIFICATION: 1,
    HardshipStage.CONSULTATION: 2,
    HardshipStage.DECISION: 3,
    HardshipStage.FOLLOW_UP: 4,
    HardshipStage.CLOSED: 6,
}


def _with_timelines(rows) -> list[tuple]:
    """(case, its timeline, its stepper) for the member's own cases."""
    rows = list(rows)
    timelines = timelines_for(rows)
    return [(row, timelines[str(row.pk)], steps(CASE_STEPS, CASE_REACHED[row.stage])) for row in rows]


@login_required
@require_POST
def visit_rate(request, pk: int):
    visit = selectors.visit_for(request.user, pk)
    form = RatingForm(request.POST, prefix=f"v{pk}")
    if form.is_valid():
        try:
            hardship.visit_evaluate(visit=visit, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("谢谢您的评价"))
    else:
        messages.error(request, _("请先打分"))
    return redirect("care")


# -- staff: hardship ----------------------------------------------------------------------------


@staff_required
def staff_hardship(request):
    form = StaffCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = proxies.proxy_find_member(actor=request.user, query=form.cleaned_data["member"])
            case = hardship.hardship_case_open(
                actor=request.user,
                member=member,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
                urgent=form.cleaned_data["urgent"],
                details=form.details(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已登记 %(n)s") % {"n": case.number})
            return redirect("staff-hardship-case", case.pk)
    stage = request.GET.get("stage", "")
    overdue = request.GET.get("overdue") == "1"
    q = request.GET.get("q", "")[:50]
    return render(
        request,
        "benefits/staff/hardship.html",
        {
            "page": page_of(request, hardship.cases_for(request.user, stage=stage, overdue=overdue, q=q)),
            "q": q,
            "search_keep": [("stage", stage)] + ([("overdue", "1")] if overdue else []),
            "stage": stage,
            "overdue": overdue,
            "stages": HardshipStage.choices,
            "form": form,
            "today": timezone.localdate(),
        },
    )


@staff_required
def staff_case(request, pk: int):
    case = get_scoped(
        HardshipCase.objects.select_related("member__user", "org", "owner", "fund"), request.user, pk=pk
    )
    owners = holders_over(case.org, {*STAFF_ROLES, Role.HANDLER})
    funds = above(Fund.objects, case.org)
    action = request.POST.get("action") if request.method == "POST" else None
    advance = AdvanceForm(
        request.POST if action == "advance" else None,
        request.FILES if action == "advance" else None,
        stage=case.stage,
        owners=owners,
        funds=funds,
    )
    notice_form = NoticeForm(
        request.POST if action == "notice" else None,
        initial={"until": timezone.localdate() + dt.timedelta(days=7)},
    )
    details = None
    if action == "advance" and advance.is_valid():
        data = advance.cleaned_data
        try:
            hardship.case_advance(
                case=case,
                actor=request.user,
                note=data["note"],
                attachment=data.get("attachment"),
                owner=owners.filter(pk=data["owner"]).first() if data.get("owner") else None,
                level=data.get("level") or None,
                amount=data.get("amount"),
                fund=funds.filter(pk=data["fund"]).first() if data.get("fund") else None,
            )
        except DomainError as exc:
            add_domain_error(advance, exc)
        else:
            messages.success(request, _("已进入：%(s)s") % {"s": case.get_stage_display()})
            return redirect("staff-hardship-case", pk)
    elif action == "notice" and notice_form.is_valid():
        try:
            hardship.notice_publish(case=case, actor=request.user, until=notice_form.cleaned_data["until"])
        except DomainError as exc:
            add_domain_error(notice_form, exc)
        else:
            messages.success(request, _("已公示"))
            return redirect("staff-hardship-case", pk)
    elif action == "reveal":
        details = hardship.case_details(case=case, actor=request.user)
    return render(
        request,
        "benefits/staff/case.html",
        {
            "case": case,
            "steps": case.steps.select_related("owner", "done_by"),
            "advance": advance if case.stage != HardshipStage.CLOSED else None,
            "notice_form": notice_form,
            "notice": getattr(case, "notice", None),
            "details": details,
            "has_details": bool(case.details),
            "timeline": timeline_entries(case),
            "today": timezone.localdate(),
        },
    )


@staff_required
def staff_case_file(request, pk: int):
    steps = scope(HardshipStep.objects.select_related("case__org"), request.user, field="case__org")
    step = steps.filter(pk=pk).exclude(attachment="").first()
    if step is None:
        raise NotFound()
    log_action(step.case, "benefits.hardship.file_opened", request.user, {"step": step.pk})
    return serve(step.attachment, label=_("核查授权书"))


# -- staff: pairing and visits ----------------------------------------------------------------------


@staff_required
def staff_visits(request):
    org = home_org(request.user)
    cadres = holders_over(org, {*STAFF_ROLES, Role.VOLUNTEER}) if org else get_user_model().objects.none()
    action = request.POST.get("action") if request.method == "POST" else None
    pair_form = PairingForm(request.POST if action == "pair" else None, cadres=cadres)
    plan_form = VisitPlanForm(request.POST if action == "plan" else None)
    try:
        if action == "pair" and pair_form.is_valid():
            member = proxies.proxy_find_member(actor=request.user, query=pair_form.cleaned_data["member"])
            hardship.pairing_create(
                actor=request.user,
                cadre=cadres.get(pk=pair_form.cleaned_data["cadre"]),
                member=member,
                plan=pair_form.cleaned_data["plan"],
            )
            messages.success(request, _("已结对"))
            return redirect("staff-visits")
        if action == "plan" and plan_form.is_valid():
            member = proxies.proxy_find_member(actor=request.user, query=plan_form.cleaned_data["member"])
            pairing = own(Pairing.objects, member).filter(ended_on__isnull=True).first()
            hardship.visit_plan(
                actor=request.user,
                member=member,
                planned_on=plan_form.cleaned_data["planned_on"],
                kind=plan_form.cleaned_data["kind"],
                pairing=pairing,
                visitor=pairing.cadre if pairing else None,
            )
            messages.success(request, _("走访已安排"))
            return redirect("staff-visits")
    except DomainError as exc:
        add_domain_error(pair_form if action == "pair" else plan_form, exc)
    visits = scope(Visit.objects.select_related("member", "visitor"), request.user)
    return render(
        request,
        "benefits/staff/visits.html",
        {
            "pair_form": pair_form,
            "plan_form": plan_form,
            "pairings": scope(Pairing.objects.select_related("member", "cadre"), request.user).filter(
                ended_on__isnull=True
            ),
            "planned": page_of(request, visits.filter(visited_on__isnull=True).order_by("planned_on")),
            "done": page_of(request, visits.filter(visited_on__isnull=False), param="done_page"),
            "summary": hardship.visit_summary(org) if org else None,
        },
    )


@staff_required
def staff_visit(request, pk: int):
    visit = get_scoped(Visit.objects.select_related("member", "visitor"), request.user, pk=pk)
    form = VisitRecordForm(
        request.POST or None,
        initial={
            "visited_on": visit.visited_on or timezone.localdate(),
            "record": visit.record,
            "gifts": visit.gifts,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            hardship.visit_record(visit=visit, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("走访记录已保存"))
            return redirect("staff-visits")
    return render(request, "benefits/staff/visit.html", {"visit": visit, "form": form})
