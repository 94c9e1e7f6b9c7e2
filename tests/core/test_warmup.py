"""A server process's start-up work (core.warmup): every step runs, a failing one does not stop
the rest, and what they built is then frozen out of the collector's full passes; a web process
holds every artefact before it has imported its application."""

import gc
import os
import subprocess
import sys

from unionhome.core import warmup


def test_steps_run_in_order_and_what_they_built_is_frozen(caplog):
    built = []

    def index():
        built.extend([i] for i in range(50_000))  # long-lived objects, as an index is

    def fails():
        raise RuntimeError("no such table")

    gc.unfreeze()
    try:
        warmup.run((index, fails, lambda: built.append("model")))
        assert built[-1] == "model" and len(built) == 50_001
        assert "no such table" in caplog.text
        assert gc.get_freeze_count() > len(built)  # the index's objects among them
    finally:
        gc.unfreeze()


def test_the_application_is_importable_only_once_everything_is_held(tmp_path):
    """Importing unionhome.wsgi (what a server does before it accepts a connection) leaves the
    process holding the classifier and the index: no thread is still loading them."""
    script = "import unionhome.wsgi;from unionhome.core import warmup;print(sorted(warmup.status().items()))"
    env = {**os.environ, "UNIONHOME_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "unionhome.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "unionhome.cli", "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "unionhome.cli", "assistant", "load"], env=env, check=True)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[('appeal classifier', True), ('assistant index', True)]"
