"""`make bench`: throughput of our pages as ratios of a bare hello view, on gunicorn and granian.

Server pinned to core 0, load generator to core 1 (when there are two), 32 keep-alive clients.
The figures that matter are the ratios (home / hello, me / hello): they hold across machines.
Each view is measured in short windows that alternate with windows of the hello floor, and its
ratio is taken against those adjacent windows, so a machine whose speed drifts during the run
moves both sides of a ratio alike."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from bench import loadgen
from bench import results as results_file

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
STARTUP_SECONDS = float(os.environ.get("BENCH_STARTUP_SECONDS", "8"))
SERVERS = os.environ.get("BENCH_SERVERS", "gunicorn,granian").split(",")
# Threads per worker: what `unionhome serve` ships (WEB_THREADS, 2), so that a worker's core
# serves another request while one waits for the database, as it does in production.
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# Optional narrowing while working on one figure: BENCH_VIEWS=assistant_ask BENCH_HTTP_ONLY=1
# (with BENCH_HTTP_ONLY, the offer burst runs only if BENCH_VIEWS is unset or names offer_burst).
VIEWS = {v for v in os.environ.get("BENCH_VIEWS", "").split(",") if v}
HTTP_ONLY = os.environ.get("BENCH_HTTP_ONLY") == "1"
TWO_CORES = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None


def pin(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if TWO_CORES else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> str:
    """Migrate, load the demo union, and make a logged-in session for one member."""

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "unionhome.cli", *a], env=env, check=True, capture_output=True
        )

    run("migrate", "--noinput")
    run("demo")
    code = (
        "import django; django.setup();"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "u = get_user_model().objects.get(username='m0100'); s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'unionhome.core.auth.PhoneOrUsernameBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create();"
        "import secrets, datetime as dt; from django.utils import timezone;"
        "from unionhome.core.auth import token_digest as _digest; from unionhome.core.models import ApiToken;"
        "t = secrets.token_urlsafe(32);"
        "ApiToken.objects.create(user=u, digest=_digest(t), expires_at=timezone.now() + dt.timedelta(days=1));"
        "from unionhome.appeals.services import appeal_submit;"
        "a = appeal_submit(actor=u, text='宿舍热水器坏了，报修好几次都没人来修，下夜班洗不了澡。');"
        "print(s.session_key, t, a.pk)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"DJANGO_SETTINGS_MODULE": "unionhome.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    session, token, appeal = out.stdout.strip().splitlines()[-1].split()
    return {"session": session, "token": token, "appeal": appeal}


def wait_up(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


ASK = json.dumps({"question": "俺们上夜班的，加班费咋算"}, ensure_ascii=False).encode()
# The assistant's latency target (p95 ≤ 30 ms) is a member's wait, measured at a few clients at a
# time rather than under the 32-client saturation of the throughput rows.
ASK_CONNECTIONS = int(os.environ.get("BENCH_ASK_CONNECTIONS", "4"))

INTAKE = json.dumps(
    {"text": "这个月的加班费又没有按排班表上的夜班算，少了两百多块，问主管也说不清楚，请工会帮忙核实。"},
    ensure_ascii=False,
).encode()


def _row(r: loadgen.Result) -> dict:
    ok = r.statuses.get(200, 0) + r.statuses.get(201, 0)
    return {
        "rps": round(r.rps, 1),
        "p50_ms": round(r.pct(50), 1),
        "p95_ms": round(r.pct(95), 1),
        "p99_ms": round(r.pct(99), 1),
        "ok": ok,
        "other": r.requests - ok + r.errors,
    }


def measure(server: str, env: dict, auth: dict) -> dict:
    port = free_port()
    proc = subprocess.Popen(
        [
            *pin(0),
            sys.executable,
            "-m",
            "unionhome.cli",
            "serve",
            "--server",
            server,
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            str(THREADS),
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(port)
        # Each worker builds the assistant's index in a background thread as it starts: let
        # that finish before anything is measured, or the first figure pays for it.
        time.sleep(STARTUP_SECONDS)
        cookie = {"Cookie": f"sessionid={auth['session']}"}
        bearer = {"Authorization": f"Bearer {auth['token']}"}
        targets = {
            "hello": ("GET", "/bench/hello", {}, b""),
            "home": ("GET", "/", cookie, b""),
            "me": ("GET", "/api/v1/me", cookie, b""),
            "appeal_intake": ("POST", "/api/v1/appeals", bearer, INTAKE),
            "appeal_status": ("GET", f"/api/v1/appeals/{auth['appeal']}", bearer, b""),
            "assistant_ask": ("POST", "/api/v1/assistant/ask", bearer, ASK),
        }
        if VIEWS:
            targets = {k: v for k, v in targets.items() if k == "hello" or k in VIEWS}
        hello = targets.pop("hello")

        database = urlparse(env["DATABASE_URL"]).path.lstrip("/") if env.get("DATABASE_URL") else None

        def run(target, seconds):
            method, path, headers, body = target
            connections = ASK_CONNECTIONS if target is targets.get("assistant_ask") else CONNECTIONS
            before = results_file.serving_cpu(proc.pid, database)
            result = loadgen.run(
                "127.0.0.1",
                port,
                path,
                seconds=seconds,
                connections=connections,
                headers=headers,
                method=method,
                body=body,
            )
            after = results_file.serving_cpu(proc.pid, database)
            if before is not None and after is not None:
                result.cpu_seconds = after - before
            return result

        def cpu_ms(windows) -> float | None:
            """CPU milliseconds a request cost the server (and the database's backends)."""
            total = loadgen.Result.combined(windows)
            if total.cpu_seconds is None or not total.requests:
                return None
            return round(total.cpu_seconds / total.requests * 1000, 3)

        # A shared machine's speed drifts within a run (the floor has moved by a third within a
        # minute), so each view is measured in ROUNDS short windows, each right after a window of
        # the floor, and its ratio is its requests over the floor's in those adjacent windows.
        rows = {}
        floors = []
        for name, target in targets.items():
            run(hello, 1)  # warm-up
            run(target, 1)
            views, floor = [], []
            for _ in range(ROUNDS):
                floor.append(run(hello, SECONDS / ROUNDS))
                views.append(run(target, SECONDS / ROUNDS))
            floors += floor
            rows[name] = _row(loadgen.Result.combined(views))
            rows[name]["ratio"] = round(rows[name]["rps"] / (loadgen.Result.combined(floor).rps or 1), 2)
            # The same comparison in CPU: the floor's cost per request over the view's. Time the
            # host steals slows both windows unevenly; it does not change what a request costs.
            view_cpu, floor_cpu = cpu_ms(views), cpu_ms(floor)
            rows[name]["cpu_ms"] = view_cpu
            rows[name]["cpu_ratio"] = round(floor_cpu / view_cpu, 2) if view_cpu and floor_cpu else None
        rows = {
            "hello": {
                **_row(loadgen.Result.combined(floors)),
                "ratio": 1.0,
                "cpu_ms": cpu_ms(floors),
                "cpu_ratio": 1.0,
            },
            **rows,
        }
        return rows
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="unionhome-bench-")
    env = {
        **os.environ,
        "UNIONHOME_DATA_DIR": data_dir,
        "HTTPS": "0",
        "DEBUG": "0",
        "BENCH_ENDPOINTS": "1",
        "AXES_ENABLED": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("HUEY_IMMEDIATE", None)
    # The load generator runs here, on core 1; the server on core 0.
    if TWO_CORES:
        os.sched_setaffinity(0, {1})
    auth = prepare(env)
    db = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    results = {
        "database": db,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "pinned": TWO_CORES,
        "servers": {},
    }
    ticks = results_file.cpu_ticks()
    for server in SERVERS:
        results["servers"][server] = measure(server, env, auth)
    results["cpu_stolen"] = results_file.stolen_share(ticks)
    # The deadline scan needs the migrated database with the demo union: run it before cleaning up.
    if HTTP_ONLY:
        modules = ["bench.offer_burst"] if not VIEWS or "offer_burst" in VIEWS else []
    else:
        modules = [
            "bench.offer_burst",
            "bench.exam_burst",
            "bench.poll_burst",
            "bench.deadline_scan",
            "bench.profile_appeals",
            "bench.profile_requests",
            "bench.notice_fanout",
            "bench.campaign_bulk",
            "bench.roster_import",
            "bench.first_answer",
            "bench.insight_feeds",
            "bench.recommend_quality",
        ]
    for module in modules:
        subprocess.run([sys.executable, "-m", module], env=env, check=True, cwd=ROOT)
    shutil.rmtree(data_dir, ignore_errors=True)

    print(
        f"\nmake bench — {db}, {CONNECTIONS} clients, {SECONDS:.0f} s each in {ROUNDS} windows alternating with the floor,"
        f" {THREADS} threads per worker, server on core 0 / load on core 1: {TWO_CORES},"
        f" CPU stolen by the host meanwhile: {'n/a' if results['cpu_stolen'] is None else format(results['cpu_stolen'], '.0%')}"
    )
    print(
        "| server | view | req/s | ratio to hello | p50 ms | p95 ms | p99 ms | non-2xx | CPU ms a request | CPU ratio to hello |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for server, rows in results["servers"].items():
        for name, r in rows.items():
            print(
                f"| {server} | {name} | {r['rps']} | {r['ratio']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['other']} |"
                f" {r['cpu_ms']} | {r['cpu_ratio']} |"
            )
        if "assistant_ask" in rows:
            print(
                f"{server}: assistant ask p95 {rows['assistant_ask']['p95_ms']} ms at {ASK_CONNECTIONS} clients (target ≤ 30 ms)"
            )
    targets = {"home": 0.4, "me": 0.5, "appeal_intake": 0.25, "appeal_status": 0.5}
    for server, rows in results["servers"].items():
        verdict = ", ".join(
            f"{k} {rows[k]['ratio']}, in CPU {rows[k]['cpu_ratio']} (target ≥ {t})"
            for k, t in targets.items()
            if k in rows
        )
        print(f"{server}: {verdict}")
    results_file.save(f"http-{db}", results)

    if HTTP_ONLY:
        return
    from bench import appeals_quality

    appeals_quality.main()
    from bench import assistant_quality, assistant_speed

    assistant_quality.main()
    assistant_speed.main()


if __name__ == "__main__":
    main()
