"""A server process's start-up work (core.warmup): every step runs, a failing one does not stop
the rest, and what they built is then frozen out of the collector's full passes."""

import gc

from unionhome.core import warmup


def test_steps_run_in_order_and_what_they_built_is_frozen(caplog):
    built = []

    def index():
        built.extend([i] for i in range(50_000))  # long-lived objects, as an index is

    def fails():
        raise RuntimeError("no such table")

    gc.unfreeze()
    try:
        thread = warmup.in_background(index, fails, lambda: built.append("model"))
        thread.join(10)
        assert built[-1] == "model" and len(built) == 50_001
        assert "no such table" in caplog.text
        assert gc.get_freeze_count() > len(built)  # the index's objects among them
    finally:
        gc.unfreeze()
