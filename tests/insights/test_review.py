"""Issue #23, item 5 (G5): the monthly review per service group on hand-worked records, its
action items, the chair's sign-off that freezes it, the task of the 1st, the PDF and scope."""

import datetime as dt
from decimal import Decimal

import pytest

from unionhome.core.errors import Conflict, NotFound
from unionhome.core.guard import system
from unionhome.core.models import Role
from unionhome.insights import review
from unionhome.insights.models import MonthlyReview
from unionhome.integrations.models import Attendance
from unionhome.members import groups

from ..conftest import login_client
from ..factories import OrgFactory, UserFactory, grant
from .test_figures import appeal, at, checked_in, notice_read, person

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def union(tree):
    org = OrgFactory(name="复盘工会", parent=tree.street)
    women = [
        person(org, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1), gender="F")
        for _ in range(4)
    ]
    for m in women:
        groups.recompute(m)
    a, b, c, d = women
    notice_read(a, at(2026, 11, 3, 10))  # reach 1 of 4
    checked_in(b, at(2026, 11, 5, 10))  # participation 1 of 4
    with system():
        first = appeal(org, at(2026, 9, 20, 10))  # wages, 9-20 …
        again = appeal(org, at(2026, 11, 10, 10))  # … and again within 90 days: repeated
        late = appeal(org, at(2026, 10, 1, 10))  # still open at the month's end, overdue
    for x, who in ((first, c), (again, c), (late, d)):
        x.member = who
        x.category = "wages"
        x.save()
    late.overdue = True
    late.save()
    for i in range(10):  # 10 days × 4 h: 40 h of overtime for d
        Attendance.objects.create(
            org=org, member=d, date=NOV + dt.timedelta(days=i), hours=Decimal(12), overtime_hours=Decimal(4)
        )
    d.left_on = dt.date(2026, 11, 30)  # on the roster through the last day, gone that month
    d.save()
    return org, women


def test_the_womens_row_is_worked_by_hand(union):
    org, _women = union
    data = review.review_data(org, NOV)
    row = next(r for r in data["rows"] if r["group"] == "women")
    assert (row["members"], row["reached"], row["participated"]) == (4, 1, 1)
    assert (row["reach"], row["participation"]) == (0.25, 0.25)
    assert (row["repeated"], row["open"], row["overdue"]) == (1, 3, 1)  # none of the three closed
    assert (row["over_36h"], row["overtime_mean"]) == (1, 10.0)  # 40 h over 4 members
    assert (row["left"], row["turnover"], row["staffing"]) == (1, 0.25, -1)
    empty = next(r for r in data["rows"] if r["group"] == "posted")
    assert empty["members"] == 0 and empty["reach"] is None
    actions = "\n".join(data["actions"])
    for words in (
        "触达率 25%",
        "1 件诉求是 90 天内同类问题",
        "1 件诉求已超期",
        "1 人月加班超过 36 小时",
        "流失率 25.0%",
    ):
        assert words in actions, words
    assert "参与率" not in actions  # 25% is not below the 20% the rule names
    assert "参与率" not in actions  # 25% is not below the 20% the rule names
    assert all(line.startswith("女职工") for line in data["actions"])


def test_building_twice_replaces_and_signing_freezes(union, personas):
    org, women = union
    chair = grant(UserFactory(username="review_chair"), org, Role.CHAIR)
    staff = grant(UserFactory(username="review_staff"), org)
    built = review.review_build(org=org, month=NOV)
    assert review.review_build(org=org, month=NOV).pk == built.pk
    with pytest.raises(NotFound):
        review.review_sign(actor=staff, review=built)  # staff, not the chair
    review.review_sign(actor=chair, review=built, note="下月重点：女职工夜班安排")
    with pytest.raises(Conflict):
        review.review_sign(actor=chair, review=built)
    checked_in(women[2], at(2026, 11, 20, 10))  # a late record does not change a signed review
    kept = review.review_build(org=org, month=NOV)
    assert next(r for r in kept.data["rows"] if r["group"] == "women")["participated"] == 1
    pdf = review.review_pdf(MonthlyReview.objects.get(pk=built.pk))
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf


def test_the_task_of_the_first_builds_last_month_for_every_union(union):
    org, _women = union
    built = review.reviews_build_all(today=dt.date(2026, 12, 1))
    assert built >= 1
    assert MonthlyReview.objects.filter(org=org, month=NOV).exists()
    assert not MonthlyReview.objects.filter(month=dt.date(2026, 12, 1)).exists()


def test_the_page_previews_builds_signs_and_serves_the_pdf_in_scope(union, personas):
    org, _women = union
    chair = login_client(grant(UserFactory(username="page_chair"), org, Role.CHAIR))
    url = f"/staff/insights/review/?org={org.pk}&month=2026-11"
    page = chair.get(url).content.decode()
    assert "预览" in page and "女职工" in page and "签阅" not in page.split("</h1>")[1].split("需要处理")[0]
    assert chair.get(f"/staff/insights/review/pdf/?org={org.pk}&month=2026-11").status_code == 404
    chair.post(url, {"action": "build"})
    chair.post(url, {"action": "sign", "note": "同意"})
    assert MonthlyReview.objects.get(org=org, month=NOV).signed_at is not None
    pdf = chair.get(f"/staff/insights/review/pdf/?org={org.pk}&month=2026-11")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "已于" in chair.get(url).content.decode()
    outsider = login_client(personas.staff_other)
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/staff/insights/review/pdf/?org={org.pk}&month=2026-11").status_code == 404
    assert chair.get(f"/staff/insights/review/?org={org.pk}&month=9999-99").status_code == 200
