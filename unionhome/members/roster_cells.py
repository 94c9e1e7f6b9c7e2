"""Reading a roster as unions really make it: the header found under a title row or two, the
column names staff actually write, and each cell as Excel or WPS stored it.

Nothing here touches the database: `roster.import_roster` takes the header and the cleaned
values from here and does the checking and the writing."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

# Our column → the names staff give it (after `header_key`: no spaces, no "*", no "（必填）").
HEADERS: dict[str, tuple[str, ...]] = {
    "姓名": ("姓名", "职工姓名", "员工姓名", "人员姓名", "名字", "会员姓名"),
    "工号": ("工号", "员工编号", "职工编号", "员工工号", "职工工号", "人员编号", "员工号"),
    "手机号": ("手机号", "手机号码", "手机", "联系电话", "联系方式", "电话", "电话号码", "移动电话"),
    "工作地点": ("工作地点", "工作地址", "所在项目", "项目", "项目名称", "服务项目", "驻点", "工作场所"),
    "身份证号": ("身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码", "身份证件号码"),
    "岗位": ("岗位", "岗位名称", "工种", "职务", "职位"),
    "用工形式": ("用工形式", "用工类型", "用工方式", "人员类型", "员工类型"),
    "班次": ("班次", "班别", "上班班次", "排班类型"),
    "入职日期": (
        "入职日期",
        "入职时间",
        "到岗日期",
        "到岗时间",
        "入司日期",
        "入厂日期",
        "进厂日期",
        "入职年月",
    ),
    "离职日期": ("离职日期", "离职时间", "离司日期", "离厂日期", "最后工作日"),
}
# Columns a union may say hold the work site, when its sheet has no 工作地点 of its own
# (the upload form and the API's `site_column`).
SITE_COLUMNS = ("部门", "所属部门", "工作单位", "所在单位", "单位", "班组")
HEADER_ROWS = 10  # the header is looked for among the first rows


def header_key(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[(（]\s*(必填|选填|可选|必须)\s*[)）]", "", text)
    return re.sub(r"[\s*:：]", "", text)


# name → (our column, rank): our own name ranks 0, then the names in the order listed.
_SYNONYM = {name: (ours, rank) for ours, names in HEADERS.items() for rank, name in enumerate(names)}


class Header:
    """Where the header is, which of the sheet's columns holds each of ours, and which of ours
    were found only under another name (`loose`: 职务 for 岗位, …)."""

    def __init__(self, at: int, columns: dict[str, int], loose: set[str]):
        self.at, self.columns, self.loose = at, columns, loose


def find_header(rows, *, site_column: str | None = None) -> Header | None:
    """The row among the first HEADER_ROWS that names the most of our columns (at least two).
    When two of a sheet's columns could be one of ours (手机号码 and 电话), the better name wins
    (our own name first, then in HEADERS' order), wherever it stands in the row."""
    best: Header | None = None
    for at, row in enumerate(rows[:HEADER_ROWS]):
        found: dict[str, tuple[int, int]] = {}  # ours → (rank, index)
        for i, value in enumerate(row):
            key = header_key(value)
            if site_column and key == header_key(site_column):
                found["工作地点"] = (-1, i)  # chosen by the union: it wins over the sheet's 工作地点
                continue
            if key in _SYNONYM:
                ours, rank = _SYNONYM[key]
                if ours not in found or rank < found[ours][0]:
                    found[ours] = (rank, i)
        if len(found) >= 2 and (best is None or len(found) > len(best.columns)):
            columns = {ours: i for ours, (_rank, i) in found.items()}
            best = Header(at, columns, {ours for ours, (rank, _i) in found.items() if rank > 0})
    return best


def text(value) -> str:
    """A cell as text: full-width letters and digits made half-width, spaces at either end gone,
    runs of spaces inside made one; whole numbers without ".0"; dates as 2024-03-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value))).strip()


_HAN = re.compile(r"[\u3400-\u9fff·•．.]+")


def name(value) -> str:
    """A Chinese name typed with spaces to line it up (张　三, 王 小 明) loses them; a name in
    Latin letters keeps one space between its words."""
    cleaned = text(value)
    joined = cleaned.replace(" ", "")
    return joined if _HAN.fullmatch(joined) else cleaned


def code(value) -> str:
    """An employee number: no spaces at all."""
    return text(value).replace(" ", "")


def phone(value) -> str:
    """A phone as typed: full-width digits, spaces, dashes, brackets and +86 (or 86) in front."""
    digits = re.sub(r"[\s\-()（）]", "", text(value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def number_id_reason() -> str:
    return _(
        "身份证号被存成了数字，后几位已经丢失（Excel 只保留 15 位有效数字）。请在 Excel 中把这一列设为“文本”格式，"
        "重新填入完整的身份证号后再导入"
    )


def id_number(value) -> tuple[str, str | None]:
    """(the ID number, None) or ("", the reason it cannot be one). A number cell, or the
    scientific notation a number column becomes in a .csv, has lost its last digits: no check
    can bring them back, so the row is refused with what to do in Excel."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "", number_id_reason()
    cleaned = text(value).replace(" ", "").upper()
    if _SCIENTIFIC.match(cleaned):
        return "", number_id_reason()
    return cleaned, None


# Serial 61 is 1900-03-01 counted from here: Excel counts a 1900-02-29 that never was, so the
# serials before it are a day off, and none of them is a hire date.
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_MIN = 10000  # 1927-05-18: a smaller number is a year or a typo, not a date
_YMD = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?(\s.*)?$")
_YM = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")  # a bare year is not a date


def date(value) -> dt.date | None:
    """A date as a sheet holds it: a date cell; an Excel serial number (45123, as a number, or
    as text in a .csv); "2023-07-15", "2023年7月15日", "2022/1/9", "2025.06.01", "20250601",
    with or without a time after it; "2023年7月" or "2023.07" for the first of that month. None
    when it is none of these (or no real day, such as 2023-02-30); the caller checks the range."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000_000 <= value <= 99_999_999 and float(value).is_integer():  # 20230715 in a number cell
            return date(str(int(value)))
        return _serial(value)
    cleaned = text(value)
    if _SERIAL.match(cleaned):
        return _serial(float(cleaned))
    for pattern in (_YMD, _COMPACT, _YM):
        if m := pattern.match(cleaned):
            try:
                day = int(m[3]) if pattern is not _YM else 1
                return dt.date(int(m[1]), int(m[2]), day)
            except ValueError:
                return None
    return None


def _serial(number: float) -> dt.date | None:
    if not SERIAL_MIN <= number < 2958466:  # … up to 9999-12-31, Excel's last day
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


# What staff write for our choices, besides the choice itself.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "岗位": {
        "保安员": "保安", "门卫": "保安", "门岗": "保安", "秩序维护员": "保安", "安保": "保安",
        "保洁员": "保洁", "清洁工": "保洁", "清洁员": "保洁", "环卫工": "保洁",
        "维修工": "维修", "维修员": "维修", "电工": "维修", "水电工": "维修", "工程维修": "维修",
        "绿化工": "绿化", "绿化员": "绿化", "园林工": "绿化",
        "客服专员": "客服", "前台": "客服", "管家": "客服",
        "管理人员": "管理", "主管": "管理", "经理": "管理",
    },
    "用工形式": {
        "正式工": "正式", "正式员工": "正式", "合同制": "正式", "劳动合同": "正式",
        "劳务派遣": "派遣", "派遣工": "派遣", "外包工": "外包", "劳务外包": "外包",
        "季节工": "季节性", "季节用工": "季节性", "平台用工": "平台", "网约": "平台",
    },
    "班次": {
        "白班": "常白班", "长白班": "常白班", "常日班": "常白班",
        "轮班": "倒班", "两班倒": "倒班", "三班倒": "倒班", "四班三倒": "倒班",
        "大夜班": "夜班", "夜班岗": "夜班",
    },
}  # fmt: skip


def choice(column: str, value) -> str:
    cleaned = text(value).replace(" ", "")
    return CHOICE_ALIASES.get(column, {}).get(cleaned, cleaned)
