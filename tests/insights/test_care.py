"""Issue #23, item 6 (G6): care flags from attendance, each rule on hand-worked days, its
boundaries (exactly 36.0 h is not over, 36.5 h is), the follow-up it opens once, the care content
only with consent, the member's own hours, and who may see people and who only counts."""

import datetime as dt
from decimal import Decimal

import pytest

from unionhome.benefits.models import Visit, VisitKind
from unionhome.core.models import Notification
from unionhome.insights import care
from unionhome.insights.models import CareFlag
from unionhome.integrations.models import Attendance
from unionhome.members.models import Consent, ConsentPurpose, HoursScheme

from ..conftest import login_client
from ..factories import MemberFactory

NOV = dt.date(2026, 11, 1)


def work(member, first: dt.date, days: int, *, hours=8, overtime=0, night=False):
    for i in range(days):
        Attendance.objects.update_or_create(
            member=member,
            date=first + dt.timedelta(days=i),
            defaults={
                "org": member.org,
                "hours": Decimal(str(hours)),
                "overtime_hours": Decimal(str(overtime)),
                "night": night,
            },
        )


def kinds(org, month=NOV, member=None):
    return {(f.member_id, f.kind): f.value for f in care.flags(org, month, member=member)}


def spread(member, total: str, month=NOV):
    """`total` overtime hours over weekdays of the month, a rest day between every five."""
    days = [month + dt.timedelta(days=i) for i in range(28) if i % 6 != 5]  # never 7 in a row
    share = (Decimal(total) / len(days)).quantize(Decimal("0.01"))
    shares = [share] * (len(days) - 1) + [Decimal(total) - share * (len(days) - 1)]
    for day, hours in zip(days, shares, strict=True):
        Attendance.objects.create(
            org=member.org, member=member, date=day, hours=Decimal("8") + hours, overtime_hours=hours
        )
    return days


def test_the_month_limit_is_36_hours_exactly_36_is_not_over(personas):
    a, b, c, d = (MemberFactory(org=personas.tree.union) for _ in range(4))
    for member, total in ((a, "36.0"), (b, "36.5"), (c, "29.5"), (d, "30")):
        spread(member, total)
    found = kinds(personas.tree.union)
    assert found[(a.pk, "near_36h")] == Decimal("36.00") and (a.pk, "over_36h") not in found
    assert found[(b.pk, "over_36h")] == Decimal("36.50") and (b.pk, "near_36h") not in found
    assert not any(k[0] == c.pk for k in found)
    assert (d.pk, "near_36h") in found
    # Each shift is under 3 h of overtime and the rest days break every run: nothing else.
    assert {k[1] for k in found} == {"near_36h", "over_36h"}


def test_a_long_day_is_over_3_hours_not_3_and_not_on_a_comprehensive_scheme(personas):
    a, b, c = (MemberFactory(org=personas.tree.union) for _ in range(3))
    work(a, NOV + dt.timedelta(days=2), 1, hours=11, overtime=3)
    work(b, NOV + dt.timedelta(days=2), 1, hours=11.5, overtime=3.5)
    work(c, NOV + dt.timedelta(days=2), 1, hours=12, overtime=4)
    c.hours_scheme = HoursScheme.MONTH
    c.save()
    found = kinds(personas.tree.union)
    assert (a.pk, "over_3h_day") not in found
    assert found[(b.pk, "over_3h_day")] == Decimal("3.5")
    assert (c.pk, "over_3h_day") not in found


def test_seven_days_without_rest_and_five_nights_in_a_row(personas):
    six, seven, across, before, nights4, nights5, broken = (
        MemberFactory(org=personas.tree.union) for _ in range(7)
    )
    work(six, NOV + dt.timedelta(days=3), 6)
    work(seven, NOV + dt.timedelta(days=3), 7)
    work(across, dt.date(2026, 10, 28), 7)  # Oct 28 – Nov 3: still no rest in November
    work(before, dt.date(2026, 10, 20), 8)  # rested from Oct 28: October's, not November's
    work(nights4, NOV + dt.timedelta(days=10), 4, night=True)
    work(nights5, NOV + dt.timedelta(days=10), 5, night=True)
    work(broken, NOV + dt.timedelta(days=10), 3, night=True)
    work(broken, NOV + dt.timedelta(days=13), 1)  # a day shift between
    work(broken, NOV + dt.timedelta(days=14), 3, night=True)
    found = kinds(personas.tree.union)
    assert (six.pk, "no_rest_7d") not in found
    assert found[(seven.pk, "no_rest_7d")] == 7
    assert found[(across.pk, "no_rest_7d")] == 7
    assert not any(k[0] == before.pk for k in found)
    assert kinds(personas.tree.union, dt.date(2026, 10, 1))[(before.pk, "no_rest_7d")] == 8
    assert (nights4.pk, "nights_5") not in found
    assert found[(nights5.pk, "nights_5")] == 5
    assert (broken.pk, "nights_5") not in found
    assert found[(broken.pk, "no_rest_7d")] == 7  # the day shift is still a day of work


def test_a_zero_hour_day_is_a_rest_day(personas):
    member = MemberFactory(org=personas.tree.union)
    work(member, NOV, 3)
    work(member, NOV + dt.timedelta(days=3), 1, hours=0)
    work(member, NOV + dt.timedelta(days=4), 6)
    assert not kinds(personas.tree.union)


def test_a_quarterly_scheme_is_measured_over_its_quarter(personas):
    member = MemberFactory(org=personas.tree.union, hours_scheme=HoursScheme.QUARTER)
    spread(member, "50", dt.date(2026, 10, 1))
    spread(member, "50", NOV)
    # 100 h since October 1st against 3 × 36 = 108: near (≥ 90), not over.
    assert kinds(personas.tree.union) == {(member.pk, "near_36h"): Decimal("100.00")}
    flag = care.flags(personas.tree.union, NOV)[0]
    assert flag.limit == 108
    spread(member, "10", dt.date(2026, 12, 1))
    assert kinds(personas.tree.union, dt.date(2026, 12, 1)) == {(member.pk, "over_36h"): Decimal("110.00")}
    # A new quarter starts afresh.
    spread(member, "40", dt.date(2027, 1, 1))
    assert kinds(personas.tree.union, dt.date(2027, 1, 1)) == {}


def test_flags_stay_in_the_subtree(personas):
    mine = MemberFactory(org=personas.tree.branch)
    theirs = MemberFactory(org=personas.tree.other_union)
    for m in (mine, theirs):
        work(m, NOV, 8, overtime=4)
    assert {k[0] for k in kinds(personas.tree.union)} == {mine.pk}
    assert {k[0] for k in kinds(personas.tree.other_union)} == {theirs.pk}


def test_raising_keeps_each_flag_once_opens_one_visit_and_cares_only_with_consent(
    personas, django_capture_on_commit_callbacks
):
    member, other = personas.member, personas.other
    work(member, NOV, 8, overtime=4, night=True)  # over_36h? 32 h: near; over 3 h; 8 days; 8 nights
    work(other, NOV, 8, overtime=4)
    Consent.objects.create(member=member, purpose=ConsentPurpose.CARE, granted=True)
    Consent.objects.create(member=other, purpose=ConsentPurpose.CARE, granted=True)
    Consent.objects.create(member=other, purpose=ConsentPurpose.CARE, granted=False)  # withdrawn
    today = dt.date(2026, 11, 9)
    with django_capture_on_commit_callbacks(execute=True):
        kept = care.care_flags_raise(month=NOV, today=today)
    mine = set(CareFlag.objects.filter(member=member).values_list("kind", flat=True))
    assert mine == {"near_36h", "over_3h_day", "no_rest_7d", "nights_5"}
    assert set(CareFlag.objects.filter(member=other).values_list("kind", flat=True)) == {
        "near_36h", "over_3h_day", "no_rest_7d"
    }  # fmt: skip
    assert kept == 7
    visits = Visit.objects.filter(kind=VisitKind.HOURS)
    assert visits.count() == 2  # one per member and month, whatever the kinds
    assert visits.get(member=member).planned_on == today + dt.timedelta(days=care.VISIT_DAYS)
    assert Notification.objects.filter(user=personas.member_user, url="/me/hours/").count() == 4
    assert not Notification.objects.filter(user=personas.other_user).exists()
    # The next day's run adds only what is new: a ninth day crosses 36 h.
    work(member, NOV + dt.timedelta(days=8), 1, overtime=4.5)
    with django_capture_on_commit_callbacks(execute=True):
        assert care.care_flags_raise(month=NOV, today=today + dt.timedelta(days=1)) == 1
    assert CareFlag.objects.get(member=member, kind="over_36h").value == Decimal("36.50")
    assert Visit.objects.filter(kind=VisitKind.HOURS).count() == 2
    assert care.care_flags_raise(month=NOV, today=today) == 0


def api(client, path):
    return client.get(path)


def test_staff_see_people_the_enterprise_only_counts_and_outsiders_nothing(personas):
    work(personas.member, NOV, 8, overtime=4)
    staff = login_client(personas.staff)
    r = staff.get(f"/api/v1/insights/care-flags?org={personas.tree.union.pk}&month=2026-11")
    assert r.status_code == 200
    body = r.json()
    assert {(f["employee_no"], f["member"], f["kind"]) for f in body} == {
        (personas.member.employee_no, personas.member.pk, k)
        for k in ("near_36h", "over_3h_day", "no_rest_7d")
    }
    assert next(f for f in body if f["kind"] == "near_36h") == {
        "employee_no": personas.member.employee_no, "member": personas.member.pk, "kind": "near_36h",
        "value": 32.0, "limit": 36.0,
    }  # fmt: skip
    assert r["Cache-Control"] == "private, no-store"
    counts_path = f"/api/v1/insights/care-counts?org={personas.tree.union.pk}&month=2026-11"
    handler = login_client(personas.handler)
    counts = handler.get(counts_path).json()
    assert sorted((c["site"], c["kind"], c["members"]) for c in counts) == [
        ("翠湖小区", "near_36h", 1), ("翠湖小区", "no_rest_7d", 1), ("翠湖小区", "over_3h_day", 1)
    ]  # fmt: skip
    assert "member" not in counts[0] and "employee_no" not in counts[0]
    # The enterprise's handler sees no person; a member sees neither; another union: not found.
    assert handler.get(f"/api/v1/insights/care-flags?org={personas.tree.union.pk}").status_code == 403
    assert login_client(personas.member_user).get(counts_path).status_code == 403
    assert login_client(personas.staff_other).get(counts_path).status_code == 404
    assert (
        login_client(personas.staff_other)
        .get(f"/api/v1/insights/care-flags?org={personas.tree.union.pk}")
        .status_code
        == 404
    )
    # The staff of the branch's parent see the branch's member; absurd months are refused.
    for month in ("9999-01", "2026-13", "abc", "2026-1", "1999-12"):
        r = staff.get(f"/api/v1/insights/care-flags?org={personas.tree.union.pk}&month={month}")
        assert r.status_code == 422, month
        assert "month" in str(r.json())


def test_a_member_sees_their_own_hours_against_the_limit(personas):
    work(personas.member, NOV, 8, overtime=4.5)  # 36 h exactly: near, not over
    work(personas.other, NOV, 9, overtime=4.5)
    client = login_client(personas.member_user)
    body = client.get("/api/v1/me/hours?month=2026-11").json()
    assert (body["overtime_hours"], body["limit"], body["since"], len(body["days"])) == (
        36.0,
        36.0,
        "2026-11-01",
        8,
    )
    assert set(body["flags"]) == {"near_36h", "over_3h_day", "no_rest_7d"}
    page = client.get("/me/hours/?month=2026-11")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    assert "加班 36 小时 / 上限 36 小时" in text and "连续 7 天以上没有休息" in text
    assert client.get("/me/hours/?month=9999-99").status_code == 200  # falls back to this month
    assert client.get("/api/v1/me/hours?month=9999-01").status_code == 422
    assert login_client(personas.staff).get("/api/v1/me/hours").status_code == 404  # not a member


def test_the_staff_care_page_lists_people_and_counts_in_scope(personas, django_capture_on_commit_callbacks):
    work(personas.member, NOV, 8, overtime=4)
    with django_capture_on_commit_callbacks(execute=True):
        care.care_flags_raise(month=NOV, today=dt.date(2026, 11, 9))
    page = login_client(personas.staff).get(
        f"/staff/insights/care/?org={personas.tree.union.pk}&month=2026-11"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "王建国" in text and "计划 11-12" in text
    other = login_client(personas.staff_other).get(f"/staff/insights/care/?org={personas.tree.union.pk}")
    assert other.status_code == 404
    assert login_client(personas.member_user).get("/staff/insights/care/").status_code in (302, 403)


@pytest.mark.parametrize("scheme", ["standard", "month"])
def test_the_flags_equal_a_plain_count_of_the_days(personas, scheme):
    member = MemberFactory(org=personas.tree.union, hours_scheme=scheme)
    work(member, NOV, 10, overtime=3.7)
    total = sum(a.overtime_hours for a in Attendance.objects.filter(member=member))
    found = kinds(personas.tree.union)
    assert found[(member.pk, "over_36h")] == total == Decimal("37.0")
