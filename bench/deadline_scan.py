"""The deadline scan over 100k open appeals (target: under 5 s on PostgreSQL).

Inserts 100k routed appeals for the demo union — 5% due on the next working day, 5% already past
due, the rest later — runs the scan (reminders, overdue marking, escalation digests and timeline
entries), runs it again (nothing left to do: the idempotent pass), then removes them."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

from bench import results as results_file

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_OPEN_APPEALS", "100000"))


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from unionhome.appeals.deadlines import scan_deadlines
    from unionhome.appeals.models import Appeal, Status
    from unionhome.core.models import AuditLog, Notification, Org, Role, RoleAssignment
    from unionhome.core.workdays import WorkdayCalendar
    from unionhome.members.demo import ENTERPRISE

    enterprise = Org.objects.get(name=ENTERPRISE)
    owners = list(
        RoleAssignment.objects.filter(org=enterprise, role__in=[Role.STAFF, Role.CHAIR]).values_list(
            "user_id", flat=True
        )
    )
    today = timezone.localdate()
    tomorrow = WorkdayCalendar().workdays_after(today, 1)
    now = timezone.now()
    rows = []
    for i in range(N):
        kind = i % 20
        due = (
            tomorrow
            if kind == 0
            else today - dt.timedelta(days=3)
            if kind == 1
            else today + dt.timedelta(days=30)
        )
        rows.append(
            Appeal(
                number=f"BENCH{i:08d}",
                org=enterprise,
                text="宿舍热水器坏了",
                received_at=now,
                status=Status.ROUTED,
                route="coordination",
                due_on=due,
                owner_id=owners[i % len(owners)],
            )
        )
    started = time.perf_counter()
    Appeal.objects.bulk_create(rows, batch_size=5000)
    insert_s = time.perf_counter() - started
    audit_before = AuditLog.objects.count()
    notes_before = Notification.objects.count()
    started = time.perf_counter()
    first = scan_deadlines(today)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = scan_deadlines(today)
    second_s = time.perf_counter() - started
    result = {
        "database": connection.vendor,
        "open_appeals": N,
        "first_scan_s": round(first_s, 2),
        "first_scan": first,
        "second_scan_s": round(second_s, 2),
        "second_scan": second,
        "timeline_entries": AuditLog.objects.count() - audit_before,
        "notifications": Notification.objects.count() - notes_before,
        "insert_s": round(insert_s, 1),
    }
    # Plain DELETEs with a subquery, as bench/cleanup.py does: 100,000 ids bound as parameters
    # pass PostgreSQL's limit of 65,535 per statement once server-side binding is on.
    appeals, audit = Appeal._meta.db_table, AuditLog._meta.db_table
    bench_ids = f"SELECT CAST(id AS VARCHAR(20)) FROM {appeals} WHERE number LIKE 'BENCH%%'"  # noqa: S608 — the models' tables
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {audit} WHERE object_type = 'appeals.appeal' AND object_id IN ({bench_ids})",
            [],  # noqa: S608
        )
        cursor.execute(f"DELETE FROM {appeals} WHERE number LIKE 'BENCH%%'", [])  # noqa: S608
    print(f"\ndeadline scan over {N} open appeals on {connection.vendor} (target < 5 s on PostgreSQL)")
    print(
        f"first scan {result['first_scan_s']} s {first}; second scan {result['second_scan_s']} s {second}; "
        f"{result['notifications']} digest notifications, {result['timeline_entries']} timeline entries"
    )
    results_file.save(f"deadline-scan-{connection.vendor}", result)
    return result


if __name__ == "__main__":
    main()
