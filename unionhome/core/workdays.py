"""The working-day calendar behind every deadline.

Official holidays and adjusted working days (调休) come from `chinesecalendar`; an admin's
`WorkdayOverride` rows win over it, and are the only source for a year the package does not
know yet. For such a year without overrides we fall back to Monday–Friday and say so loudly
(`years_missing_data`) so that an admin enters the State Council's notice."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.utils import timezone

from .models import WorkdayOverride


def official_years() -> set[int]:
    return {d.year for d in chinese_calendar.holidays}


def _official_is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


class WorkdayCalendar:
    """Loads the overrides once, then answers many questions without further queries."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        if overrides is None:
            overrides = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
        self.overrides = overrides

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _official_is_workday(day)

    def workdays_after(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (n = 0: `start` itself, the same-day route)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        remaining = n
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def is_workday(day: dt.date) -> bool:
    return WorkdayCalendar().is_workday(day)


def workdays_after(start: dt.date, n: int) -> dt.date:
    return WorkdayCalendar().workdays_after(start, n)


def years_missing_data(years: list[int] | None = None) -> list[int]:
    """Years (this one and the next by default) with neither official data nor any override."""
    if years is None:
        this_year = timezone.localdate().year
        years = [this_year, this_year + 1]
    known = official_years()
    overridden = {
        d.year for d in WorkdayOverride.objects.filter(date__year__in=years).values_list("date", flat=True)
    }
    return [y for y in years if y not in known and y not in overridden]
