"""Collective contracts checked every quarter (F4, seed 002 §3.3).

A clause is a rule over data items the enterprise delivers:
- `minimum`: {"item", "min"} — the item's value is at least `min` (every month of the quarter
  for a monthly item; e.g. wage growth ≥ 5% year on year, paid leave ≥ 7 days);
- `maximum`: {"item", "max"} — at most `max` (women placed in posts barred to women: 0);
- `formula`: {"expr"} — a comparison over item codes with + − × ÷ and numbers (e.g. overtime pay
  ≥ overtime hours × base hourly wage × 1.5: overtime paid on the base wage, not the minimum
  wage); a monthly item counts as its quarter's sum;
- `monthly`: {"item", "min", "months", "pay_by"} — in each of `months` that falls in the
  quarter, at least `min` was paid, by day `pay_by` of the next month (the high-temperature
  allowance, June–September, by the 15th).

The quarterly check gives each clause one verdict — not compliant, data missing, data late
(delivered after its date: period end + the item's `due_days`), or compliant, in that order of
precedence — and each exception opens a review (异常复议) with its owner and a deadline in working
days. A correction is a new delivery: the latest one of a period counts, and it is late if it
came after the date."""

from __future__ import annotations

import ast
import calendar
import datetime as dt
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import sources
from unionhome.core.errors import DomainError, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import by_rule, held
from unionhome.core.workdays import workdays_after

from .models import CheckResult, Clause, ClauseKind, Contract, DataItem, Delivery, Verdict

REVIEW_DAYS = 10
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
COMPARE = {
    ast.GtE: operator.ge,
    ast.Gt: operator.gt,
    ast.LtE: operator.le,
    ast.Lt: operator.lt,
    ast.Eq: operator.eq,
}


# -- periods ----------------------------------------------------------------------------------------


def parse_quarter(text: str) -> tuple[int, int]:
    m = QUARTER.match(str(text or "").strip().upper())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise DomainError("invalid", _("季度应写成 2026Q3 这样"), fields={"quarter": "2026Q3"})
    return int(m.group(1)), int(m.group(2))


def quarter_months(year: int, q: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def period_end(period: str) -> dt.date:
    if m := MONTH.match(period):
        year, month = int(m.group(1)), int(m.group(2))
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    year, q = parse_quarter(period)
    return period_end(quarter_months(year, q)[-1])


def period_start(period: str) -> dt.date:
    if MONTH.match(period):
        return period_end(period).replace(day=1)
    year, q = parse_quarter(period)
    return dt.date(year, 3 * q - 2, 1)


def valid_period(period: str) -> str:
    period = str(period or "").strip().upper()
    if m := MONTH.match(period):
        if 2000 <= int(m.group(1)) <= 2100 and 1 <= int(m.group(2)) <= 12:
            return period
    elif QUARTER.match(period):
        parse_quarter(period)
        return period
    raise DomainError("invalid", _("期间应写成 2026-07 或 2026Q3"), fields={"period": "2026-07 | 2026Q3"})


def _plain(number: Decimal) -> str:
    """4300, 7.5 — never 4.3E+3."""
    return format(number.normalize(), "f")


# -- formulas ---------------------------------------------------------------------------------------


def formula_names(expr: str) -> set[str]:
    """The item codes a formula uses; a DomainError if it is not a comparison of arithmetic."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise DomainError("invalid", _("计算式写得不对"), fields={"expr": expr}) from None
    if (
        not isinstance(tree.body, ast.Compare)
        or len(tree.body.ops) != 1
        or type(tree.body.ops[0]) not in COMPARE
    ):
        raise DomainError("invalid", _("计算式应是一个比较，如 a >= b * 1.5"), fields={"expr": expr})
    names = set()
    for node in ast.walk(tree.body):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif (
            not isinstance(
                node,
                ast.Compare
                | ast.BinOp
                | ast.UnaryOp
                | ast.Constant
                | ast.Load
                | ast.USub
                | ast.cmpop
                | ast.operator,
            )
            or (isinstance(node, ast.BinOp) and type(node.op) not in OPS)
            or (isinstance(node, ast.Constant) and not isinstance(node.value, int | float))
        ):
            raise DomainError("invalid", _("计算式只能用数据项、数字和加减乘除"), fields={"expr": expr})
    return names


def evaluate(expr: str, values: dict[str, Decimal]) -> bool:
    def walk(node):
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            return OPS[type(node.op)](walk(node.left), walk(node.right))
        return COMPARE[type(node.ops[0])](walk(node.left), walk(node.comparators[0]))

    return bool(walk(ast.parse(expr, mode="eval").body))


# -- the contract -----------------------------------------------------------------------------------


def _number(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > Decimal("1e12"):
        raise DomainError("invalid", _("数值不对"), fields={field: _("应为数字")})
    return number


def _checked_items(items: list[dict], codes: set[str]) -> set[str]:
    """The codes of `items` added to the contract's `codes`, or the first item's refusal."""
    codes = set(codes)
    for i, item in enumerate(items):
        code = str(item.get("code") or "")
        if not CODE.match(code) or code in codes:
            raise DomainError(
                "invalid",
                _("数据项代码应为小写字母开头的英文、数字和下划线，不重复"),
                fields={f"items.{i}.code": code},
            )
        if not str(item.get("name") or "").strip():
            raise DomainError("invalid", _("请填写数据项名称"), fields={f"items.{i}.name": _("必填")})
        if (item.get("source") or "") not in ("", *sources.SOURCES):
            raise DomainError(
                "invalid",
                _("没有这个数据来源"),
                fields={f"items.{i}.source": "、".join(sorted(sources.SOURCES))},
            )
        codes.add(code)
    return codes


def _check_clause(i: int, clause: dict, codes: set[str]) -> None:
    """A clause is a kind, its words and a rule over the contract's data items."""
    kind, rule = clause.get("kind"), clause.get("rule") or {}
    field = f"clauses.{i}.rule"
    if (
        kind not in ClauseKind.values
        or not str(clause.get("text") or "").strip()
        or not isinstance(rule, dict)
    ):
        raise DomainError(
            "invalid", _("第 %(n)d 条写得不完整") % {"n": i + 1}, fields={field: _("类型和条文都要写")}
        )
    if kind == ClauseKind.FORMULA:
        used = formula_names(str(rule.get("expr") or ""))
    else:
        used = {rule.get("item")}
        _number(rule.get("max" if kind == ClauseKind.MAXIMUM else "min"), field)
    if kind == ClauseKind.MONTHLY:
        months, pay_by = rule.get("months") or [], rule.get("pay_by", 15)
        if (
            not months
            or not all(isinstance(m, int) and 1 <= m <= 12 for m in months)
            or not (isinstance(pay_by, int) and 1 <= pay_by <= 28)
        ):
            raise DomainError(
                "invalid", _("按月发放的条款要写月份和发放日"), fields={field: "months, pay_by"}
            )
    if not used <= codes:
        raise DomainError(
            "invalid",
            _("条款用到了没有定义的数据项：%(c)s") % {"c": "、".join(sorted(map(str, used - codes)))},
            fields={field: _("没有这个数据项")},
        )


def _write(contract: Contract, items: list[dict], clauses: list[dict], first: int) -> list[Clause]:
    DataItem.objects.bulk_create(
        [
            DataItem(
                org=contract.org,
                contract=contract,
                code=item["code"],
                name=str(item["name"]).strip()[:80],
                unit=str(item.get("unit") or "")[:20],
                monthly=bool(item.get("monthly")),
                due_days=int(item.get("due_days") or 15),
                source=item.get("source") or "",
            )  # fmt: skip
            for item in items
        ]
    )
    return Clause.objects.bulk_create(
        [
            Clause(
                org=contract.org,
                contract=contract,
                number=first + i,
                text=str(c["text"]).strip()[:2000],
                kind=c["kind"],
                rule=c["rule"],
            )  # fmt: skip
            for i, c in enumerate(clauses)
        ]
    )


def contract_create(*, org: Org, data: dict) -> Contract:
    errors = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 160:
        errors["title"] = _("请填写合同名称（最多 160 字）")
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if not starts or not ends or starts >= ends:
        errors["ends_on"] = _("到期日期应晚于生效日期")
    refuse(errors)
    items = data.get("items") or []
    codes = _checked_items(items, set())
    clauses = data.get("clauses") or []
    if not clauses:
        raise DomainError("invalid", _("至少一条可核查的条款"), fields={"clauses": _("至少一条")})
    for i, clause in enumerate(clauses):
        _check_clause(i, clause, codes)
    with transaction.atomic():
        contract = Contract.objects.create(org=org, title=title, starts_on=starts, ends_on=ends)
        _write(contract, items, clauses, first=1)
    return contract


def clause_add(*, contract: Contract, clause: dict, items: list[dict] | None = None) -> Clause:
    """One more clause in a signed contract (one a negotiation reached), with the new data items
    it needs; it is checked from the next quarterly check on."""
    held_codes = set(
        by_rule(DataItem.objects, "the items of a contract in hand")
        .filter(contract=contract)
        .values_list("code", flat=True)
    )
    items = items or []
    codes = _checked_items(items, held_codes)
    _check_clause(0, clause, codes)
    with transaction.atomic():
        last = (
            by_rule(Clause.objects, "the clauses of a contract in hand")
            .select_for_update()
            .filter(contract=contract)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        (made,) = _write(contract, items, [clause], first=(last or 0) + 1)
    return made


# -- the standard clauses the staff page offers -------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    """A clause most contracts have: its label on the form, its words in the contract ({n}: the
    number typed), the items it needs (code, name, monthly) and its rule for a number."""

    label: str
    text: str
    kind: str
    items: tuple[tuple[str, str, bool], ...]
    rule: Callable[[Decimal], dict]
    default: int | None  # None: no number, a yes/no


def _json(n: Decimal) -> int | float:
    return int(n) if n == n.to_integral_value() else float(n)


STANDARD = {
    "wage_growth": Standard(
        _l("工资年增长不低于（%）"), "工资年增长不低于 {n}%", ClauseKind.MINIMUM,
        (("wage_growth", "工资同比增长（%）", False),), lambda n: {"item": "wage_growth", "min": _json(n)}, 5,
    ),
    "piece_rate": Standard(
        _l("计件单价不低于（元/件）"), "计件单价不低于 {n} 元/件", ClauseKind.MINIMUM,
        (("piece_rate", "计件单价（元/件）", False),), lambda n: {"item": "piece_rate", "min": _json(n)}, None,
    ),
    "overtime_basis": Standard(
        _l("加班工资以基本工资为基数，不低于（%）"), "加班工资以基本工资为基数，不低于 {n}%", ClauseKind.FORMULA,
        (("overtime_pay", "加班工资总额", True), ("overtime_hours", "加班总工时", True),
         ("base_hourly_wage", "基本工资折算小时工资", False)),
        lambda n: {"expr": f"overtime_pay >= overtime_hours * base_hourly_wage * {_plain(n / 100)}"}, 150,
    ),
    "paid_leave": Standard(
        _l("带薪年休假不少于（天）"), "带薪年休假不少于 {n} 天", ClauseKind.MINIMUM,
        (("paid_leave_days", "带薪年休假天数", False),), lambda n: {"item": "paid_leave_days", "min": _json(n)}, 5,
    ),
    "high_temp": Standard(
        _l("6–9 月高温津贴每月不低于（元），次月 15 日前发放"), "6–9 月高温津贴每月不低于 {n} 元，次月 15 日前发放",
        ClauseKind.MONTHLY, (("high_temp", "高温津贴（元/人）", True),),
        lambda n: {"item": "high_temp", "min": _json(n), "months": [6, 7, 8, 9], "pay_by": 15}, 300,
    ),
    "training": Standard(
        _l("人均培训每季度不少于（学时）"), "人均培训每季度不少于 {n} 学时", ClauseKind.MINIMUM,
        (("training_hours", "人均培训学时", False),), lambda n: {"item": "training_hours", "min": _json(n)}, 8,
    ),
    "women_barred": Standard(
        _l("女职工禁忌从事的岗位不安排女职工"), "女职工禁忌从事的岗位不安排女职工", ClauseKind.MAXIMUM,
        (("women_barred_posts", "安排在女职工禁忌岗位的女职工人数", False),),
        lambda n: {"item": "women_barred_posts", "max": 0}, None,
    ),
}  # fmt: skip
YES_NO = {"women_barred"}


def standard_contract(*, org: Org, data: dict, chosen: dict, overtime_source: str = "") -> Contract:
    """A contract of the standard clauses chosen (key → its number, or True for a yes/no one),
    with the data items they need; overtime hours can come from the platform's attendance."""
    items: dict[str, dict] = {}
    clauses = []
    for key, standard in STANDARD.items():
        value = chosen.get(key)
        if value in (None, False, ""):
            continue
        number = Decimal(0) if key in YES_NO else _number(value, key)
        clauses.append(
            {
                "text": standard.text.format(n=_plain(number)),
                "kind": standard.kind,
                "rule": standard.rule(number),
            }
        )
        for code, name, monthly in standard.items:
            items[code] = {"code": code, "name": name, "monthly": monthly}
    if not clauses:
        raise DomainError("invalid", _("至少选一条条款"), fields={"clauses": _("至少填写一条")})
    if overtime_source and "overtime_hours" in items:
        items["overtime_hours"]["source"] = overtime_source
    return contract_create(org=org, data={**data, "items": list(items.values()), "clauses": clauses})


def deliver(*, contract: Contract, period: str, values: dict, paid_on: dict | None = None, now=None) -> int:
    """The enterprise's figures for a period; each is a new delivery (the latest counts)."""
    now = now or timezone.now()
    period = valid_period(period)
    items = {
        i.code: i
        for i in by_rule(DataItem.objects, "the items of a contract in hand").filter(contract=contract)
    }
    unknown = set(values) - set(items)
    if unknown:
        raise DomainError(
            "invalid",
            _("没有这些数据项：%(c)s") % {"c": "、".join(sorted(unknown))},
            fields={"values": "、".join(sorted(unknown))},
        )
    rows = []
    for code, value in values.items():
        item = items[code]
        if item.monthly != bool(MONTH.match(period)):
            raise DomainError(
                "invalid",
                _("“%(n)s”按%(p)s报送") % {"n": item.name, "p": _("月") if item.monthly else _("季度")},
                fields={"period": period},
            )
        day = (paid_on or {}).get(code)
        rows.append(
            Delivery(
                org=contract.org,
                item=item,
                period=period,
                value=_number(value, f"values.{code}"),
                paid_on=day,
                delivered_at=now,
            )
        )
    Delivery.objects.bulk_create(rows)
    return len(rows)


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
            f"{p} {_plain(latest[(c, p)].value)} < {_plain(floor)}"
            for c, p in needed
            if (c, p) in latest and latest[(c, p)].value < floor
        ]
    elif clause.kind == ClauseKind.MAXIMUM:
        ceiling = Decimal(str(rule["max"]))
        failures = [
            f"{p} {_plain(latest[(c, p)].value)} > {_plain(ceiling)}"
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
                failures.append(_("%(m)s 只发了 %(v)s") % {"m": month, "v": _plain(d.value)})
            elif d.paid_on is None or d.paid_on > nxt:
                failures.append(_("%(m)s 没有在 %(d)s 前发放") % {"m": month, "d": nxt.isoformat()})
    elif not missing:
        sums = {}
        for code, period in needed:
            sums[code] = sums.get(code, Decimal(0)) + latest[(code, period)].value
        if not evaluate(rule["expr"], sums):
            failures.append(
                _("按报送数据，%(e)s 不成立（%(v)s）")
                % {"e": rule["expr"], "v": "，".join(f"{k}={_plain(v)}" for k, v in sums.items())}
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


# -- access and uploads -----------------------------------------------------------------------------


def contract_for(user, pk: int) -> Contract:
    """Staff over its union, or a member of its union's subtree; anyone else: not found."""
    from unionhome.core.errors import NotFound
    from unionhome.core.scoping import scope
    from unionhome.members.selectors import member_of

    found = by_rule(Contract.objects, "a contract asked for by id, checked just below").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    if scope(Contract.objects, user).filter(pk=pk).exists():
        return found
    member = member_of(user)
    if member is not None and member.org.path.startswith(found.org.path):
        return found
    raise NotFound()


UPLOAD_HEADERS = {"period": ("期间", "月份", "季度", "period"), "item": ("数据项", "项目", "item"),
                  "value": ("数值", "金额", "数量", "value"), "paid_on": ("发放日期", "支付日期", "paid_on")}  # fmt: skip


def upload(*, contract: Contract, data: bytes, now=None) -> dict:
    """The enterprise's figures from a sheet (期间, 数据项 — its code or its name —, 数值, 发放日期);
    each bad row reported by its row number, the good ones delivered."""
    from unionhome.core.spreadsheets import read_table
    from unionhome.members import roster_cells as cells

    sheet = read_table(data, max_rows=2000)
    names = {cells.header_key(n): ours for ours, all_names in UPLOAD_HEADERS.items() for n in all_names}
    header = None
    for at, row in enumerate(sheet.rows[: cells.HEADER_ROWS]):
        columns = {names[cells.header_key(v)]: i for i, v in enumerate(row) if cells.header_key(v) in names}
        if {"period", "item", "value"} <= set(columns):
            header = (at, columns)
            break
    if header is None:
        return {
            "delivered": 0,
            "errors": [{"row": 1, "reason": _("找不到表头：需要“期间”“数据项”“数值”三列")}],
        }
    at, columns = header
    items = {
        i.code: i
        for i in by_rule(DataItem.objects, "the items of a contract in hand").filter(contract=contract)
    }
    by_name = {cells.text(i.name): i.code for i in items.values()}  # as cells read: full-width folded
    delivered, errors = 0, []
    for number, row in enumerate(sheet.rows[at + 1 :], start=at + 2):
        get = {k: (row[i] if i < len(row) else None) for k, i in columns.items()}
        if all(cells.text(v) == "" for v in get.values()):
            continue
        code = cells.text(get["item"])
        code = code if code in items else by_name.get(code, code)
        paid = cells.date(get.get("paid_on")) if get.get("paid_on") not in (None, "") else None
        try:
            delivered += deliver(
                contract=contract, period=cells.text(get["period"]), values={code: get["value"]},
                paid_on={code: paid} if paid else None, now=now,
            )  # fmt: skip
        except DomainError as refused:
            errors.append(
                {"row": number, "reason": refused.message + "：" + "；".join(refused.fields.values())}
            )
    return {"delivered": delivered, "errors": errors}
