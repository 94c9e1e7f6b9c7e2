"""The child process that reads a workbook for core.spreadsheets (read_first_sheet, read_table).

    python -P spreadsheet_reader.py MEMORY_MB MAX_ROWS MAX_COLS MAX_TEXT [xlsx|xls] < book

It caps its own address space at what it uses once its library is loaded plus MEMORY_MB, reads the
workbook from stdin (.xlsx with openpyxl, Excel 97–2003 .xls with xlrd), and writes the first
sheet's rows to stdout as JSON: {"rows": [...], "more": bool} or {"error": code}. Out of memory, it
exits with code 3. It imports only the standard library and the one reader (no Django, nothing of
the project), so it starts in a fraction of a second and holds nothing of the worker that started
it.

Merged cells read as people see them: every cell of a merged range holds the range's value (a
site written once beside ten rows belongs to all ten; a title merged across the top is the same
text in each column of its row, which no header is).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import sys
import zipfile

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


def _size(values) -> int:
    return sum(len(v) if isinstance(v, str) else 8 for v in values)


class TooMuchText(Exception):
    pass


def _collect(row_iter, *, max_rows: int, max_text: int) -> tuple[list[list], bool]:
    rows: list[list] = []
    text = 0
    for row in row_iter:
        if len(rows) == max_rows:
            return rows, True
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        text += _size(values)
        if text > max_text:
            raise TooMuchText
        rows.append(values)
    return rows, False


def fill_merged(rows: list[list], ranges, *, max_cols: int, max_text: int) -> None:
    """Every cell of each merged range (first row, first column, last row, last column; 1-based,
    inclusive) takes the range's top-left value, within the rows read and `max_cols`."""
    text = sum(_size(r) for r in rows)
    for r1, c1, r2, c2 in ranges:
        if not (1 <= r1 <= len(rows) and 1 <= c1 <= max_cols):
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if value is None:
            continue
        last_col = min(c2, max_cols)
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            for c in range(c1, last_col + 1):
                if row[c - 1] is None:
                    row[c - 1] = value
                    text += _size([value])
        if text > max_text:
            raise TooMuchText


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _xlsx_merges(data: bytes, part: str):
    """The merged ranges of one sheet, from its XML (openpyxl's read-only mode does not read
    them). Parts in a workbook are named from the workbook's own list, never from outside."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    end = xml.rfind(b"</sheetData>")
    for m in _MERGE.finditer(xml, max(end, 0)):
        yield int(m[2]), _column(m[1]), int(m[4]), _column(m[3])


def read(data: bytes, *, max_rows: int, max_cols: int, max_text: int) -> dict:
    """Explicit max_row and max_col: openpyxl would otherwise take them from the sheet's own
    <dimension>, which a file can set to a million rows by sixteen thousand columns."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    try:
        rows, more = _collect(
            sheet.iter_rows(max_row=max_rows + 1, max_col=max_cols, values_only=True),
            max_rows=max_rows,
            max_text=max_text,
        )
        path = getattr(sheet, "_worksheet_path", None)
        if path:
            fill_merged(rows, _xlsx_merges(data, path), max_cols=max_cols, max_text=max_text)
    except TooMuchText:
        return {"error": "too_much_text"}
    return {"rows": [[encode(v) for v in r] for r in rows], "more": more}


def read_xls(data: bytes, *, max_rows: int, max_cols: int, max_text: int) -> dict:
    """An Excel 97–2003 workbook: numbers, text, dates (by the book's own date system)."""
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    sheet = book.sheet_by_index(0)

    def value(cell):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate_as_datetime(cell.value, book.datemode)
            except (xlrd.xldate.XLDateError, ValueError, OverflowError):
                return cell.value
        if cell.ctype in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER):
            return cell.value
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        return None  # empty, blank, error

    def rows_of():
        for r in range(min(sheet.nrows, max_rows + 1)):
            yield [value(c) for c in sheet.row_slice(r, 0, min(sheet.ncols, max_cols))]

    try:
        rows, more = _collect(rows_of(), max_rows=max_rows, max_text=max_text)
        merges = ((r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in sheet.merged_cells)  # half-open, 0-based
        fill_merged(rows, merges, max_cols=max_cols, max_text=max_text)
    except TooMuchText:
        return {"error": "too_much_text"}
    return {"rows": [[encode(v) for v in r] for r in rows], "more": more or sheet.nrows > max_rows}


def main() -> None:
    memory_mb, max_rows, max_cols, max_text = (int(a) for a in sys.argv[1:5])
    kind = sys.argv[5] if len(sys.argv) > 5 else "xlsx"
    if kind == "xls":
        import xlrd  # noqa: F401 — loaded before the cap is measured, so the cap is all for the file
    else:
        import openpyxl  # noqa: F401

    limit_memory(memory_mb)
    try:
        data = sys.stdin.buffer.read()
        reader = read_xls if kind == "xls" else read
        answer = reader(data, max_rows=max_rows, max_cols=max_cols, max_text=max_text)
        out = json.dumps(answer, ensure_ascii=False).encode()
    except MemoryError:
        sys.exit(MEMORY_EXIT)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        out = json.dumps({"error": "unreadable", "kind": type(exc).__name__}).encode()
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
