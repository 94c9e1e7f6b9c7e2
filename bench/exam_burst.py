"""A contest's written round opens for 2,000 members in the same minute (issue #24): each starts an
attempt and then hands in 30 answers, over HTTP, with the hello floor in the same run. Reports
p99 of each step (target ≤ 150 ms) at the minute's pace, and the steps per second when all come
at once as a ratio of the hello floor. Then 1,000 certificates issued through the task queue
(the outbox, the relay and a queue consumer; target ≤ 30 s), and the time to draw one PDF.

Run by `make bench`, or alone against a prepared data directory:
    UNIONHOME_DATA_DIR=… DATABASE_URL=… python -m bench.exam_burst"""

from __future__ import annotations

import json
import os
import time

import django

MEMBERS = int(os.environ.get("BENCH_EXAM_MEMBERS", "2000"))
SPREAD = float(os.environ.get("BENCH_EXAM_SPREAD", "60"))
QUESTIONS = 30
CONNECTIONS = int(os.environ.get("BENCH_EXAM_CONNECTIONS", "64"))
CERTIFICATES = int(os.environ.get("BENCH_EXAM_CERTIFICATES", "1000"))


def make_exam(title: str):
    from unionhome.core.guard import system
    from unionhome.core.models import Org
    from unionhome.learning.models import Exam, Question

    org = Org.objects.filter(kind="enterprise").order_by("path").first()
    with system():
        if not Question.objects.filter(org=org, tags="|压测|").exists():
            Question.objects.bulk_create(
                [
                    Question(
                        org=org,
                        kind="single",
                        text=f"压测题 {i}",
                        options=["甲", "乙", "丙", "丁"],
                        answer=["甲"],
                        tags="|压测|",
                    )
                    for i in range(QUESTIONS + 20)
                ]
            )
        return Exam.objects.create(
            org=org,
            title=title,
            rules=[{"tags": ["压测"], "kind": "single", "count": QUESTIONS}],
            minutes=60,
            attempts=1,
        )


def burst(port: int, requests: list[bytes], spread: float):
    from bench import loadgen

    return loadgen.burst(
        "127.0.0.1", port, requests, start=time.perf_counter() + 0.5, spread=spread, connections=CONNECTIONS
    )


def round_trip(port: int, tokens: list[str], spread: float, title: str) -> dict:
    from bench import loadgen
    from bench.results import percentile

    exam = make_exam(title)
    starts = [
        loadgen.request_bytes(
            "127.0.0.1",
            port,
            f"/api/v1/exams/{exam.pk}/attempts",
            method="POST",
            headers={"Authorization": f"Bearer {t}"},
            body=b"{}",
        )
        for t in tokens
    ]
    began = time.perf_counter()
    shots = burst(port, starts, spread)
    start_elapsed = max(s.done_at for s in shots) - began - 0.5
    submits = []
    for token, shot in zip(tokens, shots, strict=True):
        if shot.status != 201:
            continue
        paper = json.loads(shot.body)
        body = json.dumps({"answers": {str(q["id"]): ["甲"] for q in paper["questions"]}}).encode()
        submits.append(
            loadgen.request_bytes(
                "127.0.0.1",
                port,
                f"/api/v1/attempts/{paper['id']}/submit",
                method="POST",
                headers={"Authorization": f"Bearer {token}"},
                body=body,
            )
        )
    began = time.perf_counter()
    handed = burst(port, submits, spread)
    submit_elapsed = max(s.done_at for s in handed) - began - 0.5
    return {
        "spread_s": spread,
        "start_ok": sum(s.status == 201 for s in shots),
        "start_other": sorted({s.status for s in shots if s.status != 201}),
        "start_p50_ms": round(percentile([s.latency for s in shots], 50) * 1000, 1),
        "start_p99_ms": round(percentile([s.latency for s in shots], 99) * 1000, 1),
        "start_per_s": round(len(shots) / start_elapsed, 1),
        "submit_ok": sum(s.status == 200 for s in handed),
        "submit_other": sorted({s.status for s in handed if s.status != 200}),
        "submit_p50_ms": round(percentile([s.latency for s in handed], 50) * 1000, 1),
        "submit_p99_ms": round(percentile([s.latency for s in handed], 99) * 1000, 1),
        "submit_per_s": round(len(handed) / submit_elapsed, 1) if handed else 0.0,
    }


def certificates_through_the_queue() -> dict:
    """CERTIFICATES passed attempts issue their certificates, each in its own transaction that
    queues the holder's message (the outbox); the relay hands them to the queue and a consumer
    with the settings' workers runs them. Timed from the first issue to the last message."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from unionhome.core.guard import system
    from unionhome.core.models import Notification
    from unionhome.core.outbox import relay
    from unionhome.learning import certificates
    from unionhome.learning.models import Attempt
    from unionhome.members.models import Member

    exam = make_exam("证书压测")
    members = list(Member.objects.filter(user__username__startswith="burst").order_by("pk")[:CERTIFICATES])
    now = timezone.now()
    with system():
        attempts = Attempt.objects.bulk_create(
            [
                Attempt(
                    org=exam.org,
                    exam=exam,
                    member=m,
                    number=1,
                    seed=i,
                    questions=[],
                    started_at=now,
                    deadline=now,
                    submitted_at=now,
                    score=30,
                    max_score=30,
                    passed=True,
                )  # fmt: skip
                for i, m in enumerate(members)
            ]
        )
    attempts = list(Attempt.objects.filter(exam=exam).select_related("exam", "member"))
    consumer = HUEY.create_consumer(workers=settings.HUEY["consumer"]["workers"], worker_type="thread")
    consumer.start()  # its worker threads (run() would also take over this process's signals)
    # First the messages the HTTP bursts queued, so that the clock below times these alone.
    while relay():
        pass
    while len(HUEY):
        time.sleep(0.1)
    time.sleep(1)
    began = time.perf_counter()
    with system():
        for attempt in attempts:
            with transaction.atomic():
                certificates.issue(attempt)
            relay()
        while relay():
            pass
        refs = [f"certificate:{c}" for c in exam.sittings.values_list("certificate__pk", flat=True)]
        while Notification.objects.filter(ref__in=refs).count() < len(attempts):
            time.sleep(0.05)
            relay()
    seconds = time.perf_counter() - began
    consumer.stop(graceful=True)
    cert = attempts[0].certificate
    drawn = time.perf_counter()
    for _ in range(20):
        certificates.pdf(cert)
    return {
        "certificates": len(attempts),
        "seconds": round(seconds, 2),
        "pdf_ms": round((time.perf_counter() - drawn) / 20 * 1000, 1),
    }


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

    tokens = members_with_tokens(MEMBERS)
    port = free_port()
    proc = start_server(port, "statement")
    try:
        hello = loadgen.run("127.0.0.1", port, "/bench/hello", seconds=3, connections=32)
        minute = round_trip(port, tokens, SPREAD, "笔试（一分钟内）")
        tokens = members_with_tokens(MEMBERS)  # fresh tokens; a new exam: every member may start again
        at_once = round_trip(port, tokens, 0.0, "笔试（同时）")
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    issued = certificates_through_the_queue()
    db = connection.vendor
    out = {
        "database": db,
        "members": MEMBERS,
        "hello_rps": round(hello.rps, 1),
        "minute": minute,
        "at_once": at_once,
        "start_ratio_to_hello": round(at_once["start_per_s"] / hello.rps, 3) if hello.rps else 0.0,
        "submit_ratio_to_hello": round(at_once["submit_per_s"] / hello.rps, 3) if hello.rps else 0.0,
        "certificates": issued,
    }
    print(f"\nExam burst — {db}, {MEMBERS} members, {QUESTIONS} answers each, {CONNECTIONS} connections")
    print(
        "| arrivals | start p50 ms | start p99 ms | starts/s | submit p50 ms | submit p99 ms | submits/s | non-2xx |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, r in (("within a minute", minute), ("all at once", at_once)):
        print(
            f"| {name} | {r['start_p50_ms']} | {r['start_p99_ms']} | {r['start_per_s']} | {r['submit_p50_ms']} | "
            f"{r['submit_p99_ms']} | {r['submit_per_s']} | {r['start_other'] + r['submit_other']} |"
        )
    print(
        f"hello {out['hello_rps']} req/s; all at once: starts {out['start_ratio_to_hello']} and submits "
        f"{out['submit_ratio_to_hello']} of the hello floor"
    )
    print(
        f"certificates through the task queue: {issued['certificates']} in {issued['seconds']} s (target ≤ 30 s);"
        f" one PDF drawn in {issued['pdf_ms']} ms"
    )
    results_file.save(f"exam-burst-{db}", out)


if __name__ == "__main__":
    main()
