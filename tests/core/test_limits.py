"""The store behind rate limits and one-time codes (core.limits): every count is raised once, by
every thread and process at once; a window ends when it was set to end, not five minutes after
the last try; nothing is dropped to make room; a count stands when the request's transaction
rolls back."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from django.db import transaction

from unionhome.core import limits, otp, throttle
from unionhome.core.limits import CacheStore, SqliteStore


def _hammer(path: str, key: str, times: int) -> None:
    store = SqliteStore(path)
    for _ in range(times):
        store.incr(key, 3600)


def test_counts_from_threads_and_processes_at_once_are_all_kept(tmp_path):
    path = str(tmp_path / "limits.sqlite3")
    failures = []

    def hammer(*args):
        try:
            _hammer(*args)
        except Exception as exc:  # noqa: BLE001 — a thread's error is the test's failure
            failures.append(exc)

    threads = [threading.Thread(target=hammer, args=(path, "k", 100)) for _ in range(4)]
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_hammer, args=(path, "k", 100)) for _ in range(2)]
    for worker in [*threads, *processes]:
        worker.start()
    for worker in [*threads, *processes]:
        worker.join(timeout=120)
    assert all(p.exitcode == 0 for p in processes) and failures == []
    assert SqliteStore(path).count("k") == 600


def test_a_window_ends_when_it_was_opened_to_end(tmp_path, monkeypatch):
    store = SqliteStore(tmp_path / "limits.sqlite3")
    now = [1_000_000.0]
    monkeypatch.setattr(limits.time, "time", lambda: now[0])
    assert store.incr("k", 3600) == 1
    now[0] += 3000
    assert store.incr("k", 3600) == 2  # a later try does not push the end back
    now[0] += 599
    assert store.count("k") == 2
    now[0] += 2
    assert store.count("k") == 0 and store.incr("k", 3600) == 1  # a new window


def test_nothing_is_dropped_to_make_room(tmp_path):
    store = SqliteStore(tmp_path / "limits.sqlite3")
    store.incr("victim", 3600)
    for i in range(2000):
        store.incr(f"junk-{i}", 3600)
    assert store.count("victim") == 1


def test_codes_expire_on_time(tmp_path, monkeypatch):
    store = SqliteStore(tmp_path / "limits.sqlite3")
    now = [1_000_000.0]
    monkeypatch.setattr(limits.time, "time", lambda: now[0])
    store.put("code", "digest", 600)
    now[0] += 599
    assert store.get("code") == "digest"
    now[0] += 2
    assert store.get("code") is None


def test_the_redis_store_counts_within_one_window(settings):
    """The Redis path through Django's cache, on an in-memory cache with the same semantics."""
    settings.CACHES = {
        **settings.CACHES,
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    store = CacheStore()
    assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    store.put("code", "digest", 60)
    assert store.get("code") == "digest" and store.count("k") == 3
    store.forget("k")
    assert store.count("k") == 0


def test_a_wrong_code_counts_even_when_the_request_rolls_back(db, settings):
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_DEV_ECHO = True
    code = otp.send(
        purpose="phone", target="13500000000", phone="13500000000", text="%(code)s", address="1.2.3.4"
    )
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.OTP_ATTEMPTS):
        with pytest.raises(RuntimeError), transaction.atomic():
            assert not otp.verify(purpose="phone", target="13500000000", code=wrong)
            raise RuntimeError("the request failed after the check")
    assert not otp.verify(purpose="phone", target="13500000000", code=code)  # void: the tries stood


def test_throttle_uses_the_store_for_the_settings(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert throttle.hit("x", "k", limit=1, window=60) and not throttle.hit("x", "k", limit=1, window=60)
    assert (tmp_path / "limits.sqlite3").exists()
    assert limits.store() is limits.store()
