"""Issue #25, F4: a hand-made collective contract and a quarter's data give the expected verdict
per clause — compliant, not compliant, data missing, data late — and each exception a review."""

from __future__ import annotations

import datetime as dt

import pytest

from unionhome.core.errors import DomainError
from unionhome.democracy import contracts
from unionhome.democracy.models import Verdict

from ..conftest import api_token

AT = dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC)  # within 15 days of the quarter's end
LATE = dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)


def sent(month: str) -> dt.datetime:
    """A monthly figure delivered on the 5th of the next month (in time: due by the 15th)."""
    year, m = int(month[:4]), int(month[5:])
    return dt.datetime(year + (m == 12), m % 12 + 1, 5, 9, 0, tzinfo=dt.UTC)


ITEMS = [
    {"code": "wage_growth", "name": "工资同比增长（%）"},
    {"code": "paid_leave_days", "name": "带薪年休假天数"},
    {"code": "overtime_pay", "name": "加班工资总额", "monthly": True},
    {"code": "overtime_hours", "name": "加班总工时", "monthly": True},
    {"code": "base_hourly_wage", "name": "基本工资折算小时工资"},
    {"code": "high_temp", "name": "高温津贴（元/人）", "monthly": True},
    {"code": "protection_spend", "name": "劳动保护支出"},
    {"code": "training_hours", "name": "人均培训学时"},
    {"code": "women_barred_posts", "name": "安排在女职工禁忌岗位的女职工人数"},
]
CLAUSES = [
    {"text": "工资年增长不低于 5%", "kind": "minimum", "rule": {"item": "wage_growth", "min": 5}},
    {"text": "带薪年休假不少于 7 天", "kind": "minimum", "rule": {"item": "paid_leave_days", "min": 7}},
    {
        "text": "加班工资以基本工资为基数，不低于 150%",
        "kind": "formula",
        "rule": {"expr": "overtime_pay >= overtime_hours * base_hourly_wage * 1.5"},
    },
    {
        "text": "6–9 月高温津贴每月不低于 300 元，次月 15 日前发放",
        "kind": "monthly",
        "rule": {"item": "high_temp", "min": 300, "months": [6, 7, 8, 9], "pay_by": 15},
    },
    {
        "text": "劳动保护支出每季度不低于 1 万元",
        "kind": "minimum",
        "rule": {"item": "protection_spend", "min": 10000},
    },
    {"text": "人均培训每季度不少于 8 学时", "kind": "minimum", "rule": {"item": "training_hours", "min": 8}},
    {
        "text": "女职工禁忌从事的岗位不安排女职工",
        "kind": "maximum",
        "rule": {"item": "women_barred_posts", "max": 0},
    },
]


@pytest.fixture
def contract(personas):
    return contracts.contract_create(
        org=personas.tree.union,
        data={
            "title": "2026 年度集体合同",
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2026, 12, 31),
            "items": ITEMS,
            "clauses": CLAUSES,
        },
    )


def test_the_quarterly_check_gives_each_clause_its_verdict(contract):
    contracts.deliver(
        contract=contract,
        period="2026Q3",
        values={"wage_growth": 6, "paid_leave_days": 5, "base_hourly_wage": 25, "women_barred_posts": 1},
        now=AT,
    )
    # overtime: 40 h at 25 yuan base × 1.5 = 1,500 a month is due; paid 1,600, 1,500 and 1,200 = 4,300 < 4,500
    for month, pay in (("2026-07", 1600), ("2026-08", 1500), ("2026-09", 1200)):
        contracts.deliver(
            contract=contract,
            period=month,
            values={"overtime_pay": pay, "overtime_hours": 40},
            now=sent(month),
        )
    contracts.deliver(
        contract=contract,
        period="2026-07",
        values={"high_temp": 300},
        paid_on={"high_temp": dt.date(2026, 8, 10)},
        now=sent("2026-07"),
    )
    contracts.deliver(
        contract=contract,
        period="2026-08",
        values={"high_temp": 300},
        paid_on={"high_temp": dt.date(2026, 9, 20)},
        now=sent("2026-08"),
    )  # paid late
    contracts.deliver(
        contract=contract,
        period="2026-09",
        values={"high_temp": 300},
        paid_on={"high_temp": dt.date(2026, 10, 12)},
        now=sent("2026-09"),
    )
    contracts.deliver(
        contract=contract, period="2026Q3", values={"training_hours": 9}, now=LATE
    )  # after 10-15
    results = contracts.quarter_check(contract=contract, quarter="2026q3", owner="人力资源部", now=AT)
    verdicts = [r.verdict for r in results]
    assert verdicts == [
        Verdict.COMPLIANT,
        Verdict.NOT_COMPLIANT,
        Verdict.NOT_COMPLIANT,
        Verdict.NOT_COMPLIANT,
        Verdict.DATA_MISSING,
        Verdict.DATA_LATE,
        Verdict.NOT_COMPLIANT,
    ]
    assert "5 < 7" in results[1].detail and "2026-08 没有在 2026-09-15 前发放" in results[3].detail
    assert "overtime_pay=4300" in results[2].detail and "劳动保护支出 2026Q3" in results[4].detail
    assert results[0].review_due is None and all(
        r.review_owner == "人力资源部" and r.review_due for r in results[1:]
    )
    # a correction is a new delivery; the check run again replaces its verdicts
    contracts.deliver(contract=contract, period="2026-09", values={"overtime_pay": 1400}, now=AT)
    again = contracts.quarter_check(contract=contract, quarter="2026Q3", now=AT)
    assert again[2].verdict == Verdict.COMPLIANT, again[2].detail  # 1,600 + 1,500 + 1,400 = 4,500
    with pytest.raises(DomainError):
        contracts.review_close(result=again[2], note="无")  # nothing to review
    contracts.review_close(result=again[1], note="企业承诺 12 月补休 2 天。")
    # Q1 has no high-temperature month: compliant by the calendar
    assert (
        contracts.quarter_check(contract=contract, quarter="2026Q1", now=AT)[3].verdict == Verdict.COMPLIANT
    )


def test_clauses_and_data_are_checked_when_given(personas, contract):
    for bad in (
        {"clauses": [{"text": "x", "kind": "formula", "rule": {"expr": "__import__('os')"}}]},
        {"clauses": [{"text": "x", "kind": "formula", "rule": {"expr": "wage_growth + 1"}}]},
        {"clauses": [{"text": "x", "kind": "minimum", "rule": {"item": "nothing", "min": 1}}]},
        {"clauses": [{"text": "x", "kind": "minimum", "rule": {"item": "wage_growth", "min": "1e40"}}]},
        {"clauses": []},
    ):
        with pytest.raises(DomainError):
            contracts.contract_create(
                org=personas.tree.union,
                data={
                    "title": "x",
                    "starts_on": dt.date(2026, 1, 1),
                    "ends_on": dt.date(2026, 2, 1),
                    "items": ITEMS,
                    **bad,
                },
            )
    with pytest.raises(DomainError):
        contracts.deliver(contract=contract, period="2026-07", values={"wage_growth": 5})  # a quarterly item
    with pytest.raises(DomainError):
        contracts.deliver(contract=contract, period="9999Q9", values={"wage_growth": 5})
    with pytest.raises(DomainError):
        contracts.deliver(contract=contract, period="2026Q3", values={"salary": 5})


def test_the_api_and_members_summary(personas, contract, client):
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post(
        f"/api/v1/contracts/{contract.pk}/data",
        {"period": "2026Q3", "values": {"wage_growth": 6}},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 201 and r.json() == {"delivered": 1}
    r = client.post(
        f"/api/v1/contracts/{contract.pk}/checks",
        {"quarter": "2026Q3", "owner": "人力资源部"},
        content_type="application/json",
        **staff,
    )
    assert (
        r.status_code == 200
        and r.json()[0]["verdict"] == "data_late"  # delivered today, after 15 October
        and r.json()[4]["verdict"] == "data_missing"
    )
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    summary = client.get(f"/api/v1/contracts/{contract.pk}/checks/2026Q3", **member).json()
    assert [s["verdict"] for s in summary][:2] == ["data_late", "data_missing"]
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert client.get(f"/api/v1/contracts/{contract.pk}/checks/2026Q3", **outsider).status_code == 404
    assert (
        client.post(
            f"/api/v1/contracts/{contract.pk}/data",
            {"period": "2026Q3", "values": {"wage_growth": 6}},
            content_type="application/json",
            **outsider,
        ).status_code
        == 404
    )
    assert client.post(
        f"/api/v1/contracts/{contract.pk}/data",
        {"period": "2026Q3", "values": {"wage_growth": 1e40}},
        content_type="application/json",
        **staff,
    ).status_code in (400, 422)


def test_staff_upload_figures_run_the_check_close_a_review_and_members_read_it(personas, contract):
    import io

    from openpyxl import Workbook

    from ..conftest import login_client

    book = Workbook()
    book.active.append(["2026 年第三季度集体合同数据报送"])
    book.active.append(["期间", "数据项", "数值", "发放日期"])
    book.active.append(["2026Q3", "工资同比增长（%）", 6, None])
    book.active.append(["2026Q3", "带薪年休假天数", 7, None])
    book.active.append(["2026-07", "high_temp", 300, "2026/8/10"])
    book.active.append(["2026-07", "没有的项", 1, None])  # row 6
    book.active.append(["2026-13", "high_temp", 300, None])  # row 7
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "data.xlsx"
    staff = login_client(personas.staff)
    url = f"/staff/democracy/contracts/{contract.pk}/"
    page = staff.post(url, {"action": "upload", "file": out}).content.decode()
    assert "已收到 3 个数据" in page and "第 6 行" in page and "第 7 行" in page
    r = staff.post(url, {"action": "check", "quarter": "2026q3", "owner": "人力资源部"})
    assert r.status_code == 302 and r["Location"].endswith("?quarter=2026Q3")
    page = staff.get(r["Location"]).content.decode()
    assert "缺少数据" in page and "人力资源部" in page
    from unionhome.democracy.models import CheckResult

    missing = CheckResult.objects.filter(verdict="data_missing").first()
    staff.post(url, {"action": "close", "result": missing.pk, "note": "企业补报", "quarter": "2026Q3"})
    missing.refresh_from_db()
    assert missing.review_closed_at is not None
    member_page = (
        login_client(personas.member_user)
        .get(f"/democracy/contracts/{contract.pk}/?quarter=2026Q3")
        .content.decode()
    )
    assert "工资年增长不低于 5%" in member_page and "复议结论" in member_page
    assert login_client(personas.staff_other).get(url).status_code == 404
    assert login_client(personas.staff_other).get(f"/democracy/contracts/{contract.pk}/").status_code == 404


def test_a_contract_of_the_standard_clauses_with_overtime_hours_from_attendance(personas):
    from decimal import Decimal

    from unionhome.integrations.models import Attendance

    with pytest.raises(DomainError) as nothing:
        contracts.standard_contract(org=personas.tree.union, data={}, chosen={"wage_growth": None})
    assert "clauses" in nothing.value.fields
    made = contracts.standard_contract(
        org=personas.tree.union,
        data={
            "title": "2026 年度集体合同",
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2026, 12, 31),
        },
        chosen={"wage_growth": Decimal("5.5"), "overtime_basis": 150, "women_barred": True, "paid_leave": ""},
        overtime_source="attendance_overtime",
    )
    clauses = {c.text: (c.kind, c.rule) for c in made.clauses.all()}
    assert clauses == {
        "工资年增长不低于 5.5%": ("minimum", {"item": "wage_growth", "min": 5.5}),
        "加班工资以基本工资为基数，不低于 150%": (
            "formula",
            {"expr": "overtime_pay >= overtime_hours * base_hourly_wage * 1.5"},
        ),
        "女职工禁忌从事的岗位不安排女职工": ("maximum", {"item": "women_barred_posts", "max": 0}),
    }
    sources = {i.code: i.source for i in made.items.all()}
    assert sources["overtime_hours"] == "attendance_overtime" and sources["overtime_pay"] == ""
    # the attendance feed says 20 + 20 hours in July, 30 in August, 40 in September (another
    # union's member's hours are not counted)
    for member, day, hours in (
        (personas.member, dt.date(2026, 7, 3), 20),
        (personas.other, dt.date(2026, 7, 4), 20),
        (personas.member, dt.date(2026, 8, 3), 30),
        (personas.other, dt.date(2026, 9, 3), 40),
    ):
        Attendance.objects.create(org=member.org, member=member, date=day, hours=8, overtime_hours=hours)
    from ..factories import MemberFactory

    far = MemberFactory(org=personas.tree.other_union)
    Attendance.objects.create(org=far.org, member=far, date=dt.date(2026, 7, 3), hours=8, overtime_hours=99)
    contracts.deliver(
        contract=made,
        period="2026Q3",
        values={"wage_growth": 6, "base_hourly_wage": 20, "women_barred_posts": 0},
        now=AT,
    )
    for month, pay in (("2026-07", 1200), ("2026-08", 900), ("2026-09", 1100)):
        contracts.deliver(contract=made, period=month, values={"overtime_pay": pay}, now=sent(month))
    late_run = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)  # long after the items' dates
    results = {
        r.clause.text[:4]: r for r in contracts.quarter_check(contract=made, quarter="2026Q3", now=late_run)
    }
    # 110 hours × 20 × 1.5 = 3,300 due, 3,200 paid; the attendance figures are never "late"
    assert results["加班工资"].verdict == Verdict.NOT_COMPLIANT
    assert (
        "overtime_hours=110" in results["加班工资"].detail
        and "overtime_pay=3200" in results["加班工资"].detail
    )
    assert (
        results["工资年增"].verdict == Verdict.COMPLIANT and results["女职工禁"].verdict == Verdict.COMPLIANT
    )
    platform = made.items.get(code="overtime_hours").deliveries.all()
    assert sorted((d.period, d.value, d.platform) for d in platform) == [
        ("2026-07", 40, True),
        ("2026-08", 30, True),
        ("2026-09", 40, True),
    ]
    contracts.quarter_check(contract=made, quarter="2026Q3", now=late_run)  # run again: nothing new
    assert made.items.get(code="overtime_hours").deliveries.count() == 3
    # the quarter under way is not filled in
    contracts.quarter_check(
        contract=made, quarter=f"{dt.date.today().year}Q{(dt.date.today().month - 1) // 3 + 1}"
    )
    assert made.items.get(code="overtime_hours").deliveries.count() == 3


def test_an_unknown_data_source_is_refused(personas):
    with pytest.raises(DomainError) as refused:
        contracts.contract_create(
            org=personas.tree.union,
            data={"title": "x", "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 12, 31),
                  "items": [{"code": "a", "name": "A", "source": "payroll"}],
                  "clauses": [{"text": "A ≥ 1", "kind": "minimum", "rule": {"item": "a", "min": 1}}]},
        )  # fmt: skip
    assert "items.0.source" in refused.value.fields


def test_staff_enter_a_contract_on_the_page(personas):
    from unionhome.democracy.models import Contract

    from ..conftest import login_client

    staff = login_client(personas.staff)
    form = staff.get("/staff/democracy/").content.decode()
    assert "工资年增长不低于（%）" in form and "考勤：加班工时合计" in form
    base = {"action": "contract", "title": "2027 年度集体合同", "starts_on": "2027-01-01"}
    page = staff.post(
        "/staff/democracy/", {**base, "ends_on": "9999-12-31", "wage_growth": "5"}
    ).content.decode()
    assert "都在 2000—2100 年之间" in page and 'value="2027 年度集体合同"' in page  # kept what was typed
    page = staff.post(
        "/staff/democracy/", {**base, "ends_on": "2027-12-31", "wage_growth": "1e40"}
    ).content.decode()
    assert not Contract.objects.exists()
    page = staff.post("/staff/democracy/", {**base, "ends_on": "2027-12-31"}).content.decode()
    assert "至少选一条条款" in page and not Contract.objects.exists()
    r = staff.post(
        "/staff/democracy/",
        {
            **base,
            "ends_on": "2027-12-31",
            "wage_growth": "6",
            "high_temp": "300",
            "women_barred": "on",
            "overtime_source": "attendance_overtime",
        },
    )
    made = Contract.objects.get()
    assert r["Location"] == f"/staff/democracy/contracts/{made.pk}/"
    assert sorted(made.clauses.values_list("text", flat=True)) == [
        "6–9 月高温津贴每月不低于 300 元，次月 15 日前发放",
        "女职工禁忌从事的岗位不安排女职工",
        "工资年增长不低于 6%",
    ]
    assert not made.items.filter(source="attendance_overtime").exists()  # no overtime clause, no hours item
