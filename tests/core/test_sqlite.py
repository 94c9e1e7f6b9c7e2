"""SQLite's WAL checkpoints run in a thread of each process, not in the request that commits."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import connection

from unionhome.core import sqlite
from unionhome.core.models import AuditLog

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_process_checkpoints_its_database_in_the_background(monkeypatch):
    connection.ensure_connection()
    path = str(connection.settings_dict["NAME"])
    runs = connection.vendor == "sqlite"
    assert (sqlite._running.get(path) == os.getpid()) == runs
    assert any(t.name == "sqlite-checkpoint" and t.is_alive() for t in threading.enumerate()) == runs
    if not runs:
        return  # PostgreSQL checkpoints by itself
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == sqlite.AUTOCHECKPOINT_PAGES  # the bound, should the thread lag
    seen, original = [], sqlite.checkpoint

    def watched(db):
        seen.append(original(db))
        return seen[-1]

    monkeypatch.setattr(sqlite, "checkpoint", watched)
    AuditLog.objects.bulk_create(
        [AuditLog(action="c.write", object_type="a.b", object_id=str(i)) for i in range(50)]
    )
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(copied > 0 for _busy, _frames, copied in seen):
        time.sleep(0.05)
    assert any(copied > 0 for _busy, _frames, copied in seen), seen


def test_a_request_connection_is_not_started_twice(monkeypatch):
    connection.ensure_connection()
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name))
    sqlite.start_checkpointer(None, connection)
    assert started == []


@pytest.mark.django_db(transaction=False)
def test_a_replaced_database_file_is_followed(tmp_path, monkeypatch):
    """A test database is deleted and made again under the same name: the thread moves to the
    new file instead of checkpointing the old one for ever."""
    import sqlite3

    path = tmp_path / "replaced.sqlite3"

    def make() -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA wal_autocheckpoint=0")
        db.execute("CREATE TABLE IF NOT EXISTS t (v)")
        return db

    make().close()  # the first file, its log folded in on close
    monkeypatch.setattr(sqlite, "CHECKPOINT_SECONDS", 0.02)
    seen, original = [], sqlite.checkpoint
    monkeypatch.setattr(sqlite, "checkpoint", lambda db: seen.append(original(db)) or seen[-1])
    stop = threading.Event()
    worker = threading.Thread(target=sqlite._checkpoint_forever, args=(str(path), stop), daemon=True)
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        path.unlink()
        writer = make()  # the new file, with frames in its log (kept open: the log stays)
        with writer:
            writer.execute("BEGIN")
            writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
        after = len(seen)  # checkpoints from here on see the committed rows

        def folded_in() -> bool:  # a round that copied every frame of the new log
            return any(f > 0 and c == f for _b, f, c in seen[after:])

        deadline = time.monotonic() + 30  # a busy machine may be slow to run the thread
        while not folded_in() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert folded_in(), seen
        # The pages went into the new file itself (read without its log), not into the old one.
        main_only = sqlite3.connect(path.as_uri() + "?immutable=1", uri=True)
        assert main_only.execute("SELECT count(*) FROM t").fetchone()[0] == 100
        main_only.close()
        writer.close()
    finally:
        stop.set()
        worker.join(timeout=5)
