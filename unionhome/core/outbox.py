"""Background work that is never lost: a transactional outbox in front of the task queue.

A change that calls for background work (tell the member, fan a notice out, group an appeal with
similar ones) writes the task as a row in the same transaction (`later`). A relay moves committed
rows to the task queue (`relay`), in the worker process a few times a second and from a periodic
task as a safety net. So the work runs if and only if the change committed — enqueueing after
the commit instead would lose it to a crash between the two, or to a queue that is down at that
moment — and on the embedded SQLite setup the request pays for one small INSERT in its own commit
instead of one commit per task in the queue's own database file.

Delivery is at least once: a relay that stops between handing rows to the queue and committing
their removal hands them over again, so tasks must tolerate running twice (ours do: they take ids
and read the current state).
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.db import close_old_connections, connection, transaction
from django.utils.module_loading import import_string

from . import rows
from .models import OutboxTask

log = logging.getLogger(__name__)

BATCH = 200


def task_path(task) -> str:
    func = task.func
    return f"{func.__module__}.{func.__name__}"


def later(task, *args) -> None:
    """Queue the task `task(*args)` (a Huey task; JSON-serialisable arguments) once the current
    transaction commits; outside a transaction, queue it now. Inside `collected()` the row is
    written with the block's others when the block ends."""
    if not connection.in_atomic_block:
        task(*args)
        return
    row = OutboxTask(task=task_path(task), args=list(args))
    pending = getattr(_collecting, "rows", None)
    if pending is not None:
        pending.append(row)
    else:
        row.save(force_insert=True)
    if task.huey.immediate:
        # Tests and HUEY_IMMEDIATE: no worker runs the relay, so the commit does.
        transaction.on_commit(relay)


_collecting = threading.local()


@contextmanager
def collected():
    """Within the block (inside a transaction), `later` gathers its rows and they are written in
    one INSERT as the block ends, before the transaction commits. A block that raises writes
    nothing; its transaction is rolled back anyway."""
    if getattr(_collecting, "rows", None) is not None:  # nested: the outer block writes them
        yield
        return
    _collecting.rows = []
    try:
        yield
        pending = _collecting.rows
    finally:
        _collecting.rows = None
    OutboxTask.objects.bulk_create(pending)


@transaction.atomic
def _take(limit: int) -> list[tuple[int, str, list]]:
    """Remove up to `limit` rows, oldest first, and hand them over, in one transaction: if
    queueing fails, the rows come back. Two relays never take the same row (PostgreSQL skips rows
    another relay holds; SQLite has one writer at a time)."""
    table = OutboxTask._meta.db_table
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    found = rows.fetch_all(
        f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s{lock})"  # noqa: S608 — the model's table
        " RETURNING id, task, args",
        [limit],
    )
    field = OutboxTask._meta.get_field("args")
    taken = []
    for pk, path, args in sorted(found):
        for convert in field.get_db_converters(connection):
            args = convert(args, field, connection)
        taken.append((pk, path, args))
    for _pk, path, args in taken:
        try:
            task = import_string(path)
        except ImportError:
            log.error("outbox: no task %s; dropped", path)
            continue
        task(*args)
    return taken


def relay(limit: int = BATCH) -> int:
    """Hand every committed outbox row to the task queue; the number handed over."""
    moved = 0
    while True:
        taken = _take(limit)
        moved += len(taken)
        if len(taken) < limit:
            return moved


def run_relay(stop: threading.Event, interval: float = 0.25) -> None:
    """The worker's relay loop (`unionhome worker`)."""
    while not stop.is_set():
        close_old_connections()
        try:
            moved = relay()
        except Exception:  # a database restart must not end the loop
            log.exception("outbox relay failed; retrying")
            moved = 0
        if not moved:
            stop.wait(interval)
