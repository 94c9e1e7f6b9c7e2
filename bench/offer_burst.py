"""The offer burst (抢票): 3,000 claim attempts from 3,000 members, due within about one second of
the opening, for 500 places, through HTTP, for each claim strategy; plus the hello floor in the
same run. Reports places sold, duplicates, 5xx, time to sell out, p99 of winners and losers, and
claims per second as a ratio of the hello floor.

Run by `make bench` (after the HTTP rows), or alone against a prepared data directory:
    UNIONHOME_DATA_DIR=… python -m bench.offer_burst"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import time
from collections import Counter

import django

ATTEMPTS = int(os.environ.get("BENCH_BURST_ATTEMPTS", "3000"))
PLACES = int(os.environ.get("BENCH_BURST_PLACES", "500"))
SPREAD = float(os.environ.get("BENCH_BURST_SPREAD", "1.0"))
CONNECTIONS = int(os.environ.get("BENCH_BURST_CONNECTIONS", "64"))
STRATEGIES = os.environ.get("BENCH_BURST_STRATEGIES", "statement,update,lock").split(",")
SERVER = os.environ.get("BENCH_BURST_SERVER", "granian")
# The server as `unionhome serve` starts it: one worker per core, two threads each. (The
# measurement we compare with ran 4 workers × 2 threads; BENCH_BURST_WORKERS=4 runs that, which
# on two cores answered losers later: more processes taking turns on the same cores.)
WORKERS = os.environ.get("BENCH_BURST_WORKERS", str(os.cpu_count() or 1))
THREADS = os.environ.get("BENCH_BURST_THREADS", "2")
# Like the measurement we compare with, the server may use both cores here;
# BENCH_BURST_PIN=1 pins it to core 0 as the throughput rows do.
PIN = os.environ.get("BENCH_BURST_PIN") == "1"
LEAD = 3.0  # seconds between creating the offer and its opening


def members_with_tokens(count: int) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from unionhome.core.auth import token_digest as _digest
    from unionhome.core.models import ApiToken, Org
    from unionhome.members.models import Member, MemberStatus

    User = get_user_model()
    org = Org.objects.filter(kind="enterprise").order_by("path").first()
    existing = User.objects.filter(username__startswith="burst").count()
    if existing < count:
        User.objects.bulk_create(
            [User(username=f"burst{i:05d}", password="!", first_name="会员") for i in range(existing, count)]
        )
        users = User.objects.filter(username__startswith="burst", member__isnull=True)
        Member.objects.bulk_create(
            [
                Member(
                    org=org,
                    user=u,
                    name=f"会员{u.username[5:]}",
                    status=MemberStatus.ACTIVE,
                    member_no=f"BU{u.username[5:]}",
                    employee_no=f"BU{u.username[5:]}",
                    phone=f"1369{u.username[5:]:0>7}",
                )
                for u in users
            ]
        )
    users = list(User.objects.filter(username__startswith="burst").order_by("username")[:count])
    ApiToken.objects.filter(user__username__startswith="burst").delete()
    tokens = [secrets.token_urlsafe(24) for _ in users]
    expires = timezone.now() + dt.timedelta(hours=2)
    ApiToken.objects.bulk_create(
        [ApiToken(user=u, digest=_digest(t), expires_at=expires) for u, t in zip(users, tokens, strict=True)]
    )
    return tokens


def new_offer(opens_at: dt.datetime):
    from unionhome.activities.models import Offer
    from unionhome.core.models import Org

    org = Org.objects.filter(kind="enterprise").order_by("path").first()
    return Offer.objects.create(
        org=org,
        title="电影票（压测）",
        quantity=PLACES,
        remaining=PLACES,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(hours=1),
    )


def start_server(port: int, strategy: str) -> subprocess.Popen:
    from bench.__main__ import STARTUP_SECONDS, pin, wait_up

    env = {**os.environ, "OFFER_CLAIM_STRATEGY": strategy}
    proc = subprocess.Popen(
        [
            *(pin(0) if PIN else []),
            sys.executable,
            "-m",
            "unionhome.cli",
            "serve",
            "--server",
            SERVER,
            "--port",
            str(port),
            "--workers",
            WORKERS,
            "--threads",
            THREADS,
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_up(port)
    time.sleep(STARTUP_SECONDS)  # the workers' start-up work (the assistant's index) is done
    return proc


def one_run(strategy: str, tokens: list[str]) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench import loadgen
    from bench import results as results_file
    from bench.__main__ import free_port
    from bench.results import percentile
    from unionhome.activities.models import Offer, OfferClaim

    port = free_port()
    proc = start_server(port, strategy)
    try:
        hello = loadgen.run("127.0.0.1", port, "/bench/hello", seconds=1, connections=32)
        hello = loadgen.run("127.0.0.1", port, "/bench/hello", seconds=3, connections=32)
        # The same burst of the floor's view: what the machine itself answers in that second.
        floor = loadgen.request_bytes("127.0.0.1", port, "/bench/hello")
        hello_burst = loadgen.burst(
            "127.0.0.1",
            port,
            [floor] * len(tokens),
            start=time.perf_counter() + 0.2,
            spread=SPREAD,
            connections=CONNECTIONS,
        )
        opens_at = timezone.now() + dt.timedelta(seconds=LEAD)
        offer = new_offer(opens_at)
        path = f"/api/v1/offers/{offer.pk}/claims"
        # Warm each worker's code path on an offer that is not open yet (409 not_open).
        warm = new_offer(timezone.now() + dt.timedelta(days=1))
        loadgen.run(
            "127.0.0.1",
            port,
            f"/api/v1/offers/{warm.pk}/claims",
            seconds=1,
            connections=8,
            method="POST",
            headers={"Authorization": f"Bearer {tokens[0]}"},
            body=b"{}",
        )
        requests = [
            loadgen.request_bytes(
                "127.0.0.1", port, path, method="POST", headers={"Authorization": f"Bearer {t}"}, body=b"{}"
            )
            for t in tokens
        ]
        start = time.perf_counter() + (opens_at - timezone.now()).total_seconds()
        ticks = results_file.cpu_ticks()
        database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
        before = results_file.serving_cpu(proc.pid, database)
        shots = loadgen.burst(
            "127.0.0.1", port, requests, start=start, spread=SPREAD, connections=CONNECTIONS
        )
        after = results_file.serving_cpu(proc.pid, database)
        stolen = results_file.stolen_share(ticks)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    statuses = Counter(s.status for s in shots)
    codes = Counter(json.loads(s.body).get("code", "?") for s in shots if s.status == 409)
    winners = [s for s in shots if s.status == 201]
    losers = [s for s in shots if s.status == 409]
    claims = OfferClaim.objects.filter(offer=offer)
    sold = claims.count()
    duplicates = sold - claims.values("member").distinct().count()
    elapsed = max(s.done_at for s in shots) - start
    sold_out_after = max((s.done_at for s in winners), default=start) - start
    return {
        "strategy": strategy,
        "attempts": len(shots),
        "places": PLACES,
        "sold": sold,
        "remaining": Offer.objects.get(pk=offer.pk).remaining,
        "duplicates": duplicates,
        "5xx": sum(n for s, n in statuses.items() if s >= 500 or s == 0),
        "statuses": dict(statuses),
        "refusals": dict(codes),
        "sold_out_after_s": round(sold_out_after, 3),
        "all_answered_after_s": round(elapsed, 3),
        "winner_p99_ms": round(percentile([s.latency for s in winners], 99) * 1000, 1),
        "loser_p99_ms": round(percentile([s.latency for s in losers], 99) * 1000, 1),
        "loser_p50_ms": round(percentile([s.latency for s in losers], 50) * 1000, 1),
        # The server's part alone: from when the request was sent, not when it was due.
        "loser_p99_from_sent_ms": round(percentile([s.latency - s.waited for s in losers], 99) * 1000, 1),
        "claims_per_s": round(len(shots) / elapsed, 1),
        "hello_rps": round(hello.rps, 1),
        "hello_burst_p99_ms": round(percentile([s.latency for s in hello_burst], 99) * 1000, 1),
        "ratio_to_hello": round(len(shots) / elapsed / hello.rps, 2) if hello.rps else 0.0,
        "cpu_stolen": stolen,
        # The server's and its database backends' CPU for the burst, per attempt.
        "cpu_ms_per_attempt": None if before is None else round((after - before) / len(shots) * 1000, 3),
    }


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def main() -> None:
    if not PIN and hasattr(os, "sched_setaffinity"):
        # `make bench` runs on core 1; this measurement (and the server it starts) uses both.
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    django.setup()
    from django.db import connection

    from bench import results as results_file

    tokens = members_with_tokens(ATTEMPTS)
    runs = [one_run(strategy, tokens) for strategy in STRATEGIES]
    db = connection.vendor
    print(
        f"\nOffer burst — {db}, {ATTEMPTS} attempts due within {SPREAD:.1f} s for {PLACES} places, {SERVER} {WORKERS} workers × {THREADS} threads, pinned: {PIN}"
    )
    print(
        "| strategy | sold | dup | 5xx | sold out after s | all answered s | winner p99 ms | loser p99 ms | loser p99 from sent ms | hello burst p99 ms | claims/s | ratio to hello | CPU stolen | CPU ms an attempt |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(
            f"| {r['strategy']} | {r['sold']} | {r['duplicates']} | {r['5xx']} | {r['sold_out_after_s']} | "
            f"{r['all_answered_after_s']} | {r['winner_p99_ms']} | {r['loser_p99_ms']} | {r['loser_p99_from_sent_ms']} | {r['hello_burst_p99_ms']} | {r['claims_per_s']} | {r['ratio_to_hello']} | {_share(r['cpu_stolen'])} | {r['cpu_ms_per_attempt']} |"
        )
    results_file.save(f"offer-burst-{'postgresql' if db == 'postgresql' else 'sqlite'}", runs)


if __name__ == "__main__":
    main()
