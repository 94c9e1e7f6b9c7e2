"""Funds (B7): a budget per fund and year, spent by paying approvals through one conditional
UPDATE backed by a check constraint (never overspent, even by approvals at the same moment);
above a threshold only the designated 一支笔 signer approves; a ledger with its running balance."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, Forbidden, refuse
from unionhome.core.models import Org, Role
from unionhome.core.scoping import ensure_role_over, has_role_over, held, scope

from .models import (
    Fund,
    FundEntry,
)


def money(value) -> Decimal:
    """An amount in yuan, to the fen."""
    return Decimal(value).quantize(Decimal("0.01"))


def fund_save(
    *,
    actor,
    org: Org,
    name: str,
    year: int,
    budget: Decimal,
    sign_threshold: Decimal | None = None,
    signer=None,
    fund: Fund | None = None,
) -> Fund:
    """Set up a fund, or change it: its budget never below what it has spent; the 一支笔
    approver one of the union's officers."""
    ensure_role_over(actor, org if fund is None else fund.org, {Role.CHAIR, Role.ADMIN, Role.STAFF})
    errors = {}
    if fund is not None and budget < fund.spent:
        errors["budget"] = _("预算不能少于已支出的 %(s)s 元") % {"s": fund.spent}
    if signer is not None and not has_role_over(signer, org, {Role.CHAIR, Role.ADMIN, Role.STAFF}):
        errors["signer"] = _("一支笔审批人须是本工会的干部")
    refuse(errors)
    fund = fund or Fund(org=org)
    fund.name, fund.year, fund.budget = name, year, budget
    fund.signer, fund.sign_threshold = signer, sign_threshold
    fund.save()
    log_action(fund, "benefits.fund.saved", actor, {"budget": str(fund.budget), "year": fund.year})
    return fund


def fund_spend(
    *, fund: Fund, amount: Decimal, actor, purpose: str, member=None, claim=None, case=None
) -> FundEntry:
    """Pay `amount` out of `fund`, or refuse.

    1. Above the fund's threshold only the designated signer (一支笔) may approve.
    2. `spent` moves by one conditional UPDATE: two approvals at the same moment are serialised
       by the row lock the UPDATE takes, and the second sees the first's spending before its
       condition is checked, so the budget is never passed (and the check constraint backs it).
    Call inside the transaction of the approval it pays for."""
    amount = money(amount)
    if amount <= 0:
        raise DomainError("invalid", _("金额必须大于 0"), fields={"amount": _("必须大于 0")})
    signed_by = None
    if fund.sign_threshold is not None and amount > fund.sign_threshold:
        if fund.signer_id != actor.pk:
            who = fund.signer.display_name if fund.signer_id else _("（未指定）")
            raise Forbidden(
                "signer_required",
                _("超过 %(t)s 元的支出须由一支笔审批人 %(who)s 签批")
                % {"t": fund.sign_threshold, "who": who},
            )
        signed_by = actor
    moved = held(fund).filter(spent__lte=F("budget") - amount).update(spent=F("spent") + amount)
    if not moved:
        fund.refresh_from_db(fields=["spent", "budget"])
        raise Conflict(
            "over_budget",
            _("%(fund)s余额不足：剩余 %(left)s 元，本次 %(amount)s 元")
            % {"fund": fund.name, "left": fund.remaining, "amount": amount},
        )
    entry = FundEntry.objects.create(
        fund=fund,
        amount=amount,
        purpose=purpose[:200],
        member=member,
        claim=claim,
        case=case,
        approved_by=actor,
        signed_by=signed_by,
    )
    log_action(
        fund, "benefits.fund.paid", actor, {"amount": str(amount), "entry": entry.pk, "purpose": purpose}
    )
    return entry


def funds_for(user):
    return scope(Fund.objects.select_related("org", "signer"), user)


LEDGER_COLUMNS = ["日期", "经费", "用途", "会员", "金额（元）", "审批人", "一支笔签批", "余额（元）"]


def ledger_rows(fund: Fund) -> list[list]:
    """The ledger (台账) in the order of payment, with the running balance."""
    balance = fund.budget
    rows = []
    for e in fund.entries.select_related("member", "approved_by", "signed_by"):
        balance = balance - e.amount if e.kind == "payout" else balance + e.amount
        rows.append(
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
                fund.name,
                e.purpose,
                e.member.name if e.member else "",
                float(e.amount),
                e.approved_by.display_name if e.approved_by else "",
                e.signed_by.display_name if e.signed_by else "",
                float(balance),
            ]
        )
    return rows
