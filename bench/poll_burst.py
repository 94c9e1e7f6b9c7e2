"""Secret ballots under load (issue #25): a congress of 500 representatives all voting within one
second, and a members' poll of 10,000 voters, 1,000 of them within the same second — over HTTP,
with the hello floor in the same run (p99 of a ballot, target ≤ 100 ms; ballots a second as a
ratio of the floor). Then tallying 100,000 ballots (target ≤ 1 s).

Run by `make bench`, or alone against a prepared data directory:
    UNIONHOME_DATA_DIR=… DATABASE_URL=… python -m bench.poll_burst"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid

import django

VOTERS = int(os.environ.get("BENCH_POLL_VOTERS", "10000"))
AT_ONCE = int(os.environ.get("BENCH_POLL_AT_ONCE", "1000"))
CONGRESS = int(os.environ.get("BENCH_POLL_CONGRESS", "500"))
TALLY = int(os.environ.get("BENCH_POLL_TALLY", "100000"))
CONNECTIONS = int(os.environ.get("BENCH_POLL_CONNECTIONS", "64"))


def _poll(org, **data):
    from django.utils import timezone

    from unionhome.democracy import polls

    now = timezone.now()
    poll = polls.poll_create(
        org=org,
        data={"kind": "single", "options": ["赞成", "反对", "弃权"], "opens_at": now - dt.timedelta(minutes=1),
              "closes_at": now + dt.timedelta(hours=1), **data},
    )  # fmt: skip
    return polls.freeze(poll)  # the list is taken at the opening, before the burst


def ballots(port: int, poll_id: int, tokens: list[str]):
    from bench import loadgen

    body = json.dumps({"choices": ["赞成"]}).encode()
    requests = [
        loadgen.request_bytes(
            "127.0.0.1",
            port,
            f"/api/v1/polls/{poll_id}/ballots",
            method="POST",
            headers={"Authorization": f"Bearer {t}"},
            body=body,
        )
        for t in tokens
    ]
    start = time.perf_counter() + 0.5
    shots = loadgen.burst("127.0.0.1", port, requests, start=start, spread=1.0, connections=CONNECTIONS)
    return shots, max(s.done_at for s in shots) - start


def summary(shots, elapsed: float, hello_rps: float) -> dict:
    from bench.results import percentile

    return {
        "ballots": len(shots),
        "accepted": sum(s.status == 201 for s in shots),
        "other": sorted({s.status for s in shots if s.status != 201}),
        "p50_ms": round(percentile([s.latency for s in shots], 50) * 1000, 1),
        "p99_ms": round(percentile([s.latency for s in shots], 99) * 1000, 1),
        "per_s": round(len(shots) / elapsed, 1),
        "ratio_to_hello": round(len(shots) / elapsed / hello_rps, 3) if hello_rps else 0.0,
    }


def tally() -> dict:
    from unionhome.core.guard import system
    from unionhome.core.models import Org
    from unionhome.democracy import polls
    from unionhome.democracy.models import Ballot, Poll

    org = Org.objects.filter(kind="enterprise").order_by("path").first()
    with system():
        poll = _poll(org, title="计票压测", electorate="members")
        rows = (
            Ballot(
                id=uuid.uuid4(),
                org=org,
                poll=poll,
                choices=[("赞成", "反对", "弃权")[i % 3]],
                receipt=uuid.uuid4().hex + uuid.uuid4().hex,
            )
            for i in range(TALLY)
        )
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                Ballot.objects.bulk_create(batch)
                batch = []
        if batch:
            Ballot.objects.bulk_create(batch)
        Poll.objects.filter(pk=poll.pk).update(closes_at=poll.opens_at + dt.timedelta(seconds=30))
        poll.refresh_from_db()
        began = time.perf_counter()
        result = polls.result(poll)
        seconds = time.perf_counter() - began
    return {"ballots": sum(result["counts"].values()), "seconds": round(seconds, 3)}


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    django.setup()
    from django.db import connection

    from bench import loadgen
    from bench import results as results_file
    from bench.__main__ import free_port
    from bench.offer_burst import members_with_tokens, start_server
    from unionhome.core.guard import system
    from unionhome.core.models import Org
    from unionhome.democracy import congress as congresses
    from unionhome.members.models import Member

    tokens = members_with_tokens(VOTERS)
    org = Org.objects.filter(kind="enterprise").order_by("path").first()
    with system():
        members = list(
            Member.objects.filter(user__username__startswith="burst").order_by("user__username")[:CONGRESS]
        )
        congress = congresses.congress_create(
            org=org,
            data={
                "title": f"压测职代会 {time.time():.0f}",
                "term": 90,
                "session": int(time.time()) % 100 + 1,
                "opens_on": dt.date.today(),
            },
        )
        for member in members:
            congresses.representative_add(
                congress=congress, member=member, delegation="压测代表团", category="frontline"
            )
        congress_poll = _poll(org, title="职代会表决压测", electorate="congress", congress=congress.pk)
        member_poll = _poll(org, title="会员表决压测", electorate="members")
    port = free_port()
    proc = start_server(port, "statement")
    try:
        hello = loadgen.run("127.0.0.1", port, "/bench/hello", seconds=3, connections=32)
        shots, elapsed = ballots(port, congress_poll.pk, tokens[:CONGRESS])
        in_congress = summary(shots, elapsed, hello.rps)
        shots, elapsed = ballots(port, member_poll.pk, tokens[CONGRESS : CONGRESS + AT_ONCE])
        of_members = summary(shots, elapsed, hello.rps)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    counted = tally()
    db = connection.vendor
    out = {
        "database": db,
        "hello_rps": round(hello.rps, 1),
        "congress": in_congress,
        "members": of_members,
        "tally": counted,
    }
    print(f"\nBallot burst — {db}, {CONNECTIONS} connections, hello {out['hello_rps']} req/s")
    print(
        "| poll | electorate | ballots in 1 s | accepted | p50 ms | p99 ms | ballots/s | ratio to hello | other |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, size, r in (("congress", CONGRESS, in_congress), ("members", VOTERS, of_members)):
        print(
            f"| {name} | {size} | {r['ballots']} | {r['accepted']} | {r['p50_ms']} | {r['p99_ms']} | {r['per_s']} | {r['ratio_to_hello']} | {r['other']} |"
        )
    print(f"tally of {counted['ballots']} ballots: {counted['seconds']} s (target ≤ 1 s)")
    results_file.save(f"poll-burst-{db}", out)


if __name__ == "__main__":
    main()
