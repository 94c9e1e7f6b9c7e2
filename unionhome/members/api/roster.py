"""Staff: roster imports in the background."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.bounds import Id
from unionhome.core.errors import DomainError
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, staff_org
from unionhome.core.uploads import import_too_large

from .. import roster, roster_cells
from ..models import (
    RosterImport,
)

router = Router()


class RosterImportStarted(Schema):
    id: int


class RosterRowError(Schema):
    row: int  # as numbered in the sheet (0: the file itself)
    column: str
    reason: str


class RosterImportOut(Schema):
    id: int
    status: Literal["running", "done", "failed"]
    total: int
    created: int
    updated: int
    errors: list[RosterRowError]


SiteColumn = Literal[roster_cells.SITE_COLUMNS]  # type: ignore[valid-type]


@router.post("/roster/imports", response={202: RosterImportStarted})
@refuses(403, 404, 413)
def roster_import_create(request, org: Id, file: File[UploadedFile], site_column: SiteColumn | None = None):
    """Staff: import a roster (.xlsx, .xls or .csv in UTF-8 or GBK) into `org` in the background;
    poll `GET /roster/imports/{id}`. `site_column` reads a column such as 部门 as the work site."""
    target = staff_org(request.user, org)
    if target.kind == "higher":
        msg = _("花名册只能导入到企业或基层工会")
        raise DomainError("not_a_union", msg, fields={"org": msg})
    if msg := import_too_large(file.size or 0):  # before reading it
        raise DomainError("too_large", msg, fields={"file": msg}, status=413)
    job = roster.roster_import_start(
        org=target,
        filename=file.name or "roster",
        data=file.read(),
        actor=request.user,
        site_column=site_column or "",
    )
    return Status(202, {"id": job.pk})


@router.get("/roster/imports/{pk}", response=RosterImportOut)
def roster_import_status(request, pk: Id):
    """Staff: an import's progress and, once done, every refused row with its sheet row number,
    column and reason (the other rows are in)."""
    job = get_scoped(RosterImport.objects.defer("content"), request.user, pk=pk)
    return {
        "id": job.pk,
        "status": {"pending": "running"}.get(job.status, job.status),
        "total": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "errors": [{"row": e["row"], "column": e["column"], "reason": e["reason"]} for e in job.errors],
    }
