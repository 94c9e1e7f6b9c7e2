from __future__ import annotations

import datetime as dt

from django import forms

from .bounds import day_error, id_value
from .errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError, *, field_map: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form, each reason next to its field; the typed values stay."""
    field_map = field_map or {}
    placed = False
    for name, reason in exc.fields.items():
        target = field_map.get(name, name)
        if target in form.fields:
            form.add_error(target, reason)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def day_param(value) -> dt.date | None:
    """A day from a form or query string (2026-07-01); anything else, or a day outside the
    bounds every stored date keeps, is no day (None)."""
    try:
        day = dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return None if day is None or day_error(day) else day


def int_param(value) -> int:
    """A record id from a form or query string; anything that is not one — negative, not a number,
    or beyond what a row's key can be — finds nothing (0)."""
    return id_value(value) or 0


class DateInput(forms.DateInput):
    """A browser's date box reads and writes ISO dates only: given the page language's format
    ("2020/07/15") it shows empty, and saving the form unchanged would erase the date. Every date
    box in the project is this one."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The same for a date and a time (`datetime-local`: no seconds, a T between)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MonthInput(forms.DateInput):
    """A month box (2026-07): for a month, a calendar of days is one tap too many."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")
