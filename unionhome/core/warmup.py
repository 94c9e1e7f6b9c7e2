"""What a server needs built before it answers, built once, loaded by every process.

Apps register their artefacts (`artefact(...)` from their AppConfig.ready): the appeal classifier,
the assistant's index. Each has three parts:
- `prepare` builds it and saves it under DATA_DIR/models. `unionhome serve` runs every prepare
  once, before the web server forks its workers, so two cores never train the same model four
  times over while the first members wait (`unionhome prepare` does the same on its own);
- `load` reads it into this process: each web process does that as it imports the application
  (`start`), before its server accepts a connection, so no member's request waits for it and no
  request reaches a process still loading (with two processes behind one port, a thread would
  let the second answer while the first already says ready); a missing or stale file is
  rebuilt there;
- `loaded` says whether this process holds it: `/api/v1/health` answers ready only when every
  artefact is loaded (`status`).

Then what the process built is frozen out of the garbage collector's full passes.

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
import os
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.module_loading import import_string

log = logging.getLogger("unionhome.warmup")


@dataclass(frozen=True)
class Artefact:
    name: str
    prepare: str  # dotted path of a function: build and save
    load: str  # dotted path: hold it in this process
    loaded: str  # dotted path: a function answering whether this process holds it


ARTEFACTS: dict[str, Artefact] = {}


def artefact(name: str, *, prepare: str, load: str, loaded: str) -> None:
    ARTEFACTS[name] = Artefact(name, prepare, load, loaded)


def models_dir() -> Path:
    """Where artefacts are saved: DATA_DIR/models."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "models"


def write(path: Path, obj, *, keep: str | None = None) -> None:
    """Pickle `obj` to `path`, under a name of its own first (two processes may write at once),
    then remove the older files of the same artefact (those matching the glob `keep`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(pickle.dumps(obj))
    tmp.replace(path)
    for old in path.parent.glob(keep) if keep else ():
        if old != path:
            old.unlink(missing_ok=True)


def read(path: Path):
    """What `write` saved at `path`, or None: missing (another process may have just replaced
    it), truncated, or written by other versions of the libraries. The caller builds it again."""
    try:
        return pickle.loads(path.read_bytes())  # noqa: S301 — written only by `write`, into our own data directory
    except Exception:  # noqa: BLE001
        return None


def prepare_all(report: Callable[[str, float], object] = lambda name, seconds: None) -> None:
    """Build and save every artefact (each skips the work when its saved copy is current)."""
    import time

    for a in ARTEFACTS.values():
        started = time.perf_counter()
        import_string(a.prepare)()
        report(a.name, time.perf_counter() - started)


def status() -> dict[str, bool]:
    """Artefact name → whether this process holds it."""
    return {a.name: bool(import_string(a.loaded)()) for a in ARTEFACTS.values()}


def start() -> None:
    """Load every artefact, here and now, then freeze the heap."""
    run(tuple(import_string(a.load) for a in ARTEFACTS.values()))


def run(steps: tuple[Callable[[], object], ...]) -> None:
    """Each step in order (one that fails is logged and skipped: e.g. before `migrate`, the
    first request that needs it does that work instead, and health says ready from then on),
    then the heap is frozen."""
    from django.db import connection

    for step in steps:
        try:
            step()
        except Exception as exc:
            log.warning("warm-up step %s skipped: %s", getattr(step, "__qualname__", step), exc)
    connection.close()  # opened at import, before the server's own threads: theirs are their own
    gc.freeze()
