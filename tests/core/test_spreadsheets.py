"""core.spreadsheets: every .xlsx the platform writes keeps text as text (no formula a member can
plant), and every .xlsx it reads is checked before it is opened and parsed under limits."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import time
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from unionhome.core import spreadsheets
from unionhome.core.spreadsheets import SpreadsheetError

from ..xlsx_files import read_back, row_xml, shared_strings_bomb, with_sheet, workbook

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2 hours",
    "@SUM(A1)",
    "\t=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]


def one_row(row) -> list:
    cells = read_back(spreadsheets.xlsx_bytes("表", ["列"] * len(row), [row]))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    return cells[len(row) :]


# -- writing ------------------------------------------------------------------------------------


def test_text_that_looks_like_a_formula_is_written_as_text():
    cells = one_row(HOSTILE)
    assert [c.value for c in cells] == ["'" + v for v in HOSTILE]
    assert {c.data_type for c in cells} == {"s"}


def test_a_carriage_return_in_front_is_neutralised_too():
    (cell,) = one_row(["\r=1+1"])
    assert cell.data_type == "s" and cell.value.startswith("'") and cell.value.endswith("=1+1")


def test_numbers_stay_numbers_and_ordinary_text_is_untouched():
    cells = one_row([-5, -2.5, Decimal("-3.20"), 0, "王建国", "a=b", "138****8000", dt.date(2024, 3, 1)])
    assert [c.value for c in cells[:7]] == [-5, -2.5, -3.2, 0, "王建国", "a=b", "138****8000"]
    assert [c.data_type for c in cells[:4]] == ["n"] * 4
    assert cells[7].is_date and cells[7].value.date() == dt.date(2024, 3, 1)


def test_characters_excel_cannot_hold_and_aware_times_do_not_break_an_export():
    at = timezone.make_aware(dt.datetime(2026, 5, 1, 9, 30))
    cells = one_row(["坏\x01字\x1f", at, gettext_lazy("姓名")])
    assert cells[0].value == "坏字"
    assert cells[1].value == dt.datetime(2026, 5, 1, 9, 30)  # local time, as staff read it
    assert cells[2].value == "姓名"


def test_header_and_column_widths():
    data = spreadsheets.xlsx_bytes("错误明细", ["行号", "=列"], [[3, "x"]], widths=(8, 14))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "错误明细"
    assert [c.value for c in sheet[1]] == ["行号", "'=列"]
    assert sheet.column_dimensions["A"].width == 8 and sheet.column_dimensions["B"].width == 14


def test_response_is_an_attachment():
    response = spreadsheets.xlsx_response("a.xlsx", "表", ["x"], [["=1"]])
    assert response["Content-Type"] == spreadsheets.XLSX
    assert response["Content-Disposition"] == 'attachment; filename="a.xlsx"'
    assert read_back(response.content)[1].value == "'=1"


# -- reading ------------------------------------------------------------------------------------


def test_reads_the_first_sheet_rows_trimmed_of_trailing_blanks():
    data = workbook([["姓名", "工号", None], ["王建国", "E1"], [None, 3], [dt.datetime(2024, 3, 1), None]])
    sheet = spreadsheets.read_first_sheet(data, max_rows=10)
    assert sheet.rows == [("姓名", "工号"), ("王建国", "E1"), (None, 3), (dt.datetime(2024, 3, 1),)]
    assert not sheet.more


@pytest.mark.parametrize("data", [b"name,phone\n", b"PK\x03\x04 not really", b""])
def test_not_a_zip_is_refused(data):
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(data, max_rows=10)
    assert e.value.code == "not_xlsx" and "xlsx" in e.value.message


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(out.getvalue(), max_rows=10)
    assert e.value.code == "unreadable"


def never(*args, **kwargs):
    raise AssertionError("the file was opened")


def test_unpacking_beyond_the_cap_is_refused_before_it_is_opened(monkeypatch, settings):
    settings.XLSX_MAX_UNPACKED_MB = 50
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(60):  # each part alone is small and compresses like ordinary XML would
            z.writestr(f"xl/part{i}.xml", bytes(range(256)) * 4096)
    monkeypatch.setattr(spreadsheets, "_read_in_child", never)
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(out.getvalue(), max_rows=10)
    assert e.value.code == "too_large" and "50 MB" in e.value.message


def test_a_part_compressed_beyond_reason_is_refused_before_it_is_opened(monkeypatch):
    data = shared_strings_bomb(5)  # 5 MB of one letter, a few KB on the wire
    monkeypatch.setattr(spreadsheets, "_read_in_child", never)
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(data, max_rows=10)
    assert e.value.code == "suspicious"


def test_a_gigabyte_of_shared_strings_is_refused_quickly_in_little_memory(monkeypatch):
    data = shared_strings_bomb(1024)
    assert len(data) < 1_500_000
    monkeypatch.setattr(spreadsheets, "_read_in_child", never)
    tracemalloc.start()
    try:
        started = time.monotonic()
        with pytest.raises(SpreadsheetError):
            spreadsheets.read_first_sheet(data, max_rows=10)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1 and peak < 5_000_000


def test_too_many_parts_are_refused(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(1001):
            z.writestr(f"p{i}", "")
    monkeypatch.setattr(spreadsheets, "_read_in_child", never)
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(out.getvalue(), max_rows=10)
    assert e.value.code == "too_many_parts"


def test_rows_read_are_capped_blank_rows_included():
    blank = (f'<row r="{i}"/>' for i in range(2, 1_000_002))
    data = with_sheet(itertools.chain([row_xml(1, ["姓名"])], blank))
    started = time.monotonic()
    sheet = spreadsheets.read_first_sheet(data, max_rows=1000)
    assert time.monotonic() - started < 10
    assert len(sheet.rows) == 1000 and sheet.more
    assert sheet.rows[0] == ("姓名",) and set(sheet.rows[1:]) == {()}


def test_one_far_away_row_does_not_make_a_million_blank_ones():
    data = with_sheet([row_xml(1, ["姓名"]), row_xml(1_048_576, ["x"])])
    started = time.monotonic()
    sheet = spreadsheets.read_first_sheet(data, max_rows=1000)
    assert time.monotonic() - started < 10
    assert len(sheet.rows) == 1000 and sheet.more


def test_a_lying_dimension_does_not_widen_rows():
    data = with_sheet([row_xml(1, ["a", "b"]), row_xml(2, ["c"])], dimension="A1:XFD1048576")
    sheet = spreadsheets.read_first_sheet(data, max_rows=10)
    assert sheet.rows == [("a", "b"), ("c",)] and not sheet.more


def test_columns_beyond_the_cap_are_not_read():
    data = workbook([[f"c{i}" for i in range(100)]])
    assert spreadsheets.read_first_sheet(data, max_rows=10, max_cols=5).rows == [
        ("c0", "c1", "c2", "c3", "c4")
    ]


def test_reading_runs_under_a_memory_limit(settings):
    """One row of 1.5 million numbers: 25 MB of XML (within the unpacked cap, compressed like any
    sheet) that openpyxl would turn into hundreds of MB of objects. The reader's own process hits
    its limit and is refused; the caller's process never holds it."""
    settings.XLSX_READ_MEMORY_MB = 64
    cells = "".join(f"<c><v>{i}</v></c>" for i in range(1_500_000))
    data = with_sheet([f'<row r="1">{cells}</row>'])
    started = time.monotonic()
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(data, max_rows=10)
    assert e.value.code == "too_large"
    assert time.monotonic() - started < 30


def test_reading_that_takes_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(spreadsheets, "READ_SECONDS", 0.01)
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(workbook([["a"]]), max_rows=10)
    assert e.value.code == "too_slow"


def test_text_read_is_capped(monkeypatch):
    """A shared string is stored once but can be used by every cell: the text handed back is
    counted, not the file."""
    monkeypatch.setattr(spreadsheets, "MAX_TEXT", 1000)
    data = workbook([["王建国" * 10] * 5] * 20)
    with pytest.raises(SpreadsheetError) as e:
        spreadsheets.read_first_sheet(data, max_rows=100)
    assert e.value.code == "too_large"
