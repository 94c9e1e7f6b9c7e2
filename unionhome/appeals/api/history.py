"""Importing a union's past appeals from its ledgers (JSON Lines or .xlsx): `appeals.history`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema

from unionhome.core import spreadsheets
from unionhome.core.bounds import Id
from unionhome.core.errors import DomainError
from unionhome.core.openapi import refuses
from unionhome.core.scoping import staff_org
from unionhome.core.uploads import import_too_large

from .. import history

router = Router()


class LineError(Schema):
    line: int
    field: str
    reason: str


class ImportOut(Schema):
    imported: int
    skipped: int
    errors: list[LineError]


BODY = {
    "requestBody": {
        "content": {
            "application/x-ndjson": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
        }
    }
}


@router.post("/imports/appeals", response=ImportOut, openapi_extra=BODY)
@refuses(400, 403, 404, 413)
def appeals_import(request, org: Id):
    """Staff: past appeals from a ledger, into `org`. A JSON Lines body, one appeal a line:
    `{"source_id", "received_at", "closed_at"|null, "category", "site", "channel", "rating"|null,
    "withdrawn"}`; or multipart `file`, an .xlsx with those columns. Good lines are kept, bad
    ones reported by line and field; a `source_id` imported before is skipped."""
    target = staff_org(request.user, org)
    multipart = request.content_type.startswith("multipart/")
    upload = request.FILES.get("file") if multipart else None
    if multipart and upload is None:
        msg = _("请上传 .xlsx 文件（字段名 file）")
        raise DomainError("invalid", msg, fields={"file": msg})
    size = upload.size if upload is not None else len(request.body)
    if msg := import_too_large(size):
        raise DomainError("too_large", msg, fields={"file": msg}, status=413)
    if upload is not None:
        try:
            sheet = spreadsheets.read_first_sheet(upload.read(), max_rows=history.MAX_LINES + 1, max_cols=16)
        except spreadsheets.SpreadsheetError as exc:
            raise DomainError(exc.code, exc.message, fields={"file": exc.message}) from None
        lines = history.lines_of_sheet(sheet.rows)
    else:
        lines = history.lines_of_jsonl(request.body)
    if not lines:
        msg = _("没有可导入的内容：请每行一条 JSON，或上传 .xlsx")
        raise DomainError("empty", msg, fields={"file": msg})
    result = history.import_appeals(org=target, lines=lines, actor=request.user)
    return {"imported": result.imported, "skipped": result.skipped, "errors": result.errors}
