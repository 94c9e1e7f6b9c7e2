"""Figures from the attendance feed, offered to other apps through core.sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum

from unionhome.core.models import Org
from unionhome.core.scoping import within

from .models import Attendance


def _total(field: str, org: Org, first: dt.date, last: dt.date) -> Decimal | None:
    found = (
        within(Attendance.objects, org)
        .filter(date__gte=first, date__lte=last)
        .aggregate(total=Sum(field), days=Count("pk"))
    )
    return Decimal(found["total"] or 0) if found["days"] else None


def overtime_hours(org: Org, first: dt.date, last: dt.date) -> Decimal | None:
    """Overtime hours the attendance system reported for the org's subtree over the days."""
    return _total("overtime_hours", org, first, last)


def worked_hours(org: Org, first: dt.date, last: dt.date) -> Decimal | None:
    return _total("hours", org, first, last)
