"""Background work: a campaign's entitlements, the daily deadline reminders of the hardship ledger."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import campaigns, hardship


@db_task()
def create_entitlements(campaign_id: int) -> int:
    return campaigns.entitlements_create(campaign_id)


@db_periodic_task(crontab(hour="8", minute="0"))
def remind_hardship_owners() -> int:
    return hardship.remind_due_cases()
