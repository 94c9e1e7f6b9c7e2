"""Legal services (A7): a member asks for help; staff keep the cases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from unionhome.core.access import staff_required
from unionhome.core.audit import timeline_entries
from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error, day_param
from unionhome.core.paging import page_of
from unionhome.core.scoping import STAFF_ROLES, has_role_over, own, scope
from unionhome.members.selectors import member_of

from . import legal
from .forms import LegalForm
from .models import LadderStep, LegalCase, LegalKind


@login_required
def legal_home(request):
    member = member_of(request.user)
    form = LegalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = legal.legal_case_open(
                actor=request.user,
                kind=data["kind"],
                summary=data["summary"],
                issue=data["issue"],
                eligibility={k[2:]: v for k, v in data.items() if k.startswith("q_")},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已登记，工会法律服务人员会联系您"))
            return redirect("legal-case", case.pk)
    cases = own(LegalCase.objects, member)
    return render(request, "appeals/legal.html", {"form": form, "cases": cases})


@login_required
def legal_case(request, pk: int):
    case = legal.case_get(request.user, pk)
    staff = has_role_over(request.user, case.org, STAFF_ROLES)
    if request.method == "POST" and staff:
        action = request.POST.get("action")
        try:
            if action == "step":
                legal.ladder_step(
                    case,
                    actor=request.user,
                    step=request.POST.get("step", ""),
                    on=day_param(request.POST.get("on")),
                    note=request.POST.get("note", ""),
                )
            elif action == "evidence":
                legal.evidence_set(
                    case, actor=request.user, collected={k: True for k in request.POST.getlist("evidence")}
                )
            elif action == "agreement":
                legal.mediation_record(case, actor=request.user, agreement=request.POST.get("agreement", ""))
            elif action == "close":
                legal.case_close(case, actor=request.user, note=request.POST.get("note", ""))
            messages.success(request, _("已保存"))
        except DomainError as exc:
            messages.error(request, exc.message + " " + " ".join(exc.fields.values()))
        return redirect("legal-case", pk)
    evidence_labels = dict(legal.EVIDENCE.get(case.issue, []))
    return render(
        request,
        "appeals/legal_case.html",
        {
            "case": case,
            "staff": staff,
            "timeline": timeline_entries(case),
            "steps": case.steps.all(),
            "next_step": legal.ladder_next(case) if case.kind == LegalKind.RIGHTS else None,
            "ladder": LadderStep.choices,
            "evidence": [(k, evidence_labels.get(k, k), v) for k, v in case.evidence.items()],
            "questions": [(label, case.eligibility.get(k)) for k, label in legal.AID_QUESTIONS],
        },
    )


@staff_required
def staff_legal(request):
    cases = page_of(request, scope(LegalCase.objects.select_related("member"), request.user).order_by("-pk"))
    return render(request, "appeals/staff/legal.html", {"cases": cases})
