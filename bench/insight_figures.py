"""The seed's figures at a district's scale (issue #23): on PostgreSQL, a district of 20 unions
with 100,000 members (BENCH_FIG_MEMBERS) and 1,000,000 appeals over three years
(BENCH_FIG_APPEALS), then `figures()` for the district and for one union for a quarter, 20 times
each: p50 and p95 (target p95 ≤ 300 ms for the district).

The rows are written by the ORM's bulk inserts in chunks (a few minutes on two cores), once:
a second run finds the district and measures again. BENCH_FIG_DROP=1 removes it."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = int(os.environ.get("BENCH_FIG_MEMBERS", "100000"))
APPEALS = int(os.environ.get("BENCH_FIG_APPEALS", "1000000"))
UNIONS = 20
NAME = "压测区总工会（工作成效）"
RUNS = 20


def build():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from unionhome.appeals.models import Appeal
    from unionhome.core.models import Org, OrgKind
    from unionhome.members.models import Member, MemberStatus

    rng = random.Random(5)
    district = Org.objects.create(name=NAME, kind=OrgKind.HIGHER)
    unions = [Org.objects.create(name=f"压测工会{i:02d}", parent=district) for i in range(UNIONS)]
    today = timezone.localdate()
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"bench-fig-{i}", password="!") for i in range(MEMBERS)], batch_size=5000
    )
    users = list(
        User.objects.filter(username__startswith="bench-fig-").order_by("pk").values_list("pk", flat=True)
    )
    rows = []
    for i, user_id in enumerate(users):
        hired = today - dt.timedelta(days=rng.randint(30, 4000))
        left = today - dt.timedelta(days=rng.randint(0, 1000)) if rng.random() < 0.1 else None
        rows.append(
            Member(
                org=unions[i % UNIONS], name=f"压测{i}", employee_no=f"BF{i:06d}", status=MemberStatus.ACTIVE,
                user_id=user_id if rng.random() < 0.9 else None, hired_on=hired, joined_on=hired,
                left_on=left if left and left > hired else None,
            )
        )  # fmt: skip
        if len(rows) == 5000:
            Member.objects.bulk_create(rows)
            rows = []
    Member.objects.bulk_create(rows)
    member_ids = list(Member.objects.filter(org__parent=district).values_list("pk", "org_id"))
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today - dt.timedelta(days=3 * 365), dt.time(8), tzinfo=tz)
    span = 3 * 365 * 86400
    batch = []
    # In the order they were received, as a union's appeals are written (imports aside).
    moments = sorted(rng.randrange(span) for _ in range(APPEALS))
    for n, second in enumerate(moments):
        member_id, org_id = member_ids[rng.randrange(len(member_ids))]
        received = start + dt.timedelta(seconds=second)
        closed = received + dt.timedelta(hours=rng.expovariate(1 / 120)) if rng.random() < 0.97 else None
        batch.append(
            Appeal(
                number=f"BF{n:010d}", org_id=org_id, member_id=member_id, text="压测", received_at=received,
                closed_at=closed if closed and closed.date() < today else None,
                rating=rng.choice([None, 3, 4, 5, 5]) if closed else None, status="closed" if closed else "routed",
                category=rng.choice(["wages", "hours", "living", "safety", "other"]),
            )
        )  # fmt: skip
        if len(batch) == 10000:
            Appeal.objects.bulk_create(batch)
            batch = []
    Appeal.objects.bulk_create(batch)
    return district, unions


def drop(district):
    from django.db import connection

    from bench.cleanup import drop_bench_union

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM appeals_appeal WHERE org_id IN (SELECT id FROM core_org WHERE parent_id = %s)",
            [district.pk],
        )
    unions = list(district.children.all())
    for union in unions[:-1]:  # the members first; their accounts go with the last union
        drop_bench_union(union, "no-accounts-here-")
    drop_bench_union(unions[-1], "bench-fig-")
    district.delete()


def measure(org, period) -> dict:
    from unionhome.insights import figures as f

    f.figures(org, period)  # warm
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        f.figures(org, period)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times)), "p95_ms": round(times[int(RUNS * 0.95) - 1])}


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench import results as results_file
    from unionhome.core.guard import system
    from unionhome.core.models import Org
    from unionhome.insights.plans import quarter_of, quarter_period

    with system():
        district = Org.objects.filter(name=NAME).first()
        if os.environ.get("BENCH_FIG_DROP") == "1":
            if district:
                drop(district)
            return {}
        built = 0.0
        if district is None:
            started = time.perf_counter()
            district, _unions = build()
            built = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
        year, quarter = quarter_of(timezone.localdate())
        last_quarter = quarter_period(*((year, quarter - 1) if quarter > 1 else (year - 1, 4)))
        union = district.children.order_by("pk").first()
        out = {
            "database": connection.vendor,
            "members": MEMBERS,
            "appeals": APPEALS,
            "build_s": round(built),
            "district_quarter": measure(district, last_quarter),
            "union_quarter": measure(union, last_quarter),
        }
    print(f"\nfigures at scale — {connection.vendor}, {MEMBERS} members, {APPEALS} appeals over three years")
    print("| figures for | p50 ms | p95 ms | target |")
    print("|---|---:|---:|---|")
    print(
        f"| a district (20 unions), last quarter | {out['district_quarter']['p50_ms']} | {out['district_quarter']['p95_ms']} | p95 ≤ 300 |"
    )
    print(
        f"| one union, last quarter | {out['union_quarter']['p50_ms']} | {out['union_quarter']['p95_ms']} | |"
    )
    results_file.save("insight-figures", out)
    return out


if __name__ == "__main__":
    main()
