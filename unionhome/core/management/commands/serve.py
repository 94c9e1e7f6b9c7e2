"""Run the whole platform on one machine: a production web server and the task consumer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from unionhome.core import warmup


def server_command(server: str, host: str, port: int, workers: int, threads: int) -> list[str]:
    if server == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--no-ws",
            "unionhome.wsgi:application",
        ]
    # gthread, not sync: the sync worker closes every connection, which phones on slow networks pay for.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "unionhome.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-" if settings.DEBUG else "/dev/null",
        "--graceful-timeout",
        "5",
        # A worker loads the classifier and the index before it answers (core.warmup): built by
        # `serve` beforehand that takes a second or two, but a stale file is rebuilt there.
        "--timeout",
        "120",
    ]


class Command(BaseCommand):
    help = "Serve the web app and run the task consumer until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument(
            "--server",
            choices=["gunicorn", "granian"],
            default=os.environ.get("UNIONHOME_SERVER") or "granian",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2),
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS") or 2))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task consumer")

    def handle(self, *args, **opts):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionhome.settings"}
        # The classifier and the assistant's index, built once here and saved: every web process
        # loads them as it starts instead of each building its own at once on the same cores.
        warmup.prepare_all(lambda name, s: self.stdout.write(f"{name}: ready ({s:.1f} s)"))
        cores = os.cpu_count() or 1
        opts["workers"] = opts["workers"] or (cores if opts["server"] == "granian" else 2 * cores)
        children = [
            subprocess.Popen(
                server_command(opts["server"], opts["host"], opts["port"], opts["workers"], opts["threads"]),
                env=env,
            )
        ]
        if not opts["no_worker"]:
            children.append(
                subprocess.Popen([sys.executable, "-m", "unionhome.cli", "worker", "--quiet"], env=env)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"UnionHome is serving at http://{opts['host']}:{opts['port']}/  (Ctrl-C stops)"
            )
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.time() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)]
        if failed and not stopping:
            sys.exit(1)
        self.stdout.write("stopped")
