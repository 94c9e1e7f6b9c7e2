from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_roster_import(import_id: int) -> None:
    from .roster import roster_import_run

    roster_import_run(import_id)


@db_periodic_task(crontab(hour="2", minute="5"))
def recompute_service_groups() -> int:
    """Groups move with the calendar (a new hire's first year ends, retirement nears): nightly."""
    from .groups import recompute_many
    from .models import Member, MemberStatus

    qs = Member.objects.filter(status__in=[MemberStatus.ROSTER, MemberStatus.ACTIVE]).order_by("pk")
    done = 0
    last = 0
    while batch := list(qs.filter(pk__gt=last)[:1000]):
        recompute_many(batch)
        done += len(batch)
        last = batch[-1].pk
    return done
