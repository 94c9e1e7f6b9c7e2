"""Background work of the appeal loop."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def link_recurring_later(appeal_id: int) -> int | None:
    """A new appeal joins the recurring group of a similar earlier one (A9), if any."""
    from .models import Appeal
    from .services import link_recurring

    appeal = Appeal.objects.filter(pk=appeal_id).first()
    other = link_recurring(appeal) if appeal is not None else None
    return other.pk if other is not None else None


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
