"""The chair opens the seed's figures and a drill-down in a real browser, on a phone in 长辈版 and
on a desktop; both pages pass axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD, SiteFactory, UserFactory, grant
from ..insights.test_figures import appeal, at, person
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_chair_opens_the_figures_and_the_records_behind_one(tree, live_server, browser):
    from unionhome.core.models import Role

    union = tree.union
    chair = grant(UserFactory(username="chair_e2e", elder_mode=True), union, Role.CHAIR)
    person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1), name="注册甲")
    site = SiteFactory(org=union, name="东门小区")
    person(union, dt.date(2020, 1, 1), name="未注册乙", site=site)
    appeal(union, at(2026, 1, 5), closed=at(2026, 1, 9), rating=5)
    query = f"?org={union.pk}&from=2026-01-01&to=2026-03-31"
    for size, elder in (({"width": 390, "height": 844}, True), ({"width": 1366, "height": 900}, False)):
        chair.elder_mode = elder
        chair.save()
        context = browser.new_context(viewport=size, locale="zh-CN")
        page = context.new_page()
        login(page, live_server.url, "chair_e2e", PASSWORD)
        page.goto(f"{live_server.url}/staff/insights/{query}")
        expect(page.locator("h1")).to_have_text("工作成效")
        assert serious_violations(page) == []
        shot(page, f"insights-{size['width']}")
        page.locator(".figure", has_text="注册率").locator(".ratio a").last.click()
        expect(page.locator("h1")).to_have_text("期末在册职工")
        expect(page.locator("tbody tr")).to_have_count(2)
        assert serious_violations(page) == []
        shot(page, f"insights-drill-{size['width']}")
        page.goto(f"{live_server.url}/staff/insights/{query}&by=site")
        page.locator(".figures-table").get_by_role("link", name="东门小区").click()
        expect(page.locator("h1")).to_have_text("工作成效 · 东门小区")
        expect(page.locator(".figure", has_text="注册率").locator(".ratio a").last).to_have_text("1")
        assert serious_violations(page) == []
        shot(page, f"insights-site-{size['width']}")
        context.close()


def open_each(pages, live_server, browser, prefix: str) -> None:
    """Each (user, path, title) on a phone in 长辈版 and on a desktop: the heading shows, axe-core
    finds nothing serious, and a screenshot is kept."""
    for size, elder in (({"width": 390, "height": 844}, True), ({"width": 1366, "height": 900}, False)):
        for user, path, title in pages:
            user.elder_mode = elder
            user.save()
            context = browser.new_context(viewport=size, locale="zh-CN")
            page = context.new_page()
            login(page, live_server.url, user.username, PASSWORD)
            page.goto(live_server.url + path)
            expect(page.locator("h1")).to_have_text(title)
            assert serious_violations(page) == [], path
            shot(page, f"{prefix}-{path.strip('/').split('?')[0].replace('/', '-')[:30]}-{size['width']}")
            context.close()


def test_care_pages_for_the_member_staff_and_the_feed_upload(personas, live_server, browser):
    """The member's own hours, the union's care list and the spreadsheet upload page, on a phone
    in 长辈版 and on a desktop; each passes axe-core."""
    from unionhome.insights import care
    from unionhome.integrations.models import Integration

    from ..insights.test_care import work

    month = dt.date.today().replace(day=1)
    work(personas.member, month, min(8, dt.date.today().day), overtime=4.5, night=True)
    care.care_flags_raise(month=month)
    integration = Integration.objects.create(
        org=personas.tree.union, name="考勤系统", key="k" * 32, secret="s"
    )
    pages = [
        (personas.member_user, "/me/hours/", "我的工时"),
        (personas.staff, "/staff/insights/care/", "工时关怀"),
        (personas.staff, "/staff/integrations/", "企业系统对接"),
        (personas.staff, f"/staff/integrations/{integration.key}/upload/", "上传表格"),
    ]
    open_each(pages, live_server, browser, "care")


def test_demand_plans_and_rankings_pages(personas, live_server, browser):
    """The demand analysis and the plan page for staff, the quarterly ranking for a member; each
    passes axe-core on a phone in 长辈版 and on a desktop."""
    from unionhome.insights import plans

    from ..insights.test_demand import filed

    now = dt.datetime.now(tz=dt.UTC)
    for hour in range(3):
        filed(personas.tree.union, now - dt.timedelta(hours=hour), text="宿舍空调坏了")
    year, quarter = plans.quarter_of(dt.date.today())
    plan = plans.plan_for(actor=personas.staff, org=personas.tree.union, year=year, quarter=quarter)
    plans.plan_item_add(
        actor=personas.staff,
        plan=plan,
        title="夏送清凉",
        owner="张",
        due_on=plans.quarter_period(year, quarter).end,
    )
    plans.plan_publish(actor=personas.staff, plan=plan)
    pages = [
        (personas.staff, "/staff/insights/demand/", "需求分析"),
        (personas.staff, "/staff/insights/plan/", "季度工作计划"),
        (personas.staff, "/staff/insights/review/", "月度复盘"),
        (personas.member_user, f"/rankings/?org={personas.tree.street.pk}", "季度排名"),
    ]
    open_each(pages, live_server, browser, "g")


def test_the_member_sees_recommendations_and_dismisses_one(personas, live_server, browser):
    """为您推荐 arrives after the home page shows; 不感兴趣 takes the item away; axe-clean in 长辈版."""
    from unionhome.activities import services

    soon = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=2)
    services.activity_save(
        actor=personas.staff, org=personas.tree.union, title="羽毛球培训班", starts_at=soon,
        ends_at=soon + dt.timedelta(hours=2), place="活动中心", capacity=10,
    )  # fmt: skip
    personas.member_user.elder_mode = True
    personas.member_user.save()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "member", PASSWORD)
    page.goto(live_server.url + "/")
    panel = page.locator("section.recommend")
    expect(panel).to_contain_text("羽毛球培训班")
    assert serious_violations(page) == []
    shot(page, "recommend-home-390")
    panel.get_by_role("button", name="不感兴趣：羽毛球培训班").click()
    expect(page.locator("body")).to_contain_text("以后不再推荐")
    expect(page.locator("section.recommend")).to_have_count(0)
    context.close()
