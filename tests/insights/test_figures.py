"""Issue #23, G1: every definition on hand-worked records, its boundaries, and every figure equal
to a plain count over the records behind its drill-down. The union here is one of its own (the
personas' members are elsewhere), so every number below is worked out by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from unionhome.appeals.models import Appeal
from unionhome.core.guard import system
from unionhome.insights import figures as f
from unionhome.insights.figures import Period

from ..conftest import api_token
from ..factories import MemberFactory, OrgFactory, SiteFactory, UserFactory, grant

SH = ZoneInfo("Asia/Shanghai")
Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def union(tree):
    org = OrgFactory(name="核算工会", parent=tree.street)
    SiteFactory(org=org, name="核算小区")
    return org


def person(org, hired, left=None, joined=None, account=None, **kw):
    user = None
    if account:
        user = UserFactory()
        user.date_joined = account
        user.save()
    return MemberFactory(
        org=org,
        hired_on=hired,
        left_on=left,
        joined_on=joined,
        user=user,
        status="active" if joined else "roster",
        **kw,
    )


def appeal(org, received, closed=None, rating=None, withdrawn=None):
    with system():
        return Appeal.objects.create(
            number=f"T{Appeal.objects.count():05d}",
            org=org,
            text="测试",
            received_at=received,
            closed_at=closed,
            rating=rating,
            withdrawn_at=withdrawn,
            status="closed" if closed else "routed",
        )


def test_registration_rate_counts_the_roster_and_the_members_of_the_last_day(union):
    person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))  # registered
    person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1))  # a member, no account
    person(
        union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2026, 4, 1, 0, 0)
    )  # account after
    person(union, dt.date(2020, 1, 1), joined=dt.date(2026, 4, 1), account=at(2021, 1, 1))  # joined after
    person(
        union,
        dt.date(2020, 1, 1),
        left=dt.date(2026, 3, 31),
        joined=dt.date(2021, 1, 1),
        account=at(2021, 1, 1),
    )
    person(union, dt.date(2020, 1, 1), left=dt.date(2026, 3, 30))  # gone before the last day
    person(union, dt.date(2026, 4, 1))  # hired after
    ended = person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    ended.membership_ended_on = dt.date(2026, 3, 31)  # left the union on the last day: not a member then
    ended.save()
    rate = f.registration_rate(union, Q1)
    assert (rate.numerator, rate.denominator, rate.value) == (2, 6, 0.3333)
    assert rate.numerator == f.records("registered", union, Q1).count()
    assert rate.denominator == f.records("roster_end", union, Q1).count()


def test_cycle_is_elapsed_days_over_appeals_closed_in_the_period(union):
    appeal(union, at(2025, 12, 30, 12), closed=at(2026, 1, 1, 12))  # 2 days, received before
    appeal(union, at(2026, 2, 1, 8), closed=at(2026, 2, 6, 20))  # 5.5 days
    appeal(union, at(2026, 3, 1), closed=at(2026, 3, 11))  # 10 days
    appeal(union, at(2026, 3, 20), closed=at(2026, 4, 1, 0, 0, 0))  # closed after the period
    appeal(union, at(2026, 3, 1), closed=at(2026, 3, 2), withdrawn=at(2026, 3, 1, 12))  # withdrawn
    got = f.cycle(union, Q1)
    assert (got.n, got.mean, got.median) == (3, 5.83, 5.5)


def test_closure_rate_one_second_after_the_end_is_out_and_withdrawn_appeals_are_out(union):
    appeal(union, at(2026, 1, 5), closed=at(2026, 3, 31, 23, 59, 59))  # in, closed in time
    appeal(union, at(2026, 2, 5), closed=at(2026, 4, 1, 0, 0, 0))  # in, closed one second late
    appeal(union, at(2026, 3, 31, 23, 59, 59))  # in, open
    appeal(union, at(2026, 3, 5), withdrawn=at(2026, 3, 6))  # withdrawn: out of both
    appeal(union, at(2025, 12, 31, 23, 59, 59), closed=at(2026, 1, 2))  # received before: out
    appeal(union, at(2026, 4, 1), closed=at(2026, 4, 2))  # received after: out
    rate = f.closure_rate(union, Q1)
    assert (rate.numerator, rate.denominator, rate.value) == (1, 3, 0.3333)
    assert {a.received_at for a in f.records("received", union, Q1)} == {
        at(2026, 1, 5),
        at(2026, 2, 5),
        at(2026, 3, 31, 23, 59, 59),
    }


def test_satisfaction_is_four_or_five_stars_of_the_rated_closed_in_the_period(union):
    for stars in (5, 4, 3):
        appeal(union, at(2026, 1, 5), closed=at(2026, 1, 9), rating=stars)
    appeal(union, at(2026, 1, 5), closed=at(2026, 1, 9))  # not rated
    appeal(union, at(2026, 3, 25), closed=at(2026, 4, 2), rating=5)  # closed after
    rate = f.satisfaction(union, Q1)
    assert (rate.numerator, rate.denominator, rate.value) == (2, 3, 0.6667)


def test_turnover_is_leavers_over_the_mean_of_the_first_and_last_days_roster(union):
    for _ in range(8):
        person(union, dt.date(2020, 1, 1))
    person(union, dt.date(2020, 1, 1), left=dt.date(2026, 1, 1))  # on the first day, left in it
    person(union, dt.date(2020, 1, 1), left=dt.date(2026, 3, 31))  # on both days, left in it
    person(union, dt.date(2020, 1, 1), left=dt.date(2025, 12, 31))  # left before
    person(union, dt.date(2026, 2, 1))  # hired in the period
    person(union, dt.date(2026, 4, 1), left=dt.date(2026, 4, 30))  # after
    rate = f.turnover(union, Q1)
    # first day: 8 + 2 = 10; last day: 8 + 1 + 1 = 10; left: 2
    assert (rate.numerator, rate.denominator, rate.value) == (2, 10.0, 0.2)


def test_every_figure_of_the_api_equals_a_count_of_its_records_and_stays_in_scope(union, personas, client):
    staff = grant(UserFactory(username="union_staff"), union)
    person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    person(union, dt.date(2020, 1, 1), left=dt.date(2026, 2, 1))
    appeal(union, at(2026, 1, 5), closed=at(2026, 1, 9), rating=5)
    appeal(union, at(2026, 1, 6))
    token = api_token(client, staff.username)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get(f"/api/v1/insights/figures?org={union.pk}&from=2026-01-01&to=2026-03-31", **auth).json()
    assert body["registration_rate"]["numerator"] == f.records("registered", union, Q1).count() == 1
    assert body["registration_rate"]["denominator"] == f.records("roster_end", union, Q1).count() == 1
    assert body["closure_rate"] | {"definition": ""} == {
        "value": 0.5,
        "numerator": 1,
        "denominator": 2,
        "definition": "",
    }
    assert body["satisfaction"]["value"] == 1.0 and body["cycle_days"] | {"definition": ""} == {
        "mean": 4.0,
        "median": 4.0,
        "n": 1,
        "definition": "",
    }
    assert body["turnover"]["numerator"] == f.records("left_in", union, Q1).count() == 1
    assert "在册" in body["registration_rate"]["definition"] and "撤回" in body["closure_rate"]["definition"]
    # another union's staff, a member, the union above it: no figures of this union
    other = api_token(client, "staff_other")
    assert (
        client.get(
            f"/api/v1/insights/figures?org={union.pk}", HTTP_AUTHORIZATION=f"Bearer {other}"
        ).status_code
        == 404
    )
    member = api_token(client, "member")
    assert (
        client.get(
            f"/api/v1/insights/figures?org={union.pk}", HTTP_AUTHORIZATION=f"Bearer {member}"
        ).status_code
        == 403
    )
    assert client.get(f"/api/v1/insights/figures?org={union.parent_id}", **auth).status_code == 404
    # absurd input: a clear 4xx, never a 500
    for query in (
        "from=2026-03-31&to=2026-01-01",
        "from=9999-01-01",
        "org=9223372036854775808",
        "from=2026-02-30",
    ):
        r = client.get(f"/api/v1/insights/figures?org={union.pk}&{query}", **auth)
        assert r.status_code in (400, 422), query


def test_the_periods_days_are_the_unions_local_days(union, settings):
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    appeal(union, dt.datetime(2026, 3, 31, 16, 0, 1, tzinfo=dt.UTC))  # 2026-04-01 00:00:01 in Shanghai
    appeal(union, dt.datetime(2026, 3, 31, 15, 59, 59, tzinfo=dt.UTC))  # 23:59:59 on the 31st
    assert f.closure_rate(union, Q1).denominator == 1


def test_the_page_shows_each_figure_with_its_definition_and_each_number_opens_its_records(union, personas):
    from ..conftest import login_client

    staff = grant(UserFactory(username="union_staff2"), union)
    person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1), name="注册甲")
    person(union, dt.date(2020, 1, 1), name="未注册乙")
    person(union, dt.date(2020, 1, 1), left=dt.date(2026, 2, 1), name="离职丙")
    appeal(union, at(2026, 1, 5), closed=at(2026, 1, 9), rating=5)
    client = login_client(staff)
    query = f"org={union.pk}&from=2026-01-01&to=2026-03-31"
    page = client.get(f"/staff/insights/?{query}").content.decode()
    for word in ("注册率", "办理周期", "办结率", "满意率", "流失率", "期末在册职工人数", "已撤回的不计"):
        assert word in page, word
    drills = {name: client.get(f"/staff/insights/{name}/?{query}").content.decode() for name in f.RECORDS}
    assert "注册甲" in drills["registered"] and "未注册乙" not in drills["registered"]
    assert (
        "注册甲" in drills["roster_end"]
        and "未注册乙" in drills["roster_end"]
        and "离职丙" not in drills["roster_end"]
    )
    assert "离职丙" in drills["left_in"] and "离职丙" in drills["roster_start"]
    assert "T0" in drills["satisfied"] and "T0" in drills["closed_in"]
    assert client.get(f"/staff/insights/nothing/?{query}").status_code == 404
    # absurd periods fall back to this year so far, never an error; a stranger's org number is a 404
    for absurd in ("from=9999-99-99&to=0000-00-00", "from=2026-03-31&to=2026-01-01", "from=1e40"):
        assert client.get(f"/staff/insights/?org={union.pk}&{absurd}").status_code == 200, absurd
    assert client.get(f"/staff/insights/?org={personas.tree.other_union.pk}").status_code == 404
    assert client.get("/staff/insights/?org=9223372036854775808").status_code in (200, 404)
    # another union's staff cannot open this union's records by its id
    other = login_client(personas.staff_other)
    assert other.get(f"/staff/insights/registered/?{query}").status_code == 404
    assert login_client(personas.member_user).get(f"/staff/insights/?{query}").status_code in (302, 403)


def test_a_member_who_leaves_the_union_today_is_a_member_until_yesterday(union):
    from unionhome.members.services import member_leave

    member = person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    today = timezone.localdate()
    assert f.registered(union, today).count() == 1
    member_leave(member=member, actor=member.user)
    member.refresh_from_db()
    assert member.membership_ended_on == today
    assert f.registered(union, today).count() == 0
    assert f.registered(union, today - dt.timedelta(days=1)).count() == 1
