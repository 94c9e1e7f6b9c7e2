"""Time to the first answer on a fresh start (issue #22): an empty data directory, migrated, then
`unionhome serve` with two web processes. Figures: seconds from the command to health saying
ready (the classifier fitted and the index built once, before the web processes start, then
loaded by each), and the first appeal classification and the first assistant question after
that (target: under 1 s)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-first-token-0123456789"
SETUP = f"""
import datetime as dt
from django.utils import timezone
from unionhome.core.auth import token_digest
from unionhome.core.models import ApiToken, User
user = User.objects.create(username="first")
ApiToken.objects.create(user=user, digest=token_digest("{TOKEN}"), expires_at=timezone.now() + dt.timedelta(days=1))
"""


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
            return json.loads(r.read())["status"] == "ready"
    except (OSError, ValueError):
        return False


def timed_post(port: int, path: str, body: dict) -> float:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as r:
        r.read()
    return time.perf_counter() - started


def main() -> dict:
    from bench import results as results_file
    from bench.__main__ import free_port

    data_dir = tempfile.mkdtemp(prefix="unionhome-first-")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUEY_IMMEDIATE")}
    env |= {"UNIONHOME_DATA_DIR": data_dir, "HTTPS": "0", "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "unionhome.cli"]
    subprocess.run([*cli, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*cli, "shell", "-c", SETUP], env=env, check=True)
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not ready(port):
            if time.perf_counter() - started > 300 or proc.poll() is not None:
                raise RuntimeError("the server did not become ready")
            time.sleep(0.1)
        to_ready = time.perf_counter() - started
        classify = timed_post(port, "/api/v1/appeals/classify", {"text": "宿舍楼的热水器坏了一个星期没人修"})
        ask = timed_post(port, "/api/v1/assistant/ask", {"question": "加班费咋算"})
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    out = {
        "to_ready_s": round(to_ready, 1),
        "first_classify_ms": round(classify * 1000, 1),
        "first_ask_ms": round(ask * 1000, 1),
    }
    print("\nfirst answer on a fresh start (empty data directory, serve with 2 web processes)")
    print("| to ready | first classification | first assistant question |")
    print("|---:|---:|---:|")
    print(f"| {out['to_ready_s']} s | {out['first_classify_ms']} ms | {out['first_ask_ms']} ms |")
    results_file.save("first-answer", out)
    return out


if __name__ == "__main__":
    main()
