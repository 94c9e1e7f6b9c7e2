import io
import itertools
import time
import tracemalloc

import pytest
from openpyxl import Workbook, load_workbook

from unionhome.members import roster
from unionhome.members.models import Member, MemberStatus, RosterImport

from ..factories import make_id
from ..xlsx_files import row_xml, shared_strings_bomb, with_sheet

HEADER = ["姓名", "工号", "身份证号", "手机号", "工作地点", "岗位", "用工形式", "班次", "入职日期"]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good(n, **kw):
    row = {
        "姓名": f"职工{n}",
        "工号": f"R{n:03d}",
        "身份证号": make_id(100 + n),
        "手机号": f"1350000{n:04d}",
        "工作地点": "翠湖小区",
        "岗位": "保安",
        "用工形式": "正式",
        "班次": "倒班",
        "入职日期": "2023-05-01",
    }
    row.update(kw)
    return [row[h] for h in HEADER]


def bad_check_digit(n):
    i = make_id(100 + n)
    return i[:-1] + ("1" if i[-1] != "1" else "2")


def test_good_rows_import_and_each_bad_row_is_reported(personas):
    rows = [
        good(1),
        good(2),
        good(3, 身份证号=bad_check_digit(3)),
        good(4, 手机号="1234"),
        good(5, 工号="R001"),
        good(6, 工作地点="不存在小区"),
        good(7, 姓名=""),
        good(8, 岗位="厨师"),
        good(9, 入职日期="去年"),
        good(10),
    ]
    result = roster.import_roster(org=personas.tree.union, data=workbook(rows))
    assert (result.total, result.created, result.updated) == (10, 3, 0)
    reasons = {e.row: e.reason for e in result.errors}
    assert reasons[4] == "身份证号校验位不正确"
    assert reasons[5].startswith("手机号应为11位")
    assert reasons[6] == "工号重复（与第 2 行相同）"
    assert reasons[7] == "未知的工作地点：不存在小区"
    assert reasons[8] == "缺少必填项：姓名"
    assert "厨师" in reasons[9]
    assert reasons[10].startswith("看不懂这个日期")
    m = Member.objects.get(employee_no="R001")
    assert m.status == MemberStatus.ROSTER and m.id_number == make_id(101) and m.gender == "M"
    assert "frontline_shift" in m.group_codes


def test_missing_column_is_reported_and_nothing_imported(personas):
    data = workbook([["甲", "R1", "13500000001"]], header=["姓名", "工号", "手机号"])
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert result.created == 0
    assert result.errors[0].row == 1 and "工作地点" in result.errors[0].reason


def test_not_an_excel_file(personas):
    result = roster.import_roster(org=personas.tree.union, data=b"PK\x03\x04 not really")
    assert result.errors and "xlsx" in result.errors[0].reason


def test_reimport_updates_by_employee_number_and_never_duplicates(personas):
    roster.import_roster(org=personas.tree.union, data=workbook([good(1), good(2)]))
    result = roster.import_roster(
        org=personas.tree.union, data=workbook([good(1, 手机号="13599999999"), good(2), good(3)])
    )
    assert (result.created, result.updated, result.errors) == (1, 2, [])
    assert Member.objects.filter(employee_no="R001").count() == 1
    assert Member.objects.get(employee_no="R001").phone == "13599999999"


def test_id_number_of_another_person_is_refused(personas):
    data = workbook([good(1, 身份证号=personas.member.id_number)])
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert result.errors[0].reason == "该身份证号已属于另一名职工"


def test_upload_page_runs_the_task_and_offers_the_error_report(
    personas, as_user, django_capture_on_commit_callbacks
):
    client = as_user(personas.staff)
    upload = io.BytesIO(workbook([good(1), good(2, 手机号="1")]))
    upload.name = "花名册.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/staff/roster/", {"org": personas.tree.union.pk, "file": upload})
    assert r.status_code == 302
    job = RosterImport.objects.get()
    assert job.status == "done" and job.created_count == 1 and job.content == ""
    page = client.get(r["Location"]).content.decode()
    assert "新增 1" in page and "手机号应为11位" in page
    report = client.get(f"/staff/roster/imports/{job.pk}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(report.content)).active
    rows = list(sheet.values)
    assert rows[0] == ("行号", "列", "原因", "工号", "姓名") and rows[1][0] == 3
    assert as_user(personas.staff_other).get(f"/staff/roster/imports/{job.pk}/errors.xlsx").status_code == 404


def test_upload_page_rejects_a_file_that_is_no_table(personas, as_user):
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "roster.pdf"
    r = as_user(personas.staff).post("/staff/roster/", {"org": personas.tree.union.pk, "file": upload})
    assert r.status_code == 200 and "请上传 Excel（.xlsx 或 .xls）或 .csv 文件" in r.content.decode()
    assert not RosterImport.objects.exists()


def test_export_masks_id_numbers_and_is_audited(personas, as_user):
    from unionhome.core.models import AuditLog

    r = as_user(personas.staff).get("/staff/roster/export.xlsx")
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    names = {row[1] for row in rows[1:]}
    assert names == {"王建国", "李秀英"}
    assert personas.member.id_number not in str(rows)
    assert personas.member.id_number_masked in str(rows)
    assert AuditLog.objects.filter(action="members.roster.exported", actor=personas.staff).exists()


def test_registration_rate_per_org_and_site(personas, as_user):
    roster.import_roster(org=personas.tree.union, data=workbook([good(1), good(2)]))
    body = as_user(personas.staff).get("/api/v1/registration-rates").json()
    assert body["total"] == {"name": "合计", "employees": 4, "registered": 2, "rate": 50.0}
    assert {"name": "翠湖小区", "employees": 4, "registered": 2, "rate": 50.0} in body["sites"]
    assert "注册率" in body["definition"]
    assert as_user(personas.member_user).get("/api/v1/registration-rates").status_code == 403


# -- hostile files (issue #19, item 5) ------------------------------------------------------------


def test_a_million_blank_rows_stop_at_the_row_limit_and_rows_before_are_kept(personas, settings):
    settings.ROSTER_MAX_ROWS = 20000
    blank = (f'<row r="{i}"/>' for i in range(4, 1_000_004))
    data = with_sheet(itertools.chain([row_xml(1, HEADER), row_xml(2, good(1)), row_xml(3, good(2))], blank))
    assert len(data) < 3_000_000
    started = time.monotonic()
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert time.monotonic() - started < 15
    assert (result.total, result.created) == (2, 2)
    (error,) = result.errors
    assert error.row == 20002
    assert error.reason == (
        "超过单次导入上限 20000 行（空行也算在内），第 20002 行起未读取：请删除多余的空行，或分成几个文件导入"
    )


def test_one_row_far_down_the_sheet_stops_at_the_row_limit(personas, settings):
    settings.ROSTER_MAX_ROWS = 50
    data = with_sheet([row_xml(1, HEADER), row_xml(2, good(1)), row_xml(1_048_576, good(2))])
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert result.created == 1 and not Member.objects.filter(employee_no="R002").exists()
    assert result.errors[0].row == 52 and "上限 50 行" in result.errors[0].reason


def test_counted_rows_beyond_the_limit_are_reported(personas, settings):
    settings.ROSTER_MAX_ROWS = 2
    result = roster.import_roster(org=personas.tree.union, data=workbook([good(1), good(2), good(3)]))
    assert result.created == 2 and result.errors[0].row == 4 and "上限 2 行" in result.errors[0].reason


def test_shared_strings_that_unpack_to_a_gigabyte_are_refused_unopened(personas, monkeypatch):
    from unionhome.core import spreadsheets

    data = shared_strings_bomb(1024)
    monkeypatch.setattr(spreadsheets, "_read_in_child", lambda *a, **k: pytest.fail("opened"))
    tracemalloc.start()
    try:
        result = roster.import_roster(org=personas.tree.union, data=data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000
    assert result.created == 0 and result.errors[0].row == 0
    assert "50 MB" in result.errors[0].reason


def test_a_refused_file_finishes_the_job_with_the_reason(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = roster.roster_import_start(
            org=personas.tree.union, filename="r.xlsx", data=shared_strings_bomb(5), actor=personas.staff
        )
    job.refresh_from_db()
    assert job.status == "failed" and job.content == "" and job.created_count == 0
    assert job.errors[0]["row"] == 0 and "异常" in job.errors[0]["reason"]


def test_impossible_hire_dates_are_reported_and_not_stored(personas):
    rows = [good(1, 入职日期="0001-01-01"), good(2, 入职日期="9999-12-31"), good(3, 入职日期="1985-06-01")]
    result = roster.import_roster(org=personas.tree.union, data=workbook(rows))
    assert result.created == 1
    assert sorted(e.row for e in result.errors) == [2, 3]
    assert all("1900" in e.reason for e in result.errors)
    assert Member.objects.get(employee_no="R003").hired_on.year == 1985
