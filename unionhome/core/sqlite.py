"""SQLite's WAL checkpoints, off the request path.

In WAL mode a commit appends the pages it changed to the log, and a checkpoint copies them back
into the database file and syncs it to disk. By default the commit that takes the log past 1,000
pages runs the checkpoint itself, so every few dozen appeals one member waits for two disk syncs
and a copy of every page the log holds — many of them the same few pages (an index's last leaf)
written again and again. Here each process that uses SQLite runs the checkpoint in a thread of
its own every half second instead: a page changed by a hundred commits is copied once, the disk
syncs happen there, and no request waits for them. The connections' own automatic checkpoint
stays on at a much larger size (`AUTOCHECKPOINT_PAGES`), as a bound on the log should the thread
fall behind. A PASSIVE checkpoint takes no lock that readers or writers wait for.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 0.5
AUTOCHECKPOINT_PAGES = 20_000  # 80 MB of 4 KB pages
LOG_SIZE_LIMIT = 64 * 1024 * 1024  # the log file is cut back to this after it is reset

_guard = threading.Lock()
_running: dict[str, int] = {}  # database path → the process that runs its checkpointer


def pragmas() -> str:
    """What every connection sets (Django's `init_command`)."""
    return (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}; PRAGMA journal_size_limit={LOG_SIZE_LIMIT};"
    )


def start_checkpointer(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: start this process's checkpointer for the database, once.
    A forked child (a server worker) starts its own: threads do not survive the fork."""
    if connection.vendor != "sqlite":
        return
    path = str(connection.settings_dict["NAME"])
    if path == ":memory:" or path.startswith("file:"):
        return
    with _guard:
        if _running.get(path) == os.getpid():
            return
        _running[path] = os.getpid()
    threading.Thread(target=_checkpoint_forever, args=(path,), daemon=True, name="sqlite-checkpoint").start()


def checkpoint(db: sqlite3.Connection) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (1 if it could not finish, frames in the log, frames copied)."""
    return db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


def _checkpoint_forever(path: str, stop: threading.Event | None = None) -> None:
    # A connection for each round, not one kept open: a test database is deleted and made again
    # under the same name (often with the same inode number), and a kept connection would go on
    # checkpointing the old file. Opening one costs far less than the checkpoint.
    uri = Path(path).resolve().as_uri() + "?mode=rw"  # never creates a file that is gone
    while stop is None or not stop.is_set():
        time.sleep(CHECKPOINT_SECONDS)
        try:
            db = sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None)
            try:
                checkpoint(db)
            finally:
                db.close()
        except sqlite3.Error as exc:  # locked, or the file is gone: next time
            log.debug("checkpoint of %s skipped: %s", path, exc)
