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
