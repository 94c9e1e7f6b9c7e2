"""The contract's terms: data items and clauses checked as they are written, the standard clauses the staff page offers, and who may read a contract."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import sources
from unionhome.core.errors import DomainError, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import by_rule

from ..models import Clause, ClauseKind, Contract, DataItem
from .rules import CODE, checked_number, formula_names, plain

# -- the contract -----------------------------------------------------------------------------------


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
        checked_number(rule.get("max" if kind == ClauseKind.MAXIMUM else "min"), field)
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
        lambda n: {"expr": f"overtime_pay >= overtime_hours * base_hourly_wage * {plain(n / 100)}"}, 150,
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
        number = Decimal(0) if key in YES_NO else checked_number(value, key)
        clauses.append(
            {
                "text": standard.text.format(n=plain(number)),
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
