"""Figures the platform computes from its own records, by name, for an app that needs one without
knowing where they are kept (a collective contract's overtime hours come from the attendance
feed). Each app registers its figures from its AppConfig.ready (`source(name, label, path)`); a
source is a function of (org, first day, last day) that returns a Decimal for the org's subtree
over those days, or None when it has no records for them. The kernel imports no app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.module_loading import import_string

SOURCES: dict[str, tuple[str, str]] = {}


def source(name: str, label, path: str) -> None:
    """Offer the figure made by the function at dotted `path` as `name`, shown as `label`."""
    SOURCES[name] = (label, path)


def choices() -> list[tuple[str, str]]:
    return [(name, label) for name, (label, _path) in sorted(SOURCES.items())]


def figure(name: str, org, first: dt.date, last: dt.date) -> Decimal | None:
    """The named figure for `org` from `first` to `last` (both included); None when unknown or
    when there are no records."""
    if name not in SOURCES:
        return None
    return import_string(SOURCES[name][1])(org, first, last)
