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


def checked_in(member, when):
    from unionhome.activities.models import Activity, Signup

    with system():
        activity = Activity.objects.create(
            org=member.org, title="活动", starts_at=when, ends_at=when, capacity=10, remaining=9,
            signup_closes_at=when,
        )  # fmt: skip
        Signup.objects.create(
            activity=activity, member=member, status="confirmed", short_code=f"S{activity.pk}",
            checked_in_at=when,
        )  # fmt: skip


def notice_read(member, sent, read=True):
    from unionhome.core.models import Notification

    n = Notification.objects.create(
        user=member.user, title="通知", ref="notice:1", read_at=sent if read else None
    )
    Notification.objects.filter(pk=n.pk).update(created_at=sent)


def test_participation_and_reach_count_members_of_the_last_day(union):
    came = person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    twice = person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    late = person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    gone = person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    gone.membership_ended_on = dt.date(2026, 3, 31)  # not a member on the last day
    gone.save()
    person(union, dt.date(2020, 1, 1))  # on the roster, not a member: in no denominator here
    checked_in(came, at(2026, 2, 1, 9))
    checked_in(twice, at(2026, 1, 1, 0, 0))
    checked_in(twice, at(2026, 3, 1, 9))
    checked_in(late, at(2026, 4, 1, 0, 0))  # one second … a whole day after the end: out
    checked_in(gone, at(2026, 2, 1, 9))
    notice_read(came, at(2026, 3, 31, 23, 59))
    notice_read(twice, at(2026, 2, 1), read=False)  # sent, never opened
    notice_read(late, at(2025, 12, 31, 23, 59))  # opened, but sent before the period
    p, r = f.participation(union, Q1), f.reach(union, Q1)
    assert (p.numerator, p.denominator, p.value) == (2, 3, 0.6667)
    assert (r.numerator, r.denominator) == (1, 3)
    assert p.numerator == f.records("participated", union, Q1).count()
    assert r.numerator == f.records("reached", union, Q1).count()
    assert r.denominator == f.records("members_end", union, Q1).count()


def test_the_comparison_period_is_the_one_just_before_or_the_one_chosen(union, personas, client):
    assert f.previous(Q1) == Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert f.previous(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))) == Period(
        dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    )  # month on month, whatever the months' lengths
    assert f.previous(Period(dt.date(2026, 3, 5), dt.date(2026, 3, 14))) == Period(
        dt.date(2026, 2, 23), dt.date(2026, 3, 4)
    )
    staff = grant(UserFactory(username="cmp_staff"), union)
    appeal(union, at(2025, 11, 5), closed=at(2025, 11, 9), rating=2)
    appeal(union, at(2025, 11, 6))
    appeal(union, at(2026, 1, 5), closed=at(2026, 1, 7), rating=5)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, staff.username)}"}
    body = client.get(f"/api/v1/insights/figures?org={union.pk}&from=2026-01-01&to=2026-03-31", **auth).json()
    assert body["compare"]["from"] == "2025-10-01" and body["compare"]["to"] == "2025-12-31"
    assert body["compare"]["values"]["closure_rate"] == 0.5 and body["closure_rate"]["value"] == 1.0
    assert body["compare"]["values"]["cycle_days"] == 4.0 and body["cycle_days"]["mean"] == 2.0
    assert body["compare"]["values"]["satisfaction"] == 0.0
    chosen = "from=2026-01-01&to=2026-03-31&compare_from=2025-11-05&compare_to=2025-11-05"
    body = client.get(f"/api/v1/insights/figures?org={union.pk}&{chosen}", **auth).json()
    # Only the appeal of the 5th was received then, and it was closed on the 9th, after that end.
    assert body["compare"]["values"]["closure_rate"] == 0.0
    assert body["compare"]["values"]["cycle_days"] is None
    for bad in ("compare_from=2025-11-05", "compare_from=2025-12-01&compare_to=2025-11-01"):
        r = client.get(f"/api/v1/insights/figures?org={union.pk}&{bad}", **auth)
        assert r.status_code == 400 and "compare_from" in r.json()["fields"], bad


def test_the_page_compares_breaks_down_by_sub_union_charts_and_exports(union, personas):
    import io

    from openpyxl import load_workbook

    from ..conftest import login_client

    branch = OrgFactory(name="核算分会", kind="branch", parent=union)
    staff = grant(UserFactory(username="page_staff"), union)
    appeal(union, at(2026, 1, 5), closed=at(2026, 1, 7), rating=5)
    appeal(branch, at(2026, 2, 5))
    client = login_client(staff)
    query = f"org={union.pk}&from=2026-01-01&to=2026-03-31"
    page = client.get(f"/staff/insights/?{query}").content.decode()
    for word in ("参与率", "触达率", "对比期", "逐月走势", "核算分会", "<svg", "2026-03"):
        assert word in page, word
    # the whole union closed 1 of 2; the branch 0 of 1
    assert "50.0%" in page and "0.0%" in page
    response = client.get(f"/staff/insights/export/?{query}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "组织" and [r[0] for r in rows[1:]] == ["核算工会", "核算分会"]
    header = list(rows[0])
    closure = header.index("办结率")
    assert rows[1][closure : closure + 3] == (0.5, 1, 2) and rows[2][closure : closure + 3] == (0, 0, 1)
    assert login_client(personas.staff_other).get(f"/staff/insights/export/?{query}").status_code == 404


def test_figures_by_site_and_service_group_equal_the_figures_of_each_part(union, personas, client):
    """Per site: the people who work there and the appeals about it; per service group: the
    people in it and their appeals. Each row of the grouped tables equals the figures of that
    part alone, and the counts of its drill-downs."""
    from unionhome.members.models import MemberGroup

    north = union.sites.get()
    south = SiteFactory(org=union, name="南门小区")
    a = person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1), site=north)
    person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), site=north)
    c = person(union, dt.date(2020, 1, 1), left=dt.date(2026, 2, 1), site=south)
    with system():
        for member, group in ((a, "women"), (a, "frontline_shift"), (c, "frontline_shift")):
            MemberGroup.objects.create(member=member, group=group)
    first = appeal(union, at(2026, 1, 5), closed=at(2026, 1, 9), rating=5)
    second = appeal(union, at(2026, 1, 6), closed=at(2026, 1, 8), rating=2)
    appeal(union, at(2026, 1, 7))  # about no site, from no member: only in the whole union's figures
    with system():
        Appeal.objects.filter(pk=first.pk).update(site=north, member=a)
        Appeal.objects.filter(pk=second.pk).update(site=south, member=c)

    by_site = {name: figs for _part, name, figs in f.figures_by(union, Q1, "site")}
    assert list(by_site) == ["南门小区", "核算小区"]  # every site of the union, by name
    n = by_site["核算小区"]
    assert (n["registration_rate"].numerator, n["registration_rate"].denominator) == (1, 2)
    assert (n["closure_rate"].numerator, n["closure_rate"].denominator) == (1, 1)
    assert n["cycle_days"].mean == 4.0 and n["satisfaction"].value == 1.0
    s = by_site["南门小区"]
    assert s["turnover"].numerator == 1 and s["satisfaction"].value == 0.0 and s["cycle_days"].median == 2.0

    by_group = {part.value: figs for part, _name, figs in f.figures_by(union, Q1, "group")}
    shift = by_group["frontline_shift"]  # a and c: a person in two groups counts in both
    assert shift["turnover"].numerator == 1 and shift["closure_rate"].denominator == 2
    assert by_group["women"]["closure_rate"].denominator == 1 and by_group["women"]["turnover"].first == 1
    assert by_group["hardship"]["closure_rate"].denominator == 0 and by_group["hardship"]["cycle_days"].n == 0

    whole = f.figures(union, Q1)
    assert whole["closure_rate"].denominator == 3
    for kind in ("site", "group"):
        for part, _name, figs in f.figures_by(union, Q1, kind):
            alone = f.figures(union, Q1, part)
            assert {k: vars(v) for k, v in figs.items()} == {k: vars(v) for k, v in alone.items()}, part
            assert figs["closure_rate"].denominator == f.records("received", union, Q1, part).count()
            assert figs["turnover"].first == f.records("roster_start", union, Q1, part).count()

    staff = grant(UserFactory(username="part_staff"), union)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, staff.username)}"}
    base = f"/api/v1/insights/figures?org={union.pk}&from=2026-01-01&to=2026-03-31"
    body = client.get(f"{base}&site={north.pk}", **auth).json()
    assert body["site"] == north.pk and body["closure_rate"]["denominator"] == 1
    body = client.get(f"{base}&group=frontline_shift", **auth).json()
    assert body["group"] == "frontline_shift" and body["closure_rate"]["denominator"] == 2
    rows = client.get(
        f"/api/v1/insights/breakdown?org={union.pk}&from=2026-01-01&to=2026-03-31&by=site", **auth
    ).json()
    assert [(r["name"], r["id"], r["closure_rate"]["denominator"]) for r in rows] == [
        ("南门小区", str(south.pk), 1),
        ("核算小区", str(north.pk), 1),
    ]
    # another union's site, an unknown group, an absurd id: 4xx, never another union's figures
    elsewhere = SiteFactory(org=personas.member.org, name="别家小区")
    for query in (f"site={elsewhere.pk}", "group=nobody", "site=9223372036854775808", "by=street"):
        r = (
            client.get(f"{base}&{query}", **auth)
            if "by" not in query
            else client.get(f"/api/v1/insights/breakdown?org={union.pk}&{query}", **auth)
        )
        assert r.status_code in (400, 404, 422), query


def test_the_page_shows_a_part_and_tables_by_site_and_group(union, personas):
    import io

    from openpyxl import load_workbook

    from ..conftest import login_client

    north = union.sites.get()
    member = person(union, dt.date(2020, 1, 1), site=north)
    done = appeal(union, at(2026, 1, 5), closed=at(2026, 1, 7), rating=5)
    appeal(union, at(2026, 1, 6))
    with system():
        Appeal.objects.filter(pk=done.pk).update(site=north, member=member)
    client = login_client(grant(UserFactory(username="part_page"), union))
    query = f"org={union.pk}&from=2026-01-01&to=2026-03-31"
    page = client.get(f"/staff/insights/?{query}&by=site").content.decode()
    assert "各工作地点" in page and f"site={north.pk}" in page and "核算小区" in page
    page = client.get(f"/staff/insights/?{query}&site={north.pk}").content.decode()
    assert "只看工作地点「核算小区」" in page and "100.0%" in page  # closure 1 of 1 at the site
    assert f"site={north.pk}" in page.split("insights/received/")[1][:200]  # drill-downs keep the part
    drill = client.get(f"/staff/insights/received/?{query}&site={north.pk}").content.decode()
    assert done.number in drill and "核算小区" in drill
    page = client.get(f"/staff/insights/?{query}&by=group").content.decode()
    assert "各服务群体" in page and "困难职工" in page
    rows = list(
        load_workbook(
            io.BytesIO(client.get(f"/staff/insights/export/?{query}&by=site").content)
        ).active.values
    )
    assert rows[0][0] == "工作地点" and rows[1][0] == "核算小区"
    other_site = SiteFactory(org=personas.member.org, name="别家小区")
    assert client.get(f"/staff/insights/?{query}&site={other_site.pk}").status_code == 404
    assert client.get(f"/staff/insights/received/?{query}&group=nobody").status_code == 404
