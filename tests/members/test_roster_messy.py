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
        (61, dt.date(1900, 3, 1)),
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
    at, columns = cells.find_header([["花名册"], [], ["姓 名", "联系电话", "身份证号码"]])
    assert at == 2 and columns == {"姓名": 0, "手机号": 1, "身份证号": 2}


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
    assert post_roster(client, staff, personas.tree.street.pk, data).status_code in (400, 404)
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
