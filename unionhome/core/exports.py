"""Spreadsheet downloads (.xlsx) in one place: a title row, a header, the rows."""

from __future__ import annotations

import io

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, sheet_title: str, header: list, rows) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = str(sheet_title)[:31]
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
