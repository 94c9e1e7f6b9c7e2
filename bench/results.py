"""What every benchmark shares: its figures saved as JSON under bench/results/, percentiles, and
how much of the machine's CPU time the host took for other guests while a figure was measured."""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def save(name: str, data) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2))


def percentile(values, p: float) -> float:
    data = sorted(values)
    return data[min(len(data) - 1, int(p / 100 * len(data)))] if data else 0.0


def cpu_ticks() -> tuple[int, int] | None:
    """(all CPU ticks, ticks stolen by the hypervisor) so far, from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal (guest time is already in user and nice)
    return sum(fields[:8]), fields[7] if len(fields) > 7 else 0


def stolen_share(before: tuple[int, int] | None) -> float | None:
    """The share of CPU time stolen since `before`: on a shared virtual machine, the other guests'
    load, which no figure measured in the same window escapes."""
    after = cpu_ticks()
    if before is None or after is None or after[0] == before[0]:
        return None
    return round((after[1] - before[1]) / (after[0] - before[0]), 2)


def _stat(pid: str) -> tuple[int, float, float, str] | None:
    """(parent pid, CPU seconds used, CPU seconds of its exited children, command name) of a
    process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            head, tail = f.read().rsplit(")", 1)
    except OSError:
        return None
    fields, tick = tail.split(), os.sysconf("SC_CLK_TCK")
    used = (int(fields[11]) + int(fields[12])) / tick
    reaped = (int(fields[13]) + int(fields[14])) / tick
    return int(fields[1]), used, reaped, head.partition("(")[2]


def serving_cpu(root: int, database: str | None = None) -> float | None:
    """CPU seconds used so far by process `root` and its descendants (a server and its workers)
    and, with `database`, by PostgreSQL's backends serving that database: the work a request
    costs, which — unlike requests per second — time stolen by the host does not change.

    A process that exits takes its CPU time out of the running processes' sum and into its
    parent's count of exited children, so that count is added too: for the server's processes,
    and for PostgreSQL's postmaster, whose backends end when a connection reaches its maximum age
    (DB_CONN_MAX_AGE, 60 s). Without it, a window in which a connection was replaced lost all
    the CPU its backend had used since it started."""
    if not os.path.isdir("/proc"):
        return None
    procs = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (found := _stat(pid)) is not None:
            procs[int(pid)] = found
    total = 0.0
    for pid, (parent, used, reaped, name) in procs.items():
        ancestor = pid
        while ancestor > 1 and ancestor != root:
            ancestor = procs.get(ancestor, (0,))[0]
        if ancestor == root:
            total += used + reaped
        elif database is not None and name == "postgres":
            if procs.get(parent, (0, 0, 0, ""))[3] != "postgres":
                total += reaped  # the postmaster: its backends that have ended
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    words = f.read().replace(b"\0", b" ").split()
            except OSError:
                continue
            # "postgres: [cluster:] user database host(port) state"
            if words[:1] == [b"postgres:"] and database.encode() in words[1:4]:
                total += used
    return total
