"""The same events from a spreadsheet, for an enterprise without IT: its HR or attendance clerk
exports .xlsx, .xls or .csv, and union staff upload it to the integration (I1).

Each row is one event. The header is found under a title row or two, by the names clerks write
(HEADERS, with the roster's names for 工号, 姓名, 手机号, 工作地点, 岗位, 班次). A sheet with no
类型 column is an attendance export: every row is a day's attendance. A row without an 事件编号
gets one from its content, so the same file uploaded twice applies nothing twice, while a
corrected row (another number of hours) is a new event that replaces the day. Rows are numbered
as in the sheet; each bad row is reported and the good ones kept (`services.events_apply`)."""

from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError
from unionhome.core.spreadsheets import read_table
from unionhome.members import roster_cells as cells

from .models import EventType, Integration
from .services import MAX_EVENTS, Result, events_apply

HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("事件编号", "编号", "记录编号", "流水号", "id"),
    "type": ("类型", "事件类型", "变动类型", "type"),
    "employee_no": (*cells.HEADERS["工号"], "employee_no"),
    "date": ("日期", "考勤日期", "出勤日期", "发生日期", "变动日期", "生效日期", "培训日期", "date"),
    "name": (*cells.HEADERS["姓名"], "name"),
    "phone": (*cells.HEADERS["手机号"], "phone"),
    "site": (*cells.HEADERS["工作地点"], "site"),
    "post": (*cells.HEADERS["岗位"], "post"),
    "shift": (*cells.HEADERS["班次"], "shift"),
    "hours": ("工时", "出勤工时", "工作时长", "出勤时长", "工作小时", "培训学时", "学时", "hours"),
    "overtime_hours": ("加班工时", "加班时长", "加班小时", "加班", "overtime_hours"),
    "night": ("夜班", "是否夜班", "夜班标记", "night"),
    "course": ("课程", "培训课程", "课程名称", "培训项目", "course"),
    "scheme": ("工时制度", "工时制", "scheme"),
}
_NAMES = {cells.header_key(n): ours for ours, names in HEADERS.items() for n in names}
TYPES = {
    **{t: t for t in EventType.values},
    **{str(label): code for code, label in EventType.choices},
    "入职登记": "hire", "新入职": "hire", "离职登记": "leave", "辞职": "leave", "调岗": "change",
    "调班": "change", "转岗": "change", "出勤": "attendance", "打卡": "attendance", "培训": "training",
}  # fmt: skip
YES = {"是", "y", "yes", "true", "1", "夜", "夜班", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "", "白", "白班", "×"}
NUMBER = ("hours", "overtime_hours")


def _header(rows) -> tuple[int, dict[str, int]] | None:
    best = None
    for at, row in enumerate(rows[: cells.HEADER_ROWS]):
        columns: dict[str, int] = {}
        for i, value in enumerate(row):
            ours = _NAMES.get(cells.header_key(value))
            if ours and ours not in columns:
                columns[ours] = i
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (at, columns)
    return best


def _value(name: str, raw):
    if name == "date":
        day = cells.date(raw)
        return day.isoformat() if day else cells.text(raw)  # an unreadable date is reported later
    if name == "night":
        word = cells.text(raw).lower()
        return True if word in YES else False if word in NO else word
    if name in NUMBER and isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw
    if name == "employee_no":
        return cells.code(raw)
    if name == "name":
        return cells.name(raw)
    if name == "phone":
        return cells.phone(raw)
    if name in ("post", "shift"):
        return cells.choice({"post": "岗位", "shift": "班次"}[name], raw)
    return cells.text(raw)


def events_of(rows: list[tuple]) -> tuple[list[tuple[int, dict]], list[dict]]:
    """(row number as in the sheet, event) for each filled row, and the rows refused before any
    event could be made of them."""
    found = _header(rows)
    if found is None or "employee_no" not in found[1] or "date" not in found[1]:
        return [], [{"row": 1, "id": "", "reason": _("找不到表头：至少需要“工号”和“日期”两列")}]
    at, columns = found
    events, errors = [], []
    for index, row in enumerate(rows[at + 1 :], start=at + 2):
        values = {n: row[i] for n, i in columns.items() if i < len(row) and cells.text(row[i]) != ""}
        if not values:
            continue
        event = {n: _value(n, raw) for n, raw in values.items()}
        kind = TYPES.get(str(event.get("type", "attendance")).strip())
        if kind is None:
            errors.append(
                {
                    "row": index,
                    "id": event.get("id", ""),
                    "reason": _("类型“%(t)s”无法识别") % {"t": event["type"]},
                }
            )
            continue
        event["type"] = kind
        if "id" not in event:
            content = json.dumps(event, ensure_ascii=False, sort_keys=True, default=str)
            event["id"] = "sheet-" + hashlib.sha256(content.encode()).hexdigest()[:32]
        events.append((index, event))
    return events, errors


def upload_apply(*, integration: Integration, data: bytes) -> tuple[Result, list[dict]]:
    """Read the file and apply its rows; errors carry the sheet's row numbers."""
    sheet = read_table(data, max_rows=MAX_EVENTS + cells.HEADER_ROWS + 1)
    if sheet.more:
        raise DomainError(
            "too_many",
            _("一次最多 %(n)d 行：请分成几个文件上传") % {"n": MAX_EVENTS},
            fields={"file": str(MAX_EVENTS)},
        )
    rows, refused = events_of(sheet.rows)
    result = events_apply(integration, [event for _row, event in rows])
    row_of: dict[str, int] = {}
    for row, event in rows:
        row_of.setdefault(str(event["id"]), row)
    errors = refused + [{"row": row_of.get(e["id"], 0), **e} for e in result.errors]
    return result, sorted(errors, key=lambda e: e["row"])
