"""Background work: lotteries are drawn as soon as their entry window has closed."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import offers


@db_periodic_task(crontab(minute="*"))
def draw_due_lotteries() -> int:
    return offers.draw_due_lotteries()
