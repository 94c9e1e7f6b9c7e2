"""Funds (B7): budgets, the 一支笔 signer, the ledger and its .xlsx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.access import staff_required
from unionhome.core.audit import log_action
from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error
from unionhome.core.scoping import STAFF_ROLES, get_scoped, holders_over, home_org
from unionhome.core.spreadsheets import xlsx_response

from .. import funds
from ..forms import (
    FundForm,
)
from ..models import (
    Fund,
)

# -- staff: funds ---------------------------------------------------------------------------------


def _signers(request):
    org = home_org(request.user)
    return holders_over(org, STAFF_ROLES) if org else get_user_model().objects.none()


@staff_required
def staff_funds(request):
    form = FundForm(
        request.POST or None, initial={"year": timezone.localdate().year}, signers=_signers(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            funds.fund_save(actor=request.user, org=home_org(request.user), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("经费已保存"))
            return redirect("staff-funds")
    return render(
        request, "benefits/staff/funds.html", {"funds": funds.funds_for(request.user), "form": form}
    )


@staff_required
def staff_fund(request, pk: int):
    fund = get_scoped(Fund.objects.select_related("org", "signer"), request.user, pk=pk)
    return render(
        request,
        "benefits/staff/fund.html",
        {"fund": fund, "rows": funds.ledger_rows(fund), "columns": funds.LEDGER_COLUMNS},
    )


@staff_required
def staff_fund_xlsx(request, pk: int):
    fund = get_scoped(Fund.objects.select_related("org"), request.user, pk=pk)
    response = xlsx_response(
        f"ledger-{fund.year}-{fund.pk}.xlsx",
        _("经费台账"),
        [_(c) for c in funds.LEDGER_COLUMNS],
        funds.ledger_rows(fund),
    )
    log_action(fund, "benefits.fund.exported", request.user)
    return response
