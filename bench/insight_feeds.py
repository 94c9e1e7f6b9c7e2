"""Attendance in and care flags out (issue #23): a union of 100,000 members (BENCH_CARE_MEMBERS).

1. Ingest: days of attendance for the members, 10,000 events a request, through the webhook as
   an enterprise's system sends them (signed JSON, Django's whole stack in-process): rows a
   second (target ≥ 5,000).
2. Care flags: a whole month of attendance for every member (31 days each, about one in twenty
   over the overtime limit, some without rest, some on nights), then `care.flags` for the union
   and the month: seconds (target ≤ 30)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = int(os.environ.get("BENCH_CARE_MEMBERS", "100000"))
BATCH = 10_000
INGEST_DAYS = int(os.environ.get("BENCH_INGEST_DAYS", "2"))
MONTH = dt.date(2026, 10, 1)


def setup_members(org):
    from unionhome.core.rows import after_bulk_load
    from unionhome.members.models import Member, MemberStatus

    rows = [
        Member(org=org, name=f"压测{i}", employee_no=f"CF{i:06d}", status=MemberStatus.ROSTER)
        for i in range(MEMBERS)
    ]
    Member.objects.bulk_create(rows, batch_size=5000)
    after_bulk_load(len(rows), Member)  # as the roster import does
    return list(Member.objects.filter(org=org).order_by("pk").values_list("pk", "employee_no"))


def _events(members, days: range, tag: str) -> list[dict]:
    return [
        {
            "id": f"{tag}{day}-{no}",
            "type": "attendance",
            "employee_no": no,
            "date": (MONTH - dt.timedelta(days=day + 1)).isoformat(),
            "hours": 9,
            "overtime_hours": 1,
            "shift": "白班",
            "night": False,
        }
        for day in days
        for _pk, no in members
    ]


def _post(key: str, secret: str, events: list[dict]) -> int:
    """Send `events` in requests of BATCH through Django's whole stack, as one sender does."""
    from django.db import connection
    from django.test import Client

    from unionhome.integrations import services

    client = Client()
    accepted = 0
    for at in range(0, len(events), BATCH):
        body = json.dumps({"events": events[at : at + BATCH]}, ensure_ascii=False).encode()
        answer = client.post(
            f"/api/v1/integrations/{key}/events",
            body,
            content_type="application/json",
            HTTP_X_UNIONHOME_SIGNATURE=services.sign(secret, body),
            secure=True,
        )
        assert answer.status_code == 200, answer.content[:300]
        accepted += answer.json()["accepted"]
    connection.close()
    return accepted


def _integration(org, name: str):
    from unionhome.integrations.models import Integration

    secret = secrets.token_hex(32)
    integration = Integration.objects.create(org=org, name=name, key=secrets.token_hex(16), secret=secret)
    return integration.key, secret


def ingest(org, members) -> dict:
    """One sender (an enterprise's system posting its batches one after another), then two at
    once (two enterprises' systems, each served by its own web worker process)."""
    import multiprocessing

    from django.db import connection

    key, secret = _integration(org, "压测考勤")
    _post(key, secret, _events(members[:100], range(40, 41), "w"))  # a first request warms the stack
    events = _events(members, range(INGEST_DAYS), "a")
    started = time.perf_counter()
    accepted = _post(key, secret, events)
    one = time.perf_counter() - started
    half = len(members) // 2
    jobs = [
        (*_integration(org, "压测考勤甲"), _events(members[:half], range(INGEST_DAYS, 2 * INGEST_DAYS), "b")),
        (*_integration(org, "压测考勤乙"), _events(members[half:], range(INGEST_DAYS, 2 * INGEST_DAYS), "c")),
    ]
    connection.close()  # each process opens its own
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        accepted_two = sum(pool.starmap(_post, jobs))
    two = time.perf_counter() - started
    sent_two = sum(len(j[2]) for j in jobs)
    return {
        "events": len(events), "accepted": accepted, "seconds": round(one, 1),
        "rows_per_s": round(len(events) / one),
        "two_senders_events": sent_two, "two_senders_accepted": accepted_two,
        "two_senders_rows_per_s": round(sent_two / two),
    }  # fmt: skip


def fill_month(org, members) -> int:
    """31 days for everyone: most work five days and rest two with a little overtime; one in
    twenty works 2 h over every weekday (over 36 h), one in fifty works every day, one in fifty
    nights."""
    from unionhome.integrations.models import Attendance

    rng = random.Random(7)
    days = [MONTH + dt.timedelta(days=i) for i in range(31)]
    rows, total = [], 0
    for pk, _no in members:
        profile = rng.random()
        for day in days:
            weekend = day.weekday() >= 5
            if profile < 0.02:  # never rests
                hours, overtime, night = Decimal(9), Decimal(1), False
            elif weekend:
                continue
            elif profile < 0.07:
                hours, overtime, night = Decimal(10), Decimal(2), False
            elif profile < 0.09:
                hours, overtime, night = Decimal(8), Decimal(0), True
            else:
                hours, overtime, night = (
                    Decimal(8),
                    Decimal("0.5") if rng.random() < 0.2 else Decimal(0),
                    False,
                )
            rows.append(
                Attendance(
                    org_id=org.pk, member_id=pk, date=day, hours=hours, overtime_hours=overtime, night=night
                )
            )
        if len(rows) >= 50_000:
            Attendance.objects.bulk_create(rows, batch_size=10_000)
            total += len(rows)
            rows = []
    Attendance.objects.bulk_create(rows, batch_size=10_000)
    return total + len(rows)


def cleanup(org) -> None:
    from django.db import connection

    from bench.cleanup import drop_bench_union

    with connection.cursor() as cursor:
        for table in ("integrations_event", "integrations_attendance", "insights_careflag"):
            cursor.execute(f"DELETE FROM {table} WHERE org_id = %s", [org.pk])  # noqa: S608 — fixed names
        cursor.execute("DELETE FROM integrations_integration WHERE org_id = %s", [org.pk])
    drop_bench_union(org, "bench-care-")


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from django.db import connection

    from bench import results as results_file
    from unionhome.core.guard import system
    from unionhome.core.models import Org
    from unionhome.insights import care

    with system():
        org = Org.objects.create(name="压测工会（工时关怀）")
        try:
            members = setup_members(org)
            fed = ingest(org, members)
            rows = fill_month(org, members)
            started = time.perf_counter()
            found = care.flags(org, MONTH)
            seconds = time.perf_counter() - started
        finally:
            cleanup(org)
    kinds: dict[str, int] = {}
    for flag in found:
        kinds[flag.kind] = kinds.get(flag.kind, 0) + 1
    out = {
        "database": connection.vendor,
        "members": MEMBERS,
        "ingest": fed,
        "month_rows": rows,
        "care_flags_seconds": round(seconds, 1),
        "flags": kinds,
    }
    print(f"\ninsight feeds — {connection.vendor}, {MEMBERS} members")
    print("| figure | value | target |")
    print("|---|---:|---|")
    rows_line = (
        "| attendance ingest through the webhook, {} ({} rows in {}-event requests), rows/s | {} | ≥ 5,000 |"
    )
    print(rows_line.format("one sender", fed["events"], BATCH, fed["rows_per_s"]))
    print(
        rows_line.format(
            "two senders at once", fed["two_senders_events"], BATCH, fed["two_senders_rows_per_s"]
        )
    )
    print(
        f"| care flags for the union × 31 days ({rows} attendance rows), s | {out['care_flags_seconds']} | ≤ 30 |"
    )
    print(f"| flags found | {kinds} | |")
    results_file.save("insight-feeds", out)
    return out


if __name__ == "__main__":
    main()
