"""Bounds on every value a caller may type: record ids, page numbers, dates and money.

One absurd stored value breaks every list that shows it (an offer closing in 9999 overflows when
it is shown in Beijing time; a threshold of 1e40 does not fit the database's twelve digits), and
an id beyond a 64-bit key overflows the database driver. So each value is refused at the edge —
the API schema (`Id`, `Page`, `Day`, `Moment`, `Money` …) or the form field (`DayField`,
`MomentField`, `MoneyField` …) — with a reason next to its field, and the services that are also
called by the demo and imports check the same bounds (`day_error`, `money_error`).

Dates of events and business lie in 2000–2100; dates of a life (birth, hiring) may go back to
1900. Money is what `DecimalField(max_digits=12, decimal_places=2)` holds, and never negative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from pydantic import AfterValidator, Field

ID_MAX = 2**63 - 1  # the largest bigint key: anything larger cannot name a row
PAGE_MAX = 10_000
DAY_MIN = dt.date(2000, 1, 1)
LIFE_MIN = dt.date(1900, 1, 1)
DAY_MAX = dt.date(2100, 12, 31)
YEAR_MIN, YEAR_MAX = DAY_MIN.year, DAY_MAX.year
MONEY_DIGITS = 12
MONEY_PLACES = 2
MONEY_MAX = Decimal(10 ** (MONEY_DIGITS - MONEY_PLACES)) - Decimal("0.01")  # 9,999,999,999.99
AGE_MIN, AGE_MAX = 16, 100


# -- the checks ------------------------------------------------------------------------------


def day_error(value: dt.date | dt.datetime | None, *, earliest: dt.date = DAY_MIN) -> str | None:
    """Why a date (or the day of a time) is out of range, or None."""
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    if earliest <= day <= DAY_MAX:
        return None
    return gettext("日期应在 %(first)s 年到 %(last)s 年之间") % {"first": earliest.year, "last": DAY_MAX.year}


def order_error(start, end) -> str | None:
    """Why an end comes before its start, or None (either may be missing)."""
    if start is not None and end is not None and end < start:
        return gettext("结束时间不能早于开始时间")
    return None


def amount_error(value) -> str | None:
    """Why a number is not an amount of yuan the ledger can hold once rounded to fen (not a
    number, not finite, negative, or above MONEY_MAX), or None."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return gettext("应为数字")
    if not amount.is_finite():
        return gettext("应为数字")
    if amount < 0:
        return gettext("不能为负")
    if amount > MONEY_MAX:
        return gettext("不能超过 %(max)s") % {"max": MONEY_MAX}
    return None


def money_error(value) -> str | None:
    """`amount_error`, and at most two decimal places: an amount stored as typed."""
    if reason := amount_error(value):
        return reason
    if value is not None and Decimal(str(value).strip()).as_tuple().exponent < -MONEY_PLACES:
        return gettext("最多 %(n)s 位小数") % {"n": MONEY_PLACES}
    return None


def id_value(value) -> int | None:
    """A record id from text, or None if it is not one a row could have (1 … 2**63 - 1)."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


class IdConverter:
    """`<id:pk>` in a URL: the digits of a record id, and no number a row could not have (the
    built-in `<int:…>` passes any length on, and the database driver overflows)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = id_value(value)
        if number is None:
            raise ValueError(value)  # no match: the URL resolver answers 404
        return number

    def to_url(self, value) -> str:
        return str(value)


# -- API schema types ------------------------------------------------------------------------


def _day(value: dt.date) -> dt.date:
    if reason := day_error(value):
        raise ValueError(reason)
    return value


def _life_day(value: dt.date) -> dt.date:
    if reason := day_error(value, earliest=LIFE_MIN):
        raise ValueError(reason)
    return value


def _moment(value: dt.datetime) -> dt.datetime:
    if reason := day_error(value):
        raise ValueError(reason)
    return value


def month_value(value) -> dt.date | None:
    """The first day of a month written 2026-07, within the bounds; anything else None."""
    try:
        year, month = str(value).split("-")
        day = dt.date(int(year), int(month), 1) if len(year) == 4 and len(month) == 2 else None
    except (TypeError, ValueError):
        return None
    return None if day is None or day_error(day) else day


def _month(value: str) -> dt.date:
    day = month_value(value)
    if day is None:
        raise ValueError(
            gettext("月份应写成 2026-07 这样，在 %(first)s 年到 %(last)s 年之间")
            % {"first": YEAR_MIN, "last": YEAR_MAX}
        )
    return day


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Page = Annotated[int, Field(ge=1, le=PAGE_MAX)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
Age = Annotated[int, Field(ge=AGE_MIN, le=AGE_MAX)]
Day = Annotated[dt.date, AfterValidator(_day)]
LifeDay = Annotated[dt.date, AfterValidator(_life_day)]
Moment = Annotated[dt.datetime, AfterValidator(_moment)]
# A month as 2026-07 on the wire; its first day in the handler.
Month = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-07"]), AfterValidator(_month)]
Money = Annotated[Decimal, Field(ge=0, le=MONEY_MAX, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)]


# -- form fields -----------------------------------------------------------------------------


def _form_check(reason: str | None) -> None:
    if reason:
        raise ValidationError(reason, code="bounds")


def validate_day(value) -> None:
    _form_check(day_error(value))


def validate_life_day(value) -> None:
    _form_check(day_error(value, earliest=LIFE_MIN))


class DayField(forms.DateField):
    """A date of an event or of business: 2000–2100."""

    default_validators = [validate_day]


class LifeDayField(forms.DateField):
    """A date of a life (birth, hiring): 1900–2100."""

    default_validators = [validate_life_day]


class MomentField(forms.DateTimeField):
    """A time of an event: its day in 2000–2100."""

    default_validators = [validate_day]


class MoneyField(forms.DecimalField):
    """An amount in yuan: 0 … 9,999,999,999.99, two decimal places at most."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MONEY_MAX)
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        super().__init__(**kwargs)


def require_order(form: forms.Form, start: str, end: str) -> None:
    """In `form.clean()`: the end field may not come before the start field."""
    data = form.cleaned_data
    if reason := order_error(data.get(start), data.get(end)):
        form.add_error(end, reason)
