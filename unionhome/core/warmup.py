"""A server process's start-up work: done once, in a thread, as the process starts, so that no
member's request pays for it; then what it built is frozen out of the garbage collector's full
passes.

Why the freeze. A started worker holds some 400,000 long-lived objects: the assistant's index,
the appeal classifier, the framework's own tables. CPython's full collection walks every tracked
object, and over that heap one took 140 ms (measured in a process with the demo union loaded),
during which the process answers nobody; it comes after every few hundred thousand
allocations, so now and then a member's request waited for it. `gc.freeze()` moves every object
that exists into a generation the collector never walks (the same full pass then took
microseconds); what requests create afterwards is collected as before."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable

log = logging.getLogger("unionhome.warmup")


def run(steps: tuple[Callable[[], object], ...]) -> None:
    """Each step in order (one that fails is logged and skipped: e.g. before `migrate`, the
    first request does that work instead), then the heap is frozen."""
    from django.db import connection

    for step in steps:
        try:
            step()
        except Exception as exc:
            log.info("warm-up step %s skipped: %s", getattr(step, "__qualname__", step), exc)
    connection.close()  # this thread's own; the request threads have theirs
    gc.freeze()


def in_background(*steps: Callable[[], object]) -> threading.Thread:
    thread = threading.Thread(target=run, args=(steps,), name="warm-up", daemon=True)
    thread.start()
    return thread
