"""The child process that reads a spreadsheet for core.spreadsheets.read_first_sheet.

    python -P spreadsheet_reader.py MEMORY_MB MAX_ROWS MAX_COLS MAX_TEXT < book.xlsx

It caps its own address space at what it uses once openpyxl is loaded plus MEMORY_MB, reads the
workbook from stdin, and writes the first sheet's rows to stdout as JSON: {"rows": [...], "more":
bool} or {"error": code}. Out of memory, it exits with code 3. It imports only the standard library
and openpyxl (no Django, nothing of the project), so it starts in a fraction of a second and holds
nothing of the worker that started it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys

MEMORY_EXIT = 3


def limit_memory(megabytes: int) -> None:
    """RLIMIT_AS: every allocation past the cap fails (Python raises MemoryError). Linux only; on
    another system the time limit and the row, column and text caps still hold."""
    try:
        import resource

        with open("/proc/self/statm") as f:
            in_use = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return
    cap = in_use + megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def encode(value):
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"seconds": value.total_seconds()}
    return value


def read(data: bytes, *, max_rows: int, max_cols: int, max_text: int) -> dict:
    """Explicit max_row and max_col: openpyxl would otherwise take them from the sheet's own
    <dimension>, which a file can set to a million rows by sixteen thousand columns."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows: list[list] = []
    text = 0
    for row in sheet.iter_rows(max_row=max_rows + 1, max_col=max_cols, values_only=True):
        if len(rows) == max_rows:
            return {"rows": rows, "more": True}
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        text += sum(len(v) if isinstance(v, str) else 8 for v in values)
        if text > max_text:
            return {"error": "too_much_text"}
        rows.append([encode(v) for v in values])
    return {"rows": rows, "more": False}


def main() -> None:
    memory_mb, max_rows, max_cols, max_text = (int(a) for a in sys.argv[1:5])
    import openpyxl  # noqa: F401 — loaded before the cap is measured, so the cap is all for the file

    limit_memory(memory_mb)
    try:
        data = sys.stdin.buffer.read()
        answer = read(data, max_rows=max_rows, max_cols=max_cols, max_text=max_text)
        out = json.dumps(answer, ensure_ascii=False).encode()
    except MemoryError:
        sys.exit(MEMORY_EXIT)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        out = json.dumps({"error": "unreadable", "kind": type(exc).__name__}).encode()
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
