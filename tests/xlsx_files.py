"""Spreadsheets for tests, hostile ones included: an ordinary workbook whose parts are swapped
for hand-written XML, streamed chunk by chunk so a part can unpack to far more than the test
itself holds in memory."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def workbook(rows: Iterable[Iterable]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_parts(data: bytes, parts: dict[str, bytes | Iterable[bytes]]) -> bytes:
    """The zip `data` with the named members' contents replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in parts.items():
            with dst.open(name, "w", force_zip64=True) as f:
                for chunk in [content] if isinstance(content, bytes) else content:
                    f.write(chunk)
    return out.getvalue()


def row_xml(number: int, values: Iterable = ()) -> str:
    cells = "".join(
        f'<c r="{get_column_letter(i)}{number}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
        for i, v in enumerate(values, start=1)
        if v not in ("", None)
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: Iterable[str], *, dimension: str | None = None) -> Iterator[bytes]:
    """A worksheet part from row elements, written in batches."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}<sheetData>'.encode()
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()
    yield b"</sheetData></worksheet>"


def with_sheet(rows: Iterable[str], **kw) -> bytes:
    """A workbook whose first sheet is exactly these row elements."""
    return replace_parts(workbook([["x"]]), {SHEET: sheet_xml(rows, **kw)})


def shared_strings_bomb(megabytes: int) -> bytes:
    """One shared string of `megabytes` MB of the same letter: a few hundred KB on the wire."""

    def part() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode()
        chunk = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            yield chunk
        yield b"</t></si></sst>"

    return replace_parts(workbook([["姓名"], ["x"]]), {STRINGS: part()})


def read_back(data: bytes) -> list:
    """Every cell of the first sheet as openpyxl loads it (formulas as formulas, not values)."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]
