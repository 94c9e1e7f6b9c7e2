"""Background work of the news and notices: the fan-out of a notice."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import services


@db_task(retries=2, retry_delay=10)
def fan_out_notice(notice_id: int) -> int:
    return services.notice_fan_out(notice_id)
