"""Issue #23, item 7 (G7): quarterly work plans with items and owners, and the sub-unions'
ranking on a declared score with every part shown."""

import datetime as dt

import pytest

from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.insights import plans
from unionhome.insights.models import WorkPlan

from ..conftest import api_token, login_client
from ..factories import OrgFactory, UserFactory, grant
from .test_figures import appeal, at, checked_in, person


def test_quarters_are_read_and_bounded():
    assert plans.parse_quarter("2026Q4") == (2026, 4) == plans.parse_quarter("2026-q4")
    for bad in ("2026Q5", "2026Q0", "9999Q1", "0000Q1", "1999Q4", "26Q1", "", None, "2026Q4x", "²²²²Q1"):
        assert plans.parse_quarter(bad) is None, bad
    assert plans.quarter_period(2026, 4) == plans.f.Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert plans.quarter_period(2026, 1).end == dt.date(2026, 3, 31)


def test_a_plan_takes_items_within_its_quarter_is_published_once_and_only_by_its_staff(personas):
    union = personas.tree.union
    plan = plans.plan_for(actor=personas.staff, org=union, year=2026, quarter=4)
    assert plans.plan_for(actor=personas.staff, org=union, year=2026, quarter=4) == plan
    with pytest.raises(Conflict):
        plans.plan_publish(actor=personas.staff, plan=plan)  # nothing to publish yet
    with pytest.raises(DomainError) as err:
        plans.plan_item_add(actor=personas.staff, plan=plan, title=" ", owner="", due_on=dt.date(2027, 1, 1))
    assert set(err.value.fields) == {"title", "owner", "due_on"}
    item = plans.plan_item_add(
        actor=personas.staff, plan=plan, title="夏送清凉总结", owner="张主席", due_on=dt.date(2026, 12, 20)
    )
    with pytest.raises(DomainError):
        plans.plan_item_done(actor=personas.staff, item=item, done_on=dt.date(2099, 1, 1))
    plans.plan_publish(actor=personas.staff, plan=plan)
    first = WorkPlan.objects.get(pk=plan.pk).published_at
    plans.plan_publish(actor=personas.staff, plan=plan)
    assert WorkPlan.objects.get(pk=plan.pk).published_at == first
    for outsider in (personas.staff_other, personas.member_user):
        with pytest.raises(NotFound):
            plans.plan_for(actor=outsider, org=union, year=2026, quarter=4)
        with pytest.raises(NotFound):
            plans.plan_item_done(actor=outsider, item=item, done_on=dt.date(2026, 10, 2))


@pytest.fixture
def district(tree):
    """A district with three unions under it, worked by hand for 2026 Q1."""
    district = OrgFactory(name="排名区总工会", kind="higher", parent=tree.street)
    a, b, c = (OrgFactory(name=n, parent=district) for n in ("甲工会", "乙工会", "丙工会"))
    staff = grant(UserFactory(username="district_staff"), district)
    # 甲: 2 received, 2 closed, ratings 5 and 3; 1 of 2 members took part; plan 1 of 2 done
    appeal(a, at(2026, 1, 5), closed=at(2026, 1, 7), rating=5)
    appeal(a, at(2026, 2, 5), closed=at(2026, 2, 7), rating=3)
    came = person(a, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    person(a, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1))
    checked_in(came, at(2026, 3, 1, 9))
    plan = plans.plan_for(actor=staff, org=a, year=2026, quarter=1)
    done = plans.plan_item_add(
        actor=staff, plan=plan, title="职工之家建设", owner="甲", due_on=dt.date(2026, 2, 1)
    )
    plans.plan_item_add(actor=staff, plan=plan, title="技能比武", owner="乙", due_on=dt.date(2026, 3, 1))
    plans.plan_item_done(actor=staff, item=done, done_on=dt.date(2026, 1, 20))
    plans.plan_publish(actor=staff, plan=plan)
    # 乙 and 丙: nothing at all — equal scores share a rank
    return district, a, b, c, staff


def test_the_ranking_shows_every_part_of_every_score(district):
    district, a, b, c, _staff = district
    rows = plans.ranking(district, 2026, 1)
    assert rows[0].org == a and {r.org for r in rows[1:]} == {b, c}
    first = rows[0]
    parts = {p.key: (p.value, p.numerator, p.denominator, p.points) for p in first.parts}
    assert parts == {
        "closure_rate": (1.0, 2, 2, 30.0),
        "satisfaction": (0.5, 1, 2, 15.0),
        "participation": (0.5, 1, 2, 10.0),
        "plan_done": (0.5, 1, 2, 10.0),
    }
    assert first.score == 65.0 and first.rank == 1
    assert [(r.rank, r.score) for r in rows[1:]] == [(2, 0.0), (2, 0.0)]
    assert all(p.value is None for p in rows[1].parts)


def test_an_unpublished_plan_and_items_done_after_the_quarter_do_not_count(district):
    district, a, b, _c, staff = district
    plan = plans.plan_for(actor=staff, org=b, year=2026, quarter=1)
    item = plans.plan_item_add(actor=staff, plan=plan, title="走访", owner="丙", due_on=dt.date(2026, 3, 1))
    plans.plan_item_done(actor=staff, item=item, done_on=dt.date(2026, 1, 2))
    assert plans.plan_done(b, 2026, 1)[:2] == (0, 0)  # not published
    plans.plan_publish(actor=staff, plan=plan)
    assert plans.plan_done(b, 2026, 1)[:2] == (1, 1)
    item.done_on = dt.date(2026, 4, 1)
    item.save()
    assert plans.plan_done(b, 2026, 1)[:2] == (0, 1)


def test_the_rankings_api_and_page_for_members_and_the_plan_page_for_staff(district, personas, client):
    district, a, _b, _c, staff = district
    token = api_token(client, "member")
    body = client.get(
        f"/api/v1/insights/rankings?org={district.pk}&quarter=2026Q1", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert (
        body["quarter"] == "2026Q1"
        and body["rows"][0]["name"] == "甲工会"
        and body["rows"][0]["score"] == 65.0
    )
    assert {p["key"] for p in body["rows"][0]["parts"]} == set(plans.WEIGHTS)
    for bad, status in (("2026Q5", 422), ("x", 422), ("9999Q1", 400), ("0000Q1", 400)):
        r = client.get(
            f"/api/v1/insights/rankings?org={district.pk}&quarter={bad}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert r.status_code == status and "quarter" in str(r.json()), bad
    assert client.get(f"/api/v1/insights/rankings?org={district.pk}").status_code == 401
    page = (
        login_client(personas.member_user)
        .get(f"/rankings/?org={district.pk}&quarter=2026Q1")
        .content.decode()
    )
    assert "甲工会" in page and "65.0" in page and "职工之家建设" in page and "计划完成率" in page
    # the member's default: their own union among its siblings
    default = login_client(personas.member_user).get("/rankings/").content.decode()
    assert personas.tree.union.name in default
    staff_client = login_client(staff)
    r = staff_client.post(
        f"/staff/insights/plan/?org={a.pk}&quarter=2026Q2",
        {"action": "item", "title": "送温暖", "owner": "王", "due_on": "2026-05-01"},
    )
    assert r.status_code == 302
    assert plans.plan_for(actor=staff, org=a, year=2026, quarter=2).items.get().title == "送温暖"
    r = staff_client.post(
        f"/staff/insights/plan/?org={a.pk}&quarter=2026Q2",
        {"action": "item", "title": "越界", "owner": "王", "due_on": "2026-09-01"},
    )
    assert r.status_code == 200 and "本季度内" in r.content.decode() and "越界" in r.content.decode()
    outsider = login_client(personas.staff_other).get(f"/staff/insights/plan/?org={a.pk}")
    assert outsider.status_code == 404
