"""The register of matters (F2), for staff."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.scoping import scope, staff_org, within

from ..models import Poll


@staff_required
def staff_matters(request):
    """The register: search, overdue answers first, a new matter."""
    from .. import matters
    from ..forms import MatterForm

    org = staff_org(request.user, int_param(request.GET.get("org")))
    form = MatterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = matters.matter_create(org=org, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("事项已登记"))
            return redirect("staff-matter", made.pk)
    q = (request.GET.get("q") or "").strip()[:50]
    return render(
        request,
        "democracy/staff/matters.html",
        {"org": org, "form": form, "q": q, "found": matters.search(org, q), "overdue": matters.overdue(org)},
    )


@staff_required
def staff_matter(request, pk: int):
    from unionhome.core.uploads import EVIDENCE_TYPES, check_upload

    from .. import matters
    from ..forms import StepForm
    from ..models import Matter

    found = get_object_or_404(scope(Matter.objects, request.user), pk=pk)
    nxt = matters.next_step(found)
    closed = [
        p
        for p in within(Poll.objects, found.org).order_by("-closes_at")[:50]
        if p.closes_at <= timezone.now()
    ]
    form = StepForm(request.POST or None, request.FILES or None, polls=closed)
    if request.method == "POST" and nxt is not None and form.is_valid():
        try:
            upload = form.cleaned_data.get("attachment")
            if upload:
                check_upload(upload, field="attachment", allowed=EVIDENCE_TYPES)
            matters.step_done(
                matter=found,
                by=request.user,
                step=nxt.code,
                note=form.cleaned_data["note"],
                attachment=upload,
                poll=form.cleaned_data.get("poll"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已记录"))
            return redirect("staff-matter", found.pk)
    return render(
        request,
        "democracy/staff/matter.html",
        {"matter": found, "archive": matters.archive(found), "next": nxt, "form": form},
    )
