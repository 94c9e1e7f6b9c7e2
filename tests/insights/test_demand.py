"""Issue #23, item 3 (G2): demand by category, channel, site and hour, rising terms and busy
sites with no service station near — each on hand-worked appeals."""

import datetime as dt
from decimal import Decimal

from unionhome.appeals.models import Appeal
from unionhome.core.guard import system
from unionhome.core.models import Site
from unionhome.insights import demand
from unionhome.insights.figures import Period

from ..conftest import api_token, login_client
from ..factories import OrgFactory, UserFactory, grant
from .test_figures import at

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def filed(org, when, *, category="wages", channel="online", site=None, text="工资拖欠"):
    with system():
        return Appeal.objects.create(
            number=f"D{Appeal.objects.count():05d}", org=org, text=text, received_at=when,
            category=category, channel=channel, site=site, status="routed",
        )  # fmt: skip


def test_trends_channels_sites_and_the_heat_map(tree):
    union = OrgFactory(name="需求工会", parent=tree.street)
    north = Site.objects.create(org=union, name="北门小区")
    south = Site.objects.create(org=union, name="南门小区")
    filed(union, at(2026, 1, 5, 9), site=north)  # a Monday, 09:xx local
    filed(union, at(2026, 1, 5, 9, 30), category="hours", channel="hotline", site=north)
    filed(union, at(2026, 2, 3, 21), category="hours", channel="station", site=south)  # Tuesday 21:xx
    filed(union, at(2026, 4, 1, 0, 0))  # the day after the period: out
    filed(OrgFactory(name="别的工会", parent=tree.street), at(2026, 1, 5, 9))  # another union: out
    months = demand.trends(union, Q1)
    assert [(m["bucket"], m["counts"], m["total"]) for m in months] == [
        (dt.date(2026, 1, 1), {"wages": 1, "hours": 1}, 2),
        (dt.date(2026, 2, 1), {"hours": 1}, 1),
    ]
    weeks = demand.trends(union, Q1, "week")
    assert [w["bucket"] for w in weeks] == [dt.date(2026, 1, 5), dt.date(2026, 2, 2)]
    assert {c: n for c, _label, n in demand.channels(union, Q1)} == {
        "online": 1, "hotline": 1, "box": 0, "visit": 0, "station": 1
    }  # fmt: skip
    assert [(s["name"], s["appeals"], s["share"]) for s in demand.hot_sites(union, Q1)] == [
        ("北门小区", 2, 0.6667), ("南门小区", 1, 0.3333)
    ]  # fmt: skip
    grid = demand.heatmap(union, Q1)
    assert grid[0][9] == 2 and grid[1][21] == 1 and sum(map(sum, grid)) == 3


def test_rising_terms_against_the_period_before(tree):
    union = OrgFactory(name="词工会", parent=tree.street)
    for _ in range(4):
        filed(union, at(2026, 2, 1, 10), text="宿舍空调坏了，晚上热得睡不着")
    filed(union, at(2025, 11, 1, 10), text="宿舍空调有点吵")
    for _ in range(3):
        filed(union, at(2026, 2, 2, 10), text="加班费没有发")
        filed(union, at(2025, 12, 2, 10), text="加班费没有发")  # as many before: not rising
    rising = {r["term"]: r for r in demand.rising_terms(union, Q1)}
    assert rising["空调"] == {"term": "空调", "now": 4, "before": 1, "growth": 3}
    assert "加班费" not in rising


def test_busy_sites_without_a_station_near(tree):
    union = OrgFactory(name="站点工会", parent=tree.street)
    station = Site.objects.create(org=union, name="服务站", station=True,
                                  latitude=Decimal("31.230000"), longitude=Decimal("121.470000"))  # fmt: skip
    near = Site.objects.create(
        org=union, name="近处小区", latitude=Decimal("31.235"), longitude=Decimal("121.475")
    )
    far = Site.objects.create(
        org=union, name="远处园区", latitude=Decimal("31.300"), longitude=Decimal("121.600")
    )
    nowhere = Site.objects.create(org=union, name="没坐标的工地")
    quiet = Site.objects.create(
        org=union, name="清静小区", latitude=Decimal("31.5"), longitude=Decimal("121.9")
    )
    for site in (station, near, far, nowhere):
        for _ in range(3):
            filed(union, at(2026, 1, 10, 10), site=site)
    filed(union, at(2026, 1, 10, 10), site=quiet)
    found = demand.uncovered(union, Q1, km=2.0, min_appeals=3)
    assert [(u.site.name, u.appeals, u.located) for u in found] == [
        ("没坐标的工地", 3, False),
        ("远处园区", 3, True),
    ]
    far_row = next(u for u in found if u.site == far)
    assert 13 < far_row.nearest_km < 15  # about 14 km north-east
    assert demand.km_between((31.23, 121.47), (31.23, 121.47)) == 0


def test_the_demand_api_and_page_stay_in_scope(tree, personas, client):
    union = OrgFactory(name="接口工会", parent=tree.street)
    staff = grant(UserFactory(username="demand_staff"), union)
    filed(union, at(2026, 1, 5, 9), text="食堂饭菜太贵")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, staff.username)}"}
    body = client.get(
        f"/api/v1/insights/demand?org={union.pk}&from=2026-01-01&to=2026-03-31&by=week", **auth
    ).json()
    assert body["trends"] == [{"bucket": "2026-01-05", "counts": {"wages": 1}, "total": 1}]
    assert len(body["heatmap"]) == 7 and body["heatmap"][0][9] == 1
    for bad in ("by=day", "km=0", "km=1e40", "min_appeals=0", "from=9999-01-01"):
        assert client.get(f"/api/v1/insights/demand?org={union.pk}&{bad}", **auth).status_code == 422, bad
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert client.get(f"/api/v1/insights/demand?org={union.pk}", **other).status_code == 404
    page = login_client(staff).get(f"/staff/insights/demand/?org={union.pk}&from=2026-01-01&to=2026-03-31")
    text = page.content.decode()
    assert page.status_code == 200 and "工资报酬" in text and "周一" in text
    assert (
        login_client(personas.staff_other).get(f"/staff/insights/demand/?org={union.pk}").status_code == 404
    )
