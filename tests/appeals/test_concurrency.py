"""Two deadline scans at the same moment (two machines) remind and escalate each appeal once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from unionhome.appeals import services
from unionhome.appeals.deadlines import scan_deadlines
from unionhome.appeals.models import Appeal, Route
from unionhome.core.models import AuditLog, Notification

from .conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_scans_at_once(personas, chair):
    for day in (dt.date(2025, 11, 3), dt.date(2025, 11, 4), dt.date(2025, 10, 20)):
        for _ in range(5):
            appeal = services.appeal_submit(
                actor=personas.staff,
                text="食堂饭菜太差了，价格还涨了。",
                channel="visit",
                received_at=at(day),
                on_behalf_of="member",
            )
            services.appeal_route(appeal, actor=personas.staff, route=Route.COORDINATION)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def scan():
        try:
            barrier.wait()
            results.append(scan_deadlines(dt.date(2025, 11, 7)))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # Due Mon 11-10 (received 11-03) → reminded; received 10-20 → due 10-27 → overdue.
    assert sum(r["reminded"] for r in results) == 5
    assert sum(r["overdue"] for r in results) == 5
    assert Appeal.objects.filter(overdue=True).count() == 5
    assert AuditLog.objects.filter(action="appeals.appeal.overdue").count() == 5
    assert Notification.objects.filter(user=chair, title__contains="超期").count() == 1
