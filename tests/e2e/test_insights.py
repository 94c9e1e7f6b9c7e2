"""The chair opens the seed's figures and a drill-down in a real browser, on a phone in 长辈版 and
on a desktop; both pages pass axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD, UserFactory, grant
from ..insights.test_figures import appeal, at, person
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_chair_opens_the_figures_and_the_records_behind_one(tree, live_server, browser):
    from unionhome.core.models import Role

    union = tree.union
    chair = grant(UserFactory(username="chair_e2e", elder_mode=True), union, Role.CHAIR)
    person(union, dt.date(2020, 1, 1), joined=dt.date(2021, 1, 1), account=at(2021, 1, 1), name="注册甲")
    person(union, dt.date(2020, 1, 1), name="未注册乙")
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
        context.close()
