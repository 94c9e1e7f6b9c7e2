"""Where rate-limit counts and one-time codes live: a store every server process shares, where a
count is raised atomically and a window or a code ends exactly when it was set to.

- With REDIS_URL: Redis, through Django's cache (`caches["limits"]`): `add` opens a window with
  its expiry, `incr` (Redis INCRBY) raises the count without touching the expiry.
- Embedded (no Redis): a SQLite file of its own, `DATA_DIR/limits.sqlite3`, through the standard
  library, one UPSERT per count. It is not the application's database on purpose: a count must
  stand even when the request's own transaction rolls back (a wrong code raised inside a
  transaction still counts), and a second SQLite file never waits on the first's write lock.
  Django's file cache is no substitute: its `incr` is a read and a write that resets the expiry
  to five minutes, and it deletes a third of its entries at random past 300.

Counts and codes are keyed by callers with hashed names (core.throttle, core.otp)."""

from __future__ import annotations

import random
import sqlite3
import threading
import time

from django.conf import settings
from django.core.cache import caches

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, count INTEGER NOT NULL, ends REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, ends REAL NOT NULL)",
)
# A count: a new window opens at 1; a live one goes up by one; a closed one opens again at 1.
_COUNT = (
    "INSERT INTO counts (key, count, ends) VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET"
    " count = CASE WHEN counts.ends > ?3 THEN counts.count + 1 ELSE 1 END,"
    " ends = CASE WHEN counts.ends > ?3 THEN counts.ends ELSE excluded.ends END"
    " RETURNING count"
)
PURGE_EVERY = 500  # about one write in this many also deletes what has expired


class SqliteStore:
    def __init__(self, path):
        self.path = str(path)
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            self._set_up(db)
            self._local.db = db
        return db

    @staticmethod
    def _set_up(db: sqlite3.Connection) -> None:
        """Switching a new file to WAL does not wait on the busy timeout: two connections doing
        it at once get "database is locked" at once. It is tried again for up to ten seconds."""
        for attempt in range(200):
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                for statement in _SCHEMA:
                    db.execute(statement)
                return
            except sqlite3.OperationalError:
                if attempt == 199:
                    raise
                time.sleep(0.05)

    def _maybe_purge(self, now: float) -> None:
        if random.randrange(PURGE_EVERY) == 0:  # noqa: S311 — housekeeping, not security
            self._db().execute("DELETE FROM counts WHERE ends <= ?", (now,))
            self._db().execute("DELETE FROM entries WHERE ends <= ?", (now,))

    def incr(self, key: str, window: int) -> int:
        now = time.time()
        self._maybe_purge(now)
        return self._db().execute(_COUNT, (key, now + window, now)).fetchone()[0]

    def count(self, key: str) -> int:
        row = (
            self._db()
            .execute("SELECT count FROM counts WHERE key = ? AND ends > ?", (key, time.time()))
            .fetchone()
        )
        return row[0] if row else 0

    def forget(self, key: str) -> None:
        self._db().execute("DELETE FROM counts WHERE key = ?", (key,))
        self._db().execute("DELETE FROM entries WHERE key = ?", (key,))

    def put(self, key: str, value: str, ttl: int) -> None:
        self._db().execute(
            "INSERT INTO entries (key, value, ends) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value, ends = excluded.ends",
            (key, value, time.time() + ttl),
        )

    def get(self, key: str) -> str | None:
        row = (
            self._db()
            .execute("SELECT value FROM entries WHERE key = ? AND ends > ?", (key, time.time()))
            .fetchone()
        )
        return row[0] if row else None

    def clear(self) -> None:
        self._db().execute("DELETE FROM counts")
        self._db().execute("DELETE FROM entries")


class CacheStore:
    """Redis through Django's cache: SET NX EX opens a window, INCRBY counts within it."""

    def __init__(self):
        self.cache = caches["limits"]

    def incr(self, key: str, window: int) -> int:
        if self.cache.add(key, 1, timeout=window):
            return 1
        try:
            return self.cache.incr(key)
        except ValueError:  # the window closed between add and incr
            self.cache.add(key, 1, timeout=window)
            return 1

    def count(self, key: str) -> int:
        return int(self.cache.get(key) or 0)

    def forget(self, key: str) -> None:
        self.cache.delete(key)

    def put(self, key: str, value: str, ttl: int) -> None:
        self.cache.set(key, value, timeout=ttl)

    def get(self, key: str) -> str | None:
        return self.cache.get(key)

    def clear(self) -> None:
        self.cache.clear()


_stores: dict[str, SqliteStore | CacheStore] = {}
_lock = threading.Lock()


def store() -> SqliteStore | CacheStore:
    """The store for the current settings (tests switch between them)."""
    name = "redis" if settings.REDIS_URL else str(settings.DATA_DIR / "limits.sqlite3")
    with _lock:
        if name not in _stores:
            _stores[name] = CacheStore() if settings.REDIS_URL else SqliteStore(name)
        return _stores[name]
