"""The quarterly check: a verdict and its reason per clause, the reviews of the exceptions, and what members see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core import sources
from unionhome.core.errors import DomainError
from unionhome.core.scoping import by_rule, held
from unionhome.core.workdays import workdays_after

from ..models import CheckResult, Clause, ClauseKind, Contract, DataItem, Delivery, Verdict
from .rules import (
    MONTH,
    REVIEW_DAYS,
    evaluate,
    formula_names,
    parse_quarter,
    period_end,
    period_start,
    plain,
    quarter_months,
)

# -- the quarterly check ------------------------------------------------------------------------------


def _latest(contract: Contract, periods: list[str]) -> dict[tuple[str, str], Delivery]:
    found: dict[tuple[str, str], Delivery] = {}
    rows = (
        by_rule(Delivery.objects, "the deliveries of a contract in hand")
        .filter(item__contract=contract, period__in=periods)
        .select_related("item")
    )
    for d in rows.order_by("delivered_at", "pk"):
        found[(d.item.code, d.period)] = d
    return found


def _due(item: DataItem, period: str) -> dt.date:
    return period_end(period) + dt.timedelta(days=item.due_days)


def judge(clause: Clause, items: dict[str, DataItem], latest: dict, year: int, q: int) -> tuple[str, str]:
    """One clause's verdict for the quarter and the words that explain it."""
    months = quarter_months(year, q)
    quarter = f"{year}Q{q}"
    rule = clause.rule

    def periods(code: str) -> list[str]:
        return months if items[code].monthly else [quarter]

    if clause.kind == ClauseKind.MONTHLY:
        due_months = [m for m in months if int(m[5:]) in rule["months"]]
        if not due_months:
            return Verdict.COMPLIANT, _("本季度不在发放月份")
        needed = [(rule["item"], m) for m in due_months]
    elif clause.kind in (ClauseKind.MINIMUM, ClauseKind.MAXIMUM):
        needed = [(rule["item"], p) for p in periods(rule["item"])]
    else:
        needed = [(code, p) for code in sorted(formula_names(rule["expr"])) for p in periods(code)]
    missing = [key for key in needed if key not in latest]
    late = [
        key
        for key in needed
        if key in latest
        and not latest[key].platform
        and timezone.localtime(latest[key].delivered_at).date() > _due(items[key[0]], key[1])
    ]
    failures = []
    if clause.kind == ClauseKind.MINIMUM:
        floor = Decimal(str(rule["min"]))
        failures = [
            f"{p} {plain(latest[(c, p)].value)} < {plain(floor)}"
            for c, p in needed
            if (c, p) in latest and latest[(c, p)].value < floor
        ]
    elif clause.kind == ClauseKind.MAXIMUM:
        ceiling = Decimal(str(rule["max"]))
        failures = [
            f"{p} {plain(latest[(c, p)].value)} > {plain(ceiling)}"
            for c, p in needed
            if (c, p) in latest and latest[(c, p)].value > ceiling
        ]
    elif clause.kind == ClauseKind.MONTHLY:
        floor = Decimal(str(rule["min"]))
        for code, month in needed:
            d = latest.get((code, month))
            if d is None:
                continue
            year_m, month_m = int(month[:4]), int(month[5:])
            nxt = dt.date(year_m + (month_m == 12), month_m % 12 + 1, rule.get("pay_by", 15))
            if d.value < floor:
                failures.append(_("%(m)s 只发了 %(v)s") % {"m": month, "v": plain(d.value)})
            elif d.paid_on is None or d.paid_on > nxt:
                failures.append(_("%(m)s 没有在 %(d)s 前发放") % {"m": month, "d": nxt.isoformat()})
    elif not missing:
        sums = {}
        for code, period in needed:
            sums[code] = sums.get(code, Decimal(0)) + latest[(code, period)].value
        if not evaluate(rule["expr"], sums):
            failures.append(
                _("按报送数据，%(e)s 不成立（%(v)s）")
                % {"e": rule["expr"], "v": "，".join(f"{k}={plain(v)}" for k, v in sums.items())}
            )
    if failures:
        return Verdict.NOT_COMPLIANT, "；".join(failures)[:500]
    if missing:
        return Verdict.DATA_MISSING, (_("缺少：") + "、".join(f"{items[c].name} {p}" for c, p in missing))[
            :500
        ]
    if late:
        return Verdict.DATA_LATE, (_("逾期报送：") + "、".join(f"{items[c].name} {p}" for c, p in late))[:500]
    return Verdict.COMPLIANT, _("符合")


def _from_platform(
    contract: Contract, items: dict[str, DataItem], latest: dict, periods: list[str], now
) -> int:
    """Deliver the figures the platform keeps itself (an item with a `source`) for each period
    of the quarter that has ended; a figure already delivered with the same value is not
    delivered again. How many were delivered."""
    today = timezone.localdate()
    rows = []
    for item in items.values():
        if not item.source:
            continue
        for period in periods:
            if bool(MONTH.match(period)) != item.monthly or period_end(period) >= today:
                continue
            value = sources.figure(item.source, contract.org, period_start(period), period_end(period))
            known = latest.get((item.code, period))
            if value is None or (known is not None and known.platform and known.value == value):
                continue
            rows.append(
                Delivery(
                    org=contract.org, item=item, period=period, value=value, delivered_at=now, platform=True
                )
            )
    Delivery.objects.bulk_create(rows)
    return len(rows)


def quarter_check(*, contract: Contract, quarter: str, owner: str = "", now=None) -> list[CheckResult]:
    """Every clause's verdict for the quarter (run again, it replaces the last run's); each
    exception opens its review, owned by `owner`, due in REVIEW_DAYS working days."""
    now = now or timezone.now()
    year, q = parse_quarter(quarter)
    quarter = f"{year}Q{q}"
    items = {
        i.code: i
        for i in by_rule(DataItem.objects, "the items of a contract in hand").filter(contract=contract)
    }
    periods = [*quarter_months(year, q), quarter]
    latest = _latest(contract, periods)
    if _from_platform(contract, items, latest, periods, now):
        latest = _latest(contract, periods)
    out = []
    due = workdays_after(timezone.localdate(), REVIEW_DAYS)
    with transaction.atomic():
        for clause in (
            by_rule(Clause.objects, "the clauses of a contract in hand")
            .filter(contract=contract)
            .order_by("number")
        ):
            verdict, detail = judge(clause, items, latest, year, q)
            exception = verdict != Verdict.COMPLIANT
            result, _created = by_rule(CheckResult.objects, "the results of a contract in hand").update_or_create(
                clause=clause, quarter=quarter,
                defaults={"org": contract.org, "verdict": verdict, "detail": str(detail), "checked_at": now,
                          "review_owner": (owner or "")[:60] if exception else "", "review_due": due if exception else None,
                          "review_closed_at": None, "review_note": ""},
            )  # fmt: skip
            out.append(result)
    return out


def review_close(*, result: CheckResult, note: str, now=None) -> CheckResult:
    note = (note or "").strip()[:2000]
    if not note:
        raise DomainError("invalid", _("请写复议结论"), fields={"note": _("必填")})
    if result.verdict == Verdict.COMPLIANT or result.review_closed_at is not None:
        raise DomainError("invalid", _("这一项没有待办的复议"), fields={"note": _("没有复议")})
    result.review_note, result.review_closed_at = note, now or timezone.now()
    held(result).update(review_note=result.review_note, review_closed_at=result.review_closed_at)
    return result


def summary(contract: Contract, quarter: str) -> list[tuple[Clause, CheckResult | None]]:
    """What members see: each clause with its verdict for the quarter, in plain words."""
    results = {
        r.clause_id: r
        for r in by_rule(CheckResult.objects, "the results of a contract in hand").filter(
            clause__contract=contract, quarter=quarter
        )
    }
    return [
        (c, results.get(c.pk))
        for c in by_rule(Clause.objects, "the clauses of a contract in hand")
        .filter(contract=contract)
        .order_by("number")
    ]
