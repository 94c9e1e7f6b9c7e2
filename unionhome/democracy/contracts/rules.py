"""Periods, numbers and formulas: the vocabulary a clause is written in."""

from __future__ import annotations

import ast
import calendar
import datetime as dt
import operator
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError

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


def plain(number: Decimal) -> str:
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


def checked_number(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > Decimal("1e12"):
        raise DomainError("invalid", _("数值不对"), fields={field: _("应为数字")})
    return number
