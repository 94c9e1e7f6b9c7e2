import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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
OUTBOX_LEFT = """
from unionhome.core.models import ApiToken, OutboxTask
print(OutboxTask.objects.count(), ApiToken.objects.count())
"""


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_serve_runs_web_and_worker_and_stops_both_on_ctrl_c(tmp_path, server):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "HUEY_IMMEDIATE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env |= {"UNIONHOME_DATA_DIR": str(tmp_path), "HTTPS": "0"}
    cli = [sys.executable, "-m", "unionhome.cli"]
    subprocess.run([*cli, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=120)
    # Work left in the outbox (core.outbox): the worker's relay must hand it to the queue, and the
    # consumer run it — here, purging an expired token.
    subprocess.run([*cli, "shell", "-c", OUTBOX_WORK], env=env, check=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen(
        [*cli, "serve", "--server", server, "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body and '"status": "ok"' in body
        for _ in range(60):
            left = subprocess.run([*cli, "shell", "-c", OUTBOX_LEFT], env=env, capture_output=True, text=True)
            counts = left.stdout.strip().splitlines()[-1:]  # after the shell's banner
            if counts == ["0 0"]:
                break
            time.sleep(0.5)
        assert counts == ["0 0"], left.stdout + left.stderr  # outbox rows, expired tokens
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
