"""A seasonal campaign for 100,000 members (target: under 30 s on PostgreSQL, member pages' p99
within 2× of idle while it runs), and the same campaign made one save per row, for the ratio.

1. A bench union of N members with accounts is written in bulk.
2. A server (granian, 2 workers, core 0) answers a member's /benefits/ page; its p99 is taken
   idle, then while `entitlements_create` runs (the same function the task queue runs:
   INSERT … SELECT for the entitlements and the inbox rows).
3. The same campaign is made again one `create()` per entitlement and per inbox row, in one
   transaction (the fair version of the naive loop), and the two times are compared.
Everything it made is removed at the end."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_CAMPAIGN_MEMBERS", "100000"))
CONNECTIONS = int(os.environ.get("BENCH_CAMPAIGN_CONNECTIONS", "8"))


def _load_while(running: threading.Event, port: int, headers: dict) -> list[float]:
    """Latencies of the member page, in one-second slices, until `running` is cleared."""
    from bench import loadgen

    latencies: list[float] = []
    while running.is_set():
        r = loadgen.run("127.0.0.1", port, "/benefits/", seconds=1, connections=CONNECTIONS, headers=headers)
        latencies += r.latencies
    return latencies


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    os.environ["NOTIFY_CHANNELS"] = ""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import loadgen
    from bench import results as results_file
    from bench.__main__ import free_port, pin, wait_up
    from bench.cleanup import drop_bench_union
    from bench.results import percentile
    from unionhome.benefits.campaigns import campaign_members, entitlements_create
    from unionhome.benefits.models import Campaign, CampaignStatus, Entitlement
    from unionhome.core.models import Notification, Org
    from unionhome.members.models import Member, MemberStatus

    User = get_user_model()
    org = Org.objects.create(name="压测工会（送清凉）")
    started = time.perf_counter()
    users = User.objects.bulk_create(
        [User(username=f"cool{i:06d}", password="!") for i in range(N)], batch_size=2000
    )
    Member.objects.bulk_create(
        [Member(org=org, user=u, name=f"会员{i}", status=MemberStatus.ACTIVE) for i, u in enumerate(users)],
        batch_size=2000,
    )
    setup_seconds = time.perf_counter() - started
    viewer = User.objects.get(username="m0100")
    session = SessionStore()
    session[SESSION_KEY] = str(viewer.pk)
    session[BACKEND_SESSION_KEY] = "unionhome.core.auth.PhoneOrUsernameBackend"
    session[HASH_SESSION_KEY] = viewer.get_session_auth_hash()
    session.create()
    headers = {"Cookie": f"sessionid={session.session_key}"}
    today = timezone.localdate()

    def campaign(name: str) -> Campaign:
        return Campaign.objects.create(
            org=org,
            name=name,
            kind="cool",
            items="绿豆汤",
            starts_on=today,
            ends_on=today,
            status=CampaignStatus.CREATING,
        )

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [*pin(0), sys.executable, "-m", "unionhome.cli", "serve", "--server", "granian", "--port", str(port),
         "--workers", "2", "--threads", "1", "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    bulk = campaign("送清凉（批量）")
    try:
        wait_up(port)
        loadgen.run("127.0.0.1", port, "/benefits/", seconds=1, connections=CONNECTIONS, headers=headers)
        idle = loadgen.run(
            "127.0.0.1", port, "/benefits/", seconds=5, connections=CONNECTIONS, headers=headers
        )
        running = threading.Event()
        running.set()
        busy: list[float] = []
        load = threading.Thread(target=lambda: busy.extend(_load_while(running, port, headers)))
        load.start()
        time.sleep(0.2)
        started = time.perf_counter()
        total = entitlements_create(bulk.pk)
        bulk_seconds = time.perf_counter() - started
        running.clear()
        load.join()
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert total == N, total

    per_row = campaign("送清凉（逐行）")
    started = time.perf_counter()
    with transaction.atomic():
        for member_id, site_id, user_id in (
            campaign_members(per_row).values_list("pk", "site_id", "user_id").iterator()
        ):
            Entitlement.objects.create(campaign=per_row, member_id=member_id, site_id=site_id)
            Notification.objects.create(
                user_id=user_id, title="送清凉", body="绿豆汤", url="/benefits/", ref=f"campaign:{per_row.pk}"
            )
    per_row_seconds = time.perf_counter() - started

    drop_bench_union(org, "cool")

    idle_p99 = idle.pct(99)
    busy_p99 = percentile(busy, 99) * 1000
    result = {
        "database": connection.vendor,
        "members": N,
        "bulk_seconds": round(bulk_seconds, 2),
        "per_row_seconds": round(per_row_seconds, 2),
        "speedup": round(per_row_seconds / bulk_seconds, 1),
        "page_p99_idle_ms": round(idle_p99, 1),
        "page_p99_during_ms": round(busy_p99, 1),
        "page_p99_ratio": round(busy_p99 / idle_p99, 2) if idle_p99 else None,
        "page_requests_during": len(busy),
        "setup_seconds": round(setup_seconds, 1),
    }
    results_file.save(f"campaign-{connection.vendor}", result)
    print(
        f"\nCampaign for {N:,} members ({connection.vendor}): bulk {bulk_seconds:.2f} s (target < 30 s), "
        f"one save per row {per_row_seconds:.1f} s ({result['speedup']}× slower); member page p99 idle "
        f"{idle_p99:.1f} ms, during {busy_p99:.1f} ms (ratio {result['page_p99_ratio']}, target ≤ 2)"
    )
    return result


if __name__ == "__main__":
    main()
