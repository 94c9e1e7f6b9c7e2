"""The enterprise's figures: delivered through the API or a sheet; a correction is a new delivery."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError
from unionhome.core.scoping import by_rule

from ..models import Contract, DataItem, Delivery
from .rules import MONTH, checked_number, valid_period


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
                value=checked_number(value, f"values.{code}"),
                paid_on=day,
                delivered_at=now,
            )
        )
    Delivery.objects.bulk_create(rows)
    return len(rows)


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
