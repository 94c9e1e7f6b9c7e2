"""Background work of the appeal loop."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5"))
def appeal_deadlines() -> dict:
    """Hourly: reminders a working day before, overdue marking and escalation after."""
    from .deadlines import scan_deadlines

    return scan_deadlines()


@db_periodic_task(crontab(day_of_week="1", hour="6", minute="30"))
def weekly_risk_review() -> int:
    """Monday morning: the weekly risk review list (周研判)."""
    from .review import risk_review

    return len(risk_review())
