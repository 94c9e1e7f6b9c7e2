"""The task consumer (Huey's `run_huey`) with the outbox relay (core.outbox) beside it."""

from __future__ import annotations

import threading

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

from unionhome.core.outbox import run_relay


class Command(RunHuey):
    help = "Run the task consumer and the outbox relay until stopped."

    def handle(self, *args, **options):
        stop = threading.Event()
        relay = threading.Thread(target=run_relay, args=(stop,), name="outbox-relay", daemon=True)
        relay.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            relay.join(timeout=5)
