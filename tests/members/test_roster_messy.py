"""Issue #22, item 5: the rosters unions really have — a title above the header, their own names
for our columns, merged cells, full-width digits, names spaced out, dates however Excel kept
them, .xls and .csv (GBK or UTF-8) — and an ID number Excel turned into a number refused with
what to do about it. Rows are reported by their number in the sheet."""

import datetime as dt
import io

import pytest
import xlwt
from openpyxl import Workbook

from unionhome.core.models import Site
from unionhome.members import roster
from unionhome.members import roster_cells as cells
from unionhome.members.models import Member, RosterImport

from ..conftest import api_token
from ..factories import make_id

HEADER = ["序号", "职工姓名", "员工编号", "手机号码", "身份证号码", "项目", "工种", "用工类型", "入职时间"]


def messy_rows():
    """Rows as a property company's HR sheet has them (the header is at sheet row 3)."""
    return [
        [
            1,
            "张　三",
            "E001",
            "１３５ ０００ ０ ０００１",
            make_id(201),
            "翠湖小区",
            "保安员",
            "正式工",
            45122,
        ],
        [2, " 李 小 明 ", "E002", "135-0000-0002", make_id(202), None, "保洁员", "劳务派遣", "2023年7月15日"],
        [3, "王芳", " E003 ", "+86 13500000003", make_id(203, sex="F"), None, "维修", "正式", "2022/1/9"],
        [4, "赵六", "E004", "13500000004", 110116197506010000, "翠湖小区", "保安", "正式", "2025.06.01"],
        [5, "Ali Hasan", "E005", "13500000005", "", "翠湖小区", "绿化工", "外包", "2024年3月"],
        [6, "钱七", "E006", "13500000006", "1.10116E+17", "翠湖小区", "保安", "正式", "20240301"],
    ]


def messy_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["安居物业2026年职工花名册"])
    sheet.merge_cells("A1:I1")
    sheet.append(["填表人：张主席", None, None, None, None, None, None, None, "2026年12月"])
    sheet.append(HEADER)
    for row in messy_rows():
        sheet.append(row)
    sheet.merge_cells("F4:F6")  # the site written once beside three rows
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def messy_xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, 8, "安居物业2026年职工花名册")
    for c, title in enumerate(HEADER):
        sheet.write(2, c, title)
    as_date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(messy_rows(), start=3):
        for c, value in enumerate(row):
            if c == 5 and r in (3, 4, 5):
                continue  # inside the merged range below
            if c == 8 and isinstance(value, int):
                sheet.write(r, c, dt.date(2023, 7, 16), as_date)  # a real date cell
            elif value is not None:
                sheet.write(r, c, value)
    sheet.write_merge(3, 5, 5, 5, "翠湖小区")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(rows, *, encoding: str, sep: str = ",", bom: bool = False) -> bytes:
    lines = [sep.join("" if v is None else str(v) for v in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def check_messy_import(result, *, id_as_number_row: int | None, first_row: int):
    by_emp = {
        m.employee_no: m for m in Member.objects.filter(employee_no__in=[f"E00{i}" for i in range(1, 7)])
    }
    assert by_emp["E001"].name == "张三" and by_emp["E001"].phone == "13500000001"
    assert by_emp["E002"].name == "李小明" and by_emp["E002"].phone == "13500000002"
    assert by_emp["E002"].site.name == "翠湖小区"  # from the merged cell above it
    assert by_emp["E002"].post == "cleaning" and by_emp["E002"].employment_type == "dispatched"
    assert by_emp["E002"].hired_on == dt.date(2023, 7, 15)
    assert by_emp["E003"].phone == "13500000003" and by_emp["E003"].hired_on == dt.date(2022, 1, 9)
    assert by_emp["E003"].gender == "F"
    assert by_emp["E005"].name == "Ali Hasan" and by_emp["E005"].hired_on == dt.date(2024, 3, 1)
    assert by_emp["E005"].post == "greening"
    refused = {e.row: e for e in result.errors}
    assert "E006" not in by_emp and "Excel" in refused[first_row + 5].reason  # 1.10116E+17
    assert "文本" in refused[first_row + 5].reason and refused[first_row + 5].column == "身份证号"
    if id_as_number_row is not None:
        assert "E004" not in by_emp and "15 位" in refused[id_as_number_row].reason
    assert result.created == len(by_emp)


def test_an_xlsx_with_a_title_synonyms_merged_cells_and_excel_dates(personas):
    result = roster.import_roster(org=personas.tree.union, data=messy_xlsx())
    assert result.total == 6 and result.created == 4
    check_messy_import(result, id_as_number_row=7, first_row=4)
    assert Member.objects.get(employee_no="E001").hired_on == dt.date(2023, 7, 15)  # serial 45122


def test_an_xls_from_excel_97_reads_the_same(personas):
    result = roster.import_roster(org=personas.tree.union, data=messy_xls())
    check_messy_import(result, id_as_number_row=7, first_row=4)
    assert Member.objects.get(employee_no="E001").hired_on == dt.date(2023, 7, 16)  # a date cell


@pytest.mark.parametrize(
    "encoding,sep,bom",
    [("gbk", ",", False), ("utf-8", ",", True), ("utf-8", ",", False), ("gb18030", "\t", False)],
)
def test_a_csv_in_gbk_or_utf8_with_commas_or_tabs(personas, encoding, sep, bom):
    rows = [r[:] for r in messy_rows()]
    rows[1][5] = rows[2][5] = "翠湖小区"  # a CSV has no merged cells
    rows[3][4] = "110116197506010000"  # what a number column becomes: digits, the last three lost
    data = as_csv([HEADER, *rows], encoding=encoding, sep=sep, bom=bom)
    result = roster.import_roster(org=personas.tree.union, data=data)
    check_messy_import(result, id_as_number_row=None, first_row=2)
    # 18 digits that fail the check digit: refused, as any wrong ID number is
    assert result.errors[0].row == 5 and result.errors[0].column == "身份证号"


def test_a_union_may_read_its_department_column_as_the_site(personas):
    Site.objects.create(org=personas.tree.union, name="保安部")
    header = ["姓名", "工号", "手机号", "部门"]
    data = as_csv([header, ["甲", "D1", "13500000011", "保安部"]], encoding="utf-8")
    refused = roster.import_roster(org=personas.tree.union, data=data)
    assert refused.created == 0 and "工作地点" in refused.errors[0].reason and refused.unreadable
    result = roster.import_roster(org=personas.tree.union, data=data, site_column="部门")
    assert result.created == 1 and Member.objects.get(employee_no="D1").site.name == "保安部"


def test_no_header_anywhere_is_one_clear_reason(personas):
    data = as_csv([["a", "b"], ["1", "2"]], encoding="utf-8")
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert result.unreadable and "找不到表头" in result.errors[0].reason


def test_a_file_that_is_no_table_at_all(personas):
    result = roster.import_roster(org=personas.tree.union, data=bytes(range(256)) * 10)
    assert result.unreadable and result.errors[0].row == 0 and "csv" in result.errors[0].reason


@pytest.mark.parametrize(
    "value,expected",
    [
        (45122, dt.date(2023, 7, 15)),
        (45122.75, dt.date(2023, 7, 15)),
        ("45122", dt.date(2023, 7, 15)),
        (61, None),  # 1900-03-01 as a serial: a typo, not a hire date
        (2023, None),  # a year in a number cell
        (20230715, dt.date(2023, 7, 15)),  # typed into a number cell
        (20230715.0, dt.date(2023, 7, 15)),
        ("10000", dt.date(1927, 5, 18)),
        ("2023年7月15日", dt.date(2023, 7, 15)),
        ("２０２３年７月１５日", dt.date(2023, 7, 15)),
        ("2023 年 7 月 15 日", dt.date(2023, 7, 15)),
        ("2022/1/9", dt.date(2022, 1, 9)),
        ("2025.06.01", dt.date(2025, 6, 1)),
        ("2025-6-1 00:00:00", dt.date(2025, 6, 1)),
        ("20250601", dt.date(2025, 6, 1)),
        ("2024年3月", dt.date(2024, 3, 1)),
        (dt.datetime(2020, 2, 29, 8, 0), dt.date(2020, 2, 29)),
        ("2023-02-30", None),
        ("9999年99月99日", None),
        ("2023", None),
        ("去年", None),
        (1e40, None),
        (2**63, None),
        (-5, None),
        (True, None),
    ],
)
def test_dates_as_a_sheet_holds_them(value, expected):
    assert cells.date(value) == expected


def test_an_id_number_stored_as_a_number_is_refused_with_how_to_fix_it():
    assert cells.id_number(110116197506010000)[1] and "文本" in cells.id_number(1.10116e17)[1]
    assert cells.id_number("1.10116E+17")[0] == ""
    assert cells.id_number(" 11011619750601001x ") == ("11011619750601001X", None)


def test_names_phones_and_headers_as_typed():
    assert cells.name("欧阳 娜 娜") == "欧阳娜娜" and cells.name("买买提·艾 力") == "买买提·艾力"
    assert cells.name("  Ali   Hasan ") == "Ali Hasan"
    assert cells.phone("８６ １３５００００００１２") == "13500000012"
    assert cells.phone("(135)0000-0013") == "13500000013"
    assert cells.header_key("手机号码 *") == "手机号码" and cells.header_key("姓名（必填）") == "姓名"
    header = cells.find_header([["花名册"], [], ["姓 名", "联系电话", "身份证号码"]])
    assert header.at == 2 and header.columns == {"姓名": 0, "手机号": 1, "身份证号": 2}
    assert header.loose == {"手机号", "身份证号"}
    # the better name wins wherever it stands: a numbering column is never the employee number
    header = cells.find_header([["编号", "姓名", "电话", "工号", "手机号码", "项目", "工作地点"]])
    assert header.columns == {"姓名": 1, "工号": 3, "手机号": 4, "工作地点": 6}


# -- the API ---------------------------------------------------------------------------------------


def post_roster(client, token, org, data: bytes, name="花名册.xlsx", **params):
    from django.core.files.uploadedfile import SimpleUploadedFile

    query = "&".join(f"{k}={v}" for k, v in {"org": org, **params}.items())
    return client.post(
        f"/api/v1/roster/imports?{query}",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_api_imports_in_the_background_and_reports_rows_as_in_the_sheet(
    personas, client, django_capture_on_commit_callbacks
):
    token = api_token(client, "staff")
    with django_capture_on_commit_callbacks(execute=True):
        r = post_roster(client, token, personas.tree.union.pk, messy_xlsx())
    assert r.status_code == 202
    job_id = r.json()["id"]
    body = client.get(f"/api/v1/roster/imports/{job_id}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["status"] == "done" and (body["total"], body["created"], body["updated"]) == (6, 4, 0)
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(7, "身份证号"), (9, "身份证号")}
    assert set(body["errors"][0]) == {"row", "column", "reason"}  # no names or numbers of the person
    assert RosterImport.objects.get(pk=job_id).content == ""

    with django_capture_on_commit_callbacks(execute=True):
        r = post_roster(client, token, personas.tree.union.pk, b"\x00\x01 nothing", name="x.csv")
    failed = client.get(f"/api/v1/roster/imports/{r.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert failed.json()["status"] == "failed" and failed.json()["errors"][0]["row"] == 0


def test_the_api_is_for_staff_of_that_union_only(personas, client):
    staff = api_token(client, "staff")
    other = api_token(client, "staff_other")
    member = api_token(client, "member")
    data = messy_xlsx()
    assert post_roster(client, member, personas.tree.union.pk, data).status_code == 403
    assert post_roster(client, other, personas.tree.union.pk, data).status_code == 404
    assert post_roster(client, staff, personas.tree.street.pk, data).status_code == 404  # not theirs
    assert post_roster(client, staff, 2**63, data).status_code == 422
    assert post_roster(client, staff, personas.tree.union.pk, data, site_column="随便").status_code == 422
    job = RosterImport.objects.create(org=personas.tree.union, filename="r.xlsx")
    assert (
        client.get(f"/api/v1/roster/imports/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/roster/imports/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {member}").status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/roster/imports/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {staff}").json()["status"]
        == "running"
    )


# -- what a review found ---------------------------------------------------------------------------


def test_a_site_named_with_full_width_brackets_still_matches(personas):
    Site.objects.create(org=personas.tree.union, name="万科城（一期）")
    data = as_csv(
        [["姓名", "工号", "手机号", "工作地点"], ["甲", "W1", "13500000021", "万科城（一期）"]],
        encoding="utf-8",
    )
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert result.created == 1 and Member.objects.get(employee_no="W1").site.name == "万科城（一期）"


def test_a_branch_cannot_rewrite_another_unions_people_by_their_numbers(personas):
    from ..factories import MemberFactory

    MemberFactory(org=personas.tree.union, employee_no="U1", name="原来的人", site=personas.tree.site)
    row = [["姓名", "工号", "手机号", "工作地点"], ["冒名", "U1", "13500000031", "翠湖小区"]]
    result = roster.import_roster(org=personas.tree.branch, data=as_csv(row, encoding="utf-8"))
    assert result.created == result.updated == 0 and "其他工会组织" in result.errors[0].reason
    assert Member.objects.get(employee_no="U1").name == "原来的人"
    result = roster.import_roster(org=personas.tree.union, data=as_csv(row, encoding="utf-8"))
    assert result.updated == 1  # the union the member belongs to may


def test_a_quote_left_open_fails_the_file_instead_of_swallowing_rows(personas):
    data = '姓名,工号,手机号,工作地点\n"张三,Q1,13500000041,翠湖小区\n李四,Q2,13500000042,翠湖小区\n'.encode()
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert result.unreadable and "引号" in result.errors[0].reason and result.created == 0


def test_a_column_of_the_sheets_own_that_only_looks_like_ours_is_not_a_reason_to_refuse(personas):
    header = ["姓名", "工号", "手机号", "工作地点", "职务", "岗位"]
    rows = [
        ["甲", "J1", "13500000051", "翠湖小区", "队长", "保安"],
        ["乙", "J2", "13500000052", "翠湖小区", "组员", "厨师"],
    ]
    result = roster.import_roster(org=personas.tree.union, data=as_csv([header, *rows], encoding="utf-8"))
    assert result.created == 1 and Member.objects.get(employee_no="J1").post == "security"
    assert "厨师" in result.errors[0].reason  # our own 岗位 column still holds to its choices
    only_synonym = [
        ["姓名", "工号", "手机号", "工作地点", "职务"],
        ["丙", "J3", "13500000053", "翠湖小区", "队长"],
    ]
    assert (
        roster.import_roster(org=personas.tree.union, data=as_csv(only_synonym, encoding="utf-8")).created
        == 1
    )


def test_a_csv_id_column_that_was_numbers_is_refused_even_where_a_check_digit_passes(personas):
    from unionhome.members.idcard import check_digit

    lucky = next(
        body + "0"
        for n in range(1000, 100000)
        if check_digit(body := f"11011619750601{n:05d}"[:15] + "00") == "0"
    )
    damaged = [make_id(300 + i)[:15] + "000" for i in range(3)]
    rows = [[f"号{i}", f"Z{i}", f"1350000006{i}", "翠湖小区", n] for i, n in enumerate([*damaged, lucky])]
    rows.append(["好", "Z9", "13500000069", "翠湖小区", make_id(399)])
    data = as_csv([["姓名", "工号", "手机号", "工作地点", "身份证号"], *rows], encoding="gbk")
    result = roster.import_roster(org=personas.tree.union, data=data)
    assert result.created == 1 and Member.objects.filter(employee_no="Z9").exists()
    assert {e.row for e in result.errors} == {2, 3, 4, 5}
    assert all("文本" in e.reason or "校验" in e.reason for e in result.errors)


def test_a_file_over_the_size_limit_is_refused_before_it_is_kept(personas, client, as_user, settings):
    settings.IMPORT_MAX_MB = 0
    token = api_token(client, "staff")
    r = post_roster(client, token, personas.tree.union.pk, messy_xlsx())
    assert r.status_code == 413 and "MB" in r.json()["fields"]["file"]
    upload = io.BytesIO(messy_xlsx())
    upload.name = "花名册.xlsx"
    page = as_user(personas.staff).post("/staff/roster/", {"org": personas.tree.union.pk, "file": upload})
    assert page.status_code == 200 and "MB" in page.content.decode()
    assert not RosterImport.objects.exists()


def test_a_leaving_date_is_kept_and_counted_in_the_turnover(personas):
    from unionhome.insights import figures
    from unionhome.insights.figures import Period

    header = ["姓名", "工号", "手机号", "工作地点", "入职日期", "离职时间"]
    rows = [
        ["甲", "L1", "13500000071", "翠湖小区", "2020-01-01", "2026年2月1日"],
        ["乙", "L2", "13500000072", "翠湖小区", "2020-01-01", ""],
        ["丙", "L3", "13500000073", "翠湖小区", "2025-01-01", "2024-12-31"],  # left before hired
    ]
    result = roster.import_roster(org=personas.tree.union, data=as_csv([header, *rows], encoding="utf-8"))
    assert result.created == 2 and result.errors[0].row == 4 and result.errors[0].column == "离职日期"
    assert Member.objects.get(employee_no="L1").left_on == dt.date(2026, 2, 1)
    q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert list(figures.left_in(personas.tree.union, q1).values_list("employee_no", flat=True)) == ["L1"]
