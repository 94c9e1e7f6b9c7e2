import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OUTBOX_WORK = """
import datetime as dt
from django.utils import timezone
from unionhome.core.models import ApiToken, OutboxTask, User
user = User.objects.create(username="gone")
ApiToken.objects.create(user=user, digest="e" * 64, expires_at=timezone.now() - dt.timedelta(days=1))
OutboxTask.objects.create(task="unionhome.core.tasks.purge_expired_tokens", args=[])
"""


def wait_until(ready, *, what: str, seconds: float = 120):
    """Poll `ready()` until it answers something true, however busy the machine is (the deadline
    is only there to end a test that would otherwise hang)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = ready()
        if answer:
            return answer
        time.sleep(0.2)
    pytest.fail(f"waited {seconds:.0f} s for {what}")


def health(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
            return r.read().decode()
    except OSError:
        return None


CLI = [sys.executable, "-m", "unionhome.cli"]


def migrated(data_dir: Path) -> dict:
    """The environment of a fresh installation in `data_dir` (SQLite, the SQLite task queue),
    migrated."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "HUEY_IMMEDIATE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env |= {"UNIONHOME_DATA_DIR": str(data_dir), "HTTPS": "0"}
    subprocess.run([*CLI, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=120)
    return env


def left(data_dir: Path) -> tuple[int, int]:
    """(outbox rows, API tokens) in the served database."""
    with closing(sqlite3.connect(data_dir / "unionhome.sqlite3", timeout=10)) as db:
        outbox = db.execute("SELECT count(*) FROM core_outboxtask").fetchone()[0]
        tokens = db.execute("SELECT count(*) FROM core_apitoken").fetchone()[0]
    return outbox, tokens


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_serve_runs_web_and_worker_and_stops_both_on_ctrl_c(tmp_path, server):
    env = migrated(tmp_path)
    # Work left in the outbox (core.outbox): the worker's relay must hand it to the queue, and the
    # consumer run it — here, purging an expired token.
    subprocess.run([*CLI, "shell", "-c", OUTBOX_WORK], env=env, check=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--server", server, "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = wait_until(lambda: health(port), what="the server to answer")
        assert '"status": "ready"' in body
        # The worker's relay and consumer: the outbox empties and the expired token goes. Read from
        # the database file itself, which takes no process of its own to ask.
        assert wait_until(lambda: left(tmp_path) == (0, 0) or None, what="the worker to run the task")
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(children) == 2  # the web server and the task consumer
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert "stopped" in out
        for pid in children:
            stat = Path(f"/proc/{pid}/stat")
            assert not stat.exists() or stat.read_text().split()[2] == "Z"
    finally:
        if proc.poll() is None:
            proc.kill()


TOKEN_FOR_A_MEMBER = """
import datetime as dt
from django.utils import timezone
from unionhome.core.auth import token_digest
from unionhome.core.models import ApiToken, User
user = User.objects.create(username="first")
ApiToken.objects.create(user=user, digest=token_digest("first-token-0123456789"),
                        expires_at=timezone.now() + dt.timedelta(days=1))
"""


def test_the_first_classification_after_ready_answers_in_under_a_second(tmp_path):
    """Issue #22, item 4, on a fresh data directory: `serve` fits the classifier and builds the
    assistant's index once, before its web processes start; each process loads them and only
    then says ready; the first appeal classified after that does not wait for any of it."""
    env = migrated(tmp_path)
    subprocess.run([*CLI, "shell", "-c", TOKEN_FOR_A_MEMBER], env=env, check=True, timeout=120)
    subprocess.run([*CLI, "assistant", "load"], env=env, check=True, timeout=120)  # the shipped entries
    assert not list((tmp_path / "models").glob("*.pkl"))  # nothing fitted yet
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", "2", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = json.loads(wait_until(lambda: health(port), what="the server to say ready"))
        assert body["status"] == "ready" and all(body["loaded"].values()) and len(body["loaded"]) == 2
        saved = sorted(p.name.rsplit("-", 1)[0].split(".")[0] for p in (tmp_path / "models").glob("*.pkl"))
        assert saved == ["appeal_classifier", "assistant-gate", "assistant-index"]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/appeals/classify",
            data=json.dumps({"text": "工地上好几十个工友三个月没发工资了"}).encode(),
            headers={"Authorization": "Bearer first-token-0123456789", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as r:
            answer = json.loads(r.read())
        elapsed = time.perf_counter() - started
        assert answer["category"] == "wages" and answer["urgent"] is True
        assert elapsed < 1.0, f"the first classification took {elapsed:.2f} s"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/assistant/ask",
            data=json.dumps({"question": "加班费咋算"}).encode(),
            headers={"Authorization": "Bearer first-token-0123456789", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as r:
            assert json.loads(r.read())["answer"]
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, f"the first question took {elapsed:.2f} s"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
