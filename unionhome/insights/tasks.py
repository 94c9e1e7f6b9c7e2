"""Insight's background work."""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="4", minute="10"))
def raise_care_flags() -> int:
    """Daily, after the night's attendance has come in: the flags of this month, and of the
    month yesterday belonged to (on the 1st, the last day of the month before completes it)."""
    from django.utils import timezone

    from .care import care_flags_raise

    today = timezone.localdate()
    months = {today.replace(day=1), (today - dt.timedelta(days=1)).replace(day=1)}
    return sum(care_flags_raise(month=month, today=today) for month in sorted(months))


@db_periodic_task(crontab(day="1", hour="5", minute="20"))
def build_monthly_reviews() -> int:
    """On the 1st: each union's review of the month before, ready for the chair to sign."""
    from .review import reviews_build_all

    return reviews_build_all()
