"""Background work of the appeal loop."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def after_intake(appeal_id: int) -> int | None:
    """What follows a new appeal's commit: the member's receipt in their inbox, and joining the
    recurring group of a similar earlier appeal (A9), if any (that group's id)."""
    from .models import Appeal
    from .recurring import link_recurring
    from .services import tell_received

    appeal = Appeal.objects.select_related("member__user").filter(pk=appeal_id).first()
    if appeal is None:
        return None
    tell_received(appeal)
    other = link_recurring(appeal)
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
