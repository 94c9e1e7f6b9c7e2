"""Roster (花名册) import and export in Excel.

Import keeps every good row and reports every bad one with its row number and reason; a second
import of the same file updates by employee number and never duplicates anybody."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core import spreadsheets
from unionhome.core.audit import log_action
from unionhome.core.bounds import LIFE_MIN, day_error
from unionhome.core.crypto import digest
from unionhome.core.errors import DomainError
from unionhome.core.models import Org
from unionhome.core.outbox import later
from unionhome.core.rows import after_bulk_load
from unionhome.core.scoping import by_rule, within
from unionhome.core.uploads import import_too_large

from . import groups, idcard
from . import roster_cells as cells
from .models import EmploymentType, ImportStatus, Member, MemberStatus, Post, RosterImport, Shift
from .selectors import sites_under
from .services import name_initials

REQUIRED = ["姓名", "工号", "手机号", "工作地点"]
OPTIONAL = ["身份证号", "岗位", "用工形式", "班次", "入职日期", "离职日期"]
COLUMNS = REQUIRED + OPTIONAL
MAX_COLUMNS = 64  # the columns read: ours in any order, among a sheet's own (notes, numbering)
CHOICES = {
    "岗位": ("post", {str(label): value for value, label in Post.choices}),
    "用工形式": ("employment_type", {str(label): value for value, label in EmploymentType.choices}),
    "班次": ("shift", {str(label): value for value, label in Shift.choices}),
}


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    employee_no: str = ""
    name: str = ""


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    unreadable: bool = False  # no row could be read: the file, its header or a required column


def _ids_stored_as_numbers(column: list) -> bool:
    """Whether a column of ID numbers was a number column once: saved to .csv, such a column
    keeps 15 digits and three zeros. One real number in about 1,100 ends in 000; when many more
    do, the zeros are Excel's, and a number among them that happens to pass the check digit is
    as wrong as the others."""
    numbers = [cells.text(v).replace(" ", "") for v in column if v not in (None, "")]
    zeros = sum(len(n) == 18 and n.endswith("000") for n in numbers)
    return zeros >= 3 and zeros * 100 > len(numbers)


def import_roster(*, org: Org, data: bytes, site_column: str | None = None) -> ImportResult:
    """Read a roster (.xlsx, .xls or .csv) into `org`. Steps:
    1. read the first sheet through core.spreadsheets, which refuses a file that unpacks too far
       and reads at most ROSTER_MAX_ROWS rows after the header, blank ones included (a sheet of a
       million empty rows is a few KB); find the header among the first rows, under any title,
       by the names staff give our columns (roster_cells), and check every required one is there;
       `site_column` names a column (部门, 工作单位 …) to read as the work site;
    2. clean and validate each row on its own (names, phones and numbers as typed; dates as
       Excel keeps them; ID check digit, or an ID number Excel stored as a number; site; choices);
    3. validate across rows (an employee number twice in the file, an ID number that belongs to
       someone else);
    4. write new rows in bulk, update existing ones in bulk, recompute their service groups."""
    result = ImportResult()
    limit = settings.ROSTER_MAX_ROWS
    try:
        sheet = spreadsheets.read_table(data, max_rows=limit + cells.HEADER_ROWS, max_cols=MAX_COLUMNS)
    except spreadsheets.SpreadsheetError as exc:
        result.errors.append(RowError(0, "", exc.message))
        result.unreadable = True
        return result
    found = cells.find_header(sheet.rows, site_column=site_column)
    if found is None:
        result.errors.append(
            RowError(
                1,
                "",
                _("找不到表头：前 %(n)d 行中没有一行写着“姓名”“工号”“手机号”“工作地点”这样的列名")
                % {"n": cells.HEADER_ROWS},
            )
        )
        result.unreadable = True
        return result
    header_at, index = found.at, found.columns
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        result.errors.append(
            RowError(
                header_at + 1, "、".join(missing), _("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)}
            )
        )
        result.unreadable = True
        return result
    rows = iter(sheet.rows[header_at + 1 : header_at + 1 + limit])

    enterprise = org.enterprise() or org
    sites = {cells.text(s.name): s for s in sites_under(enterprise)}  # as the cells are read
    # Rows update the members of the org the roster is imported into (and its branches), never
    # a sibling's: staff of one branch cannot rewrite another's people by their numbers.
    existing = {
        cells.code(m.employee_no): m
        for m in within(Member.objects, org).filter(employee_no__isnull=False).exclude(employee_no="")
    }
    elsewhere = {
        cells.code(n)
        for n in within(Member.objects, enterprise)
        .exclude(pk__in=[m.pk for m in existing.values()])
        .filter(employee_no__isnull=False)
        .values_list("employee_no", flat=True)
    }
    lost_ids = (
        _ids_stored_as_numbers(
            [r[index["身份证号"]] for r in sheet.rows[header_at + 1 :] if len(r) > index["身份证号"]]
        )
        if "身份证号" in index
        else False
    )
    everyone = by_rule(Member.objects, "ID numbers across every union: one person is one member")
    owners = dict(everyone.filter(id_digest__isnull=False).values_list("id_digest", "employee_no"))
    seen: dict[str, int] = {}
    to_create: list[Member] = []
    to_update: list[Member] = []

    for number, raw in enumerate(rows, start=header_at + 2):  # numbered as in the sheet
        given = {column: raw[i] if i < len(raw) else None for column, i in index.items()}
        values = {column: cells.text(v) for column, v in given.items()}
        if not any(values.values()):
            continue
        result.total += 1
        values["姓名"] = cells.name(given["姓名"])
        values["工号"] = cells.code(given["工号"])
        emp, name = values["工号"], values["姓名"]

        def bad(column: str, reason: str, emp=emp, name=name, number=number) -> None:
            result.errors.append(RowError(number, column, reason, emp, name))

        blank = [c for c in REQUIRED if not values.get(c)]
        if blank:
            bad("、".join(blank), _("缺少必填项：%(cols)s") % {"cols": "、".join(blank)})
            continue
        phone = idcard.normalise_phone(cells.phone(given["手机号"]))
        if reason := idcard.phone_error(phone):
            bad("手机号", reason)
            continue
        id_number, reason = cells.id_number(given.get("身份证号"))
        if not reason and id_number:
            reason = idcard.id_error(id_number)
        if not reason and lost_ids and id_number.endswith("000"):
            reason = cells.number_id_reason()
        if reason:
            bad("身份证号", reason)
            continue
        site = sites.get(values["工作地点"])
        if site is None:
            bad("工作地点", _("未知的工作地点：%(site)s") % {"site": values["工作地点"]})
            continue
        choices = {}
        problem = None
        for column, (attr, mapping) in CHOICES.items():
            text = cells.choice(column, given.get(column))
            if text and text not in mapping and column in found.loose:
                continue  # a column of the sheet's own (职务, 人员类型) that only looks like ours
            if text:
                if text not in mapping:
                    problem = (
                        column,
                        _("“%(v)s”不是有效的%(c)s，可选：%(opts)s")
                        % {"v": text, "c": column, "opts": "、".join(mapping)},
                    )
                    break
                choices[attr] = mapping[text]
        if problem:
            bad(*problem)
            continue
        dates, problem = {}, None
        for column in ("入职日期", "离职日期"):
            if values.get(column):
                day = cells.date(given[column])
                if day is None:
                    problem = (column, _("看不懂这个日期：请写成 2024-03-01、2024/3/1 或 2024年3月1日"))
                elif reason := day_error(day, earliest=LIFE_MIN):
                    problem = (column, reason)
                dates[column] = day
                if problem:
                    break
        if problem:
            bad(*problem)
            continue
        hired_on, left_on = dates.get("入职日期"), dates.get("离职日期")
        if hired_on and left_on and left_on < hired_on:
            bad("离职日期", _("离职日期不能早于入职日期"))
            continue
        if emp in seen:
            bad("工号", _("工号重复（与第 %(row)d 行相同）") % {"row": seen[emp]})
            continue
        if emp not in existing and emp in elsewhere:
            bad("工号", _("这个工号已在本单位的其他工会组织中：请由上级工会导入"))
            continue
        id_hash = digest(id_number) if id_number else None
        if id_hash and owners.get(id_hash, emp) != emp:
            bad("身份证号", _("该身份证号已属于另一名职工"))
            continue
        seen[emp] = number

        member = existing.get(emp) or Member(org=org, employee_no=emp, status=MemberStatus.ROSTER)
        if member.status == MemberStatus.ANONYMISED:
            bad("工号", _("该工号对应的人员已注销个人信息，不能再导入"))
            continue
        member.name = name
        member.name_initials = name_initials(name)
        member.phone = phone
        member.site = site
        if id_number:
            member.id_number = id_number
            member.id_digest = id_hash
            member.birth_date = idcard.birth_date(id_number)
            member.gender = idcard.gender(id_number)
            owners[id_hash] = emp
        for attr, value in choices.items():
            setattr(member, attr, value)
        if hired_on:
            member.hired_on = hired_on
        if left_on:
            member.left_on = left_on  # the last day on the roster: the figures count them until then
        (to_update if member.pk else to_create).append(member)

    if sheet.more or len(sheet.rows) > header_at + 1 + limit:
        result.errors.append(
            RowError(
                header_at + limit + 2,
                "",
                _(
                    "超过单次导入上限 %(n)d 行（空行也算在内），第 %(row)d 行起未读取：请删除多余的空行，或分成几个文件导入"
                )
                % {"n": limit, "row": header_at + limit + 2},
            )
        )
    fields = [
        "name",
        "name_initials",
        "phone",
        "site",
        "id_number",
        "id_digest",
        "birth_date",
        "gender",
        "post",
        "employment_type",
        "shift",
        "hired_on",
        "left_on",
        "updated_at",
    ]
    now = timezone.now()
    for m in to_update:
        m.updated_at = now
    with transaction.atomic():
        Member.objects.bulk_create(to_create, batch_size=500)
        by_rule(Member.objects, "the rows of this import").bulk_update(to_update, fields, batch_size=500)
        touched = to_create + to_update
        if touched and not all(m.pk for m in touched):
            # Backends without RETURNING: fetch the new rows' ids by employee number.
            ids = dict(
                within(Member.objects, org)
                .filter(org=org, employee_no__in=[m.employee_no for m in to_create])
                .values_list("employee_no", "pk")
            )
            for m in to_create:
                m.pk = ids[m.employee_no]
        groups.recompute_many(touched)
        after_bulk_load(len(to_create), Member)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def roster_import_run(import_id: int) -> RosterImport:
    """Run a stored upload (called by the background task), then drop the file."""
    job = RosterImport.objects.select_related("org", "uploaded_by").get(pk=import_id)
    if job.status != ImportStatus.PENDING:
        return job
    result = import_roster(
        org=job.org, data=base64.b64decode(job.content), site_column=job.site_column or None
    )
    job.total_rows, job.created_count, job.updated_count = result.total, result.created, result.updated
    job.errors = [e.__dict__ for e in result.errors]
    job.status = ImportStatus.FAILED if result.unreadable else ImportStatus.DONE
    job.content = ""
    job.finished_at = timezone.now()
    job.save()
    log_action(
        job,
        "members.roster.imported",
        job.uploaded_by,
        {"created": result.created, "updated": result.updated, "errors": len(result.errors)},
    )
    return job


def roster_import_start(
    *, org: Org, filename: str, data: bytes, actor, site_column: str = ""
) -> RosterImport:
    from unionhome.core.scoping import ensure_role_over

    from .tasks import run_roster_import

    ensure_role_over(actor, org)
    if reason := import_too_large(len(data)):
        raise DomainError("too_large", reason, fields={"file": reason}, status=413)
    job = RosterImport.objects.create(
        org=org,
        uploaded_by=actor,
        filename=filename[:200],
        site_column=site_column if site_column in cells.SITE_COLUMNS else "",
        content=base64.b64encode(data).decode(),
    )
    later(run_roster_import, job.pk)
    return job


def error_report(job: RosterImport) -> bytes:
    rows = ([e["row"], e["column"], e["reason"], e["employee_no"], e["name"]] for e in job.errors)
    return spreadsheets.xlsx_bytes(
        "错误明细", ["行号", "列", "原因", "工号", "姓名"], rows, widths=(8, 14, 50, 14, 12)
    )


def export_roster(*, members, actor, org: Org) -> bytes:
    """The roster as staff see it: ID numbers masked, every export in the audit trail."""
    count = 0

    def rows():
        nonlocal count
        for m in members.select_related("site").prefetch_related("groups"):
            count += 1
            yield [
                m.member_no or "",
                m.name,
                m.employee_no or "",
                m.phone_masked,
                m.site.name if m.site_id else "",
                m.id_number_masked,
                m.get_post_display(),
                m.get_employment_type_display(),
                m.get_shift_display(),
                m.hired_on.isoformat() if m.hired_on else "",
                m.left_on.isoformat() if m.left_on else "",
                m.get_status_display(),
                "是" if m.user_id else "否",
                m.joined_on.isoformat() if m.joined_on else "",
                "、".join(m.group_labels),
            ]

    content = spreadsheets.xlsx_bytes(
        "花名册", ["会员号", *COLUMNS, "状态", "是否注册", "入会日期", "服务群体"], rows()
    )
    log_action(org, "members.roster.exported", actor, {"rows": count})
    return content


def template_workbook() -> bytes:
    example = ["张三", "E0001", "13800138000", "示例小区", "", "保安", "正式", "倒班", "2024-03-01", ""]
    return spreadsheets.xlsx_bytes("花名册", COLUMNS, [example])
