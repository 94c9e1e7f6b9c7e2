"""Resident ID numbers (GB 11643-1999) and mobile phone numbers."""

from __future__ import annotations

import datetime as dt
import re

from unionhome.core.phones import PHONE_RE, normalise_phone, phone_error  # noqa: F401 — used by callers of idcard

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise_id(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def id_error(value: str) -> str | None:
    """None when `value` is a well-formed ID number, else the reason (in Chinese, translated)."""
    from django.utils.translation import gettext as _

    value = normalise_id(value)
    if not ID_RE.match(value):
        return _("身份证号应为18位，最后一位可以是X")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("身份证号中的出生日期无效")
    if birth > dt.date.today() or birth.year < 1900:
        return _("身份证号中的出生日期无效")
    if check_digit(value[:17]) != value[17]:
        return _("身份证号校验位不正确")
    return None


def birth_date(value: str) -> dt.date:
    value = normalise_id(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value: str) -> str:
    """The 17th digit: odd for men, even for women."""
    return "M" if int(normalise_id(value)[16]) % 2 else "F"


def make_id(region: str, birth: dt.date, seq: int, sex: str) -> str:
    """A well-formed (fictional) ID number, for demo data and tests."""
    seq = seq % 100 * 10 + (1 if sex == "M" else 0) + (seq // 100 % 5) * 2
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + check_digit(body)
