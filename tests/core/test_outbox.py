"""The transactional outbox (core.outbox): background work runs if and only if the change that
called for it commits, reaches the queue once per relay hand-over, and two relays at once never
hand the same row over twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from huey.contrib.djhuey import db_task

from unionhome.core import outbox
from unionhome.core.models import OutboxTask

CALLS: list = []
_lock = threading.Lock()


@db_task()
def record(value, extra=None):
    with _lock:
        CALLS.append((value, extra))


@pytest.fixture(autouse=True)
def _clear():
    CALLS.clear()
    yield
    CALLS.clear()


def test_work_waits_for_the_commit_and_runs_once(transactional_db):
    with transaction.atomic():
        outbox.later(record, 1, {"ids": [3, 4]})
        outbox.later(record, 2)
        assert OutboxTask.objects.count() == 2
        assert CALLS == []  # nothing reaches the queue before the commit
    # Committed: the commit ran the relay (HUEY immediate in tests; the worker's relay otherwise).
    assert CALLS == [(1, {"ids": [3, 4]}), (2, None)]
    assert not OutboxTask.objects.exists()
    assert outbox.relay() == 0  # handed over once


def test_work_of_a_rolled_back_savepoint_never_runs_and_the_rest_does(transactional_db):
    with transaction.atomic():
        try:
            with transaction.atomic():
                outbox.later(record, "undone")
                raise RuntimeError
        except RuntimeError:
            pass
        outbox.later(record, "kept")
    assert CALLS == [("kept", None)]


def test_collected_work_is_written_in_one_statement(transactional_db, django_assert_num_queries):
    with transaction.atomic():
        with django_assert_num_queries(1), outbox.collected():
            outbox.later(record, 1)
            with outbox.collected():  # a nested block leaves the writing to the outer one
                outbox.later(record, 2)
            outbox.later(record, 3)
        assert OutboxTask.objects.count() == 3 and CALLS == []
    assert CALLS == [(1, None), (2, None), (3, None)]
    with transaction.atomic():
        with pytest.raises(ValueError), outbox.collected():
            outbox.later(record, 4)
            raise ValueError
        assert OutboxTask.objects.count() == 0  # a block that raised wrote nothing
    assert CALLS == [(1, None), (2, None), (3, None)]


def test_rolled_back_work_never_runs(transactional_db):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.later(record, 1)
        raise RuntimeError("the change failed")
    assert not OutboxTask.objects.exists()
    assert outbox.relay() == 0 and CALLS == []


def test_outside_a_transaction_it_is_queued_at_once(transactional_db):
    outbox.later(record, 7)
    assert CALLS == [(7, None)] and not OutboxTask.objects.exists()


def test_a_failed_hand_over_keeps_the_rows(db, monkeypatch):
    OutboxTask.objects.create(task=outbox.task_path(record), args=[1])

    def queue_down(*args):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(type(record), "__call__", lambda self, *a: queue_down(*a))
    with pytest.raises(ConnectionError):
        outbox.relay()
    assert OutboxTask.objects.count() == 1  # still there for the next relay
    monkeypatch.undo()
    assert outbox.relay() == 1 and CALLS == [(1, None)]


def test_an_unknown_task_is_dropped_not_retried_forever(db, caplog):
    OutboxTask.objects.create(task="unionhome.nowhere.gone", args=[])
    OutboxTask.objects.create(task=outbox.task_path(record), args=[5])
    assert outbox.relay() == 2
    assert CALLS == [(5, None)] and "unionhome.nowhere.gone" in caplog.text
    assert not OutboxTask.objects.exists()


def test_relays_at_once_hand_each_row_over_once(transactional_db):
    OutboxTask.objects.bulk_create([OutboxTask(task=outbox.task_path(record), args=[i]) for i in range(600)])
    errors = []

    def run():
        try:
            outbox.relay(limit=50)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(v for v, _ in CALLS) == list(range(600))
    assert not OutboxTask.objects.exists()


def test_background_work_of_the_services_goes_through_the_outbox(
    personas, django_capture_on_commit_callbacks
):
    from unionhome.appeals.services import appeal_submit
    from unionhome.core.models import Notification

    with django_capture_on_commit_callbacks() as hooks:
        appeal = appeal_submit(actor=personas.member_user, text="宿舍热水器坏了，下夜班洗不了澡")
    tasks = sorted(OutboxTask.objects.values_list("task", flat=True))
    # The receipt goes to the member's inbox from the task, after commit: not yet.
    assert tasks == ["unionhome.appeals.tasks.after_intake"]
    receipt = Notification.objects.filter(user=personas.member_user, url=f"/appeals/{appeal.pk}/")
    assert not receipt.exists()
    with django_capture_on_commit_callbacks(execute=True):  # and what the task queues in turn
        for hook in hooks:
            hook()
    assert not OutboxTask.objects.exists()
    assert receipt.count() == 1
