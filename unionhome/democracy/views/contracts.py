"""Collective contracts: what members see of each clause, and the staff's page of data, checks and reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.scoping import scope, within


def _quarter_asked(request) -> str:
    from .. import contracts

    try:
        year, q = contracts.parse_quarter(request.GET.get("quarter") or request.POST.get("quarter") or "")
    except DomainError:
        today = timezone.localdate()
        previous = (today.month - 1) // 3  # the quarter just ended
        year, q = (today.year, previous) if previous else (today.year - 1, 4)
    return f"{year}Q{q}"


@login_required
def contract(request, pk: int):
    """What members see: each clause of the contract and the quarter's verdict, in plain words."""
    from .. import contracts

    try:
        found = contracts.contract_for(request.user, pk)
    except NotFound:
        raise Http404 from None
    quarter = _quarter_asked(request)
    return render(
        request,
        "democracy/contract.html",
        {"contract": found, "quarter": quarter, "rows": contracts.summary(found, quarter)},
    )


@staff_required
def staff_contract(request, pk: int):
    """Clauses, data items and deliveries; an .xlsx of figures; the quarterly check; the reviews."""
    from .. import contracts
    from ..forms import CheckForm, DataUploadForm, ReviewCloseForm
    from ..models import CheckResult, Contract, Delivery

    found = get_object_or_404(scope(Contract.objects, request.user), pk=pk)
    quarter = _quarter_asked(request)
    action = request.POST.get("action")
    upload_form = DataUploadForm(
        request.POST if action == "upload" else None, request.FILES if action == "upload" else None
    )
    check_form = CheckForm(request.POST if action == "check" else None, initial={"quarter": quarter})
    close_form = ReviewCloseForm(request.POST if action == "close" else None)
    report = None
    if request.method == "POST":
        try:
            if action == "upload" and upload_form.is_valid():
                report = contracts.upload(contract=found, data=upload_form.cleaned_data["file"].read())
                messages.success(request, _("已收到 %(n)d 个数据") % {"n": report["delivered"]})
            elif action == "check" and check_form.is_valid():
                contracts.quarter_check(
                    contract=found,
                    quarter=check_form.cleaned_data["quarter"],
                    owner=check_form.cleaned_data["owner"],
                )
                messages.success(request, _("季度核查已完成"))
                return redirect(f"{request.path}?quarter={check_form.cleaned_data['quarter'].upper()}")
            elif action == "close" and close_form.is_valid():
                result = get_object_or_404(
                    within(CheckResult.objects, found.org),
                    pk=int_param(request.POST.get("result")),
                    clause__contract=found,
                )
                contracts.review_close(result=result, note=close_form.cleaned_data["note"])
                messages.success(request, _("复议已办结"))
                return redirect(f"{request.path}?quarter={quarter}")
        except DomainError as exc:
            add_domain_error(
                {"upload": upload_form, "check": check_form, "close": close_form}.get(action, check_form), exc
            )
    deliveries = (
        within(Delivery.objects, found.org)
        .filter(item__contract=found)
        .select_related("item")
        .order_by("-delivered_at")[:100]
    )
    return render(
        request,
        "democracy/staff/contract.html",
        {"contract": found, "quarter": quarter, "rows": contracts.summary(found, quarter), "items": found.items.all(),
         "deliveries": deliveries, "upload_form": upload_form, "check_form": check_form, "close_form": close_form, "report": report},
    )  # fmt: skip
