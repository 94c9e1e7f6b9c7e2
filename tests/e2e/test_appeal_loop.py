"""The whole appeal loop in a real browser: a member submits (the category is suggested as they
type), staff route it with one tap and dispatch it, the department answers, staff close it, the
member rates it — and every page on the way passes axe-core, in 长辈版 too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from unionhome.appeals.models import Appeal

from ..factories import PASSWORD
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "上个月替同事顶了四个夜班，排班表上都有记录，但工资里一分加班费都没有，问主管说互相调班不算加班。"


def logout(page, base):
    page.context.clear_cookies()


def check(page, name):
    assert serious_violations(page) == [], name
    shot(page, name)


def test_member_submission_to_rating(personas, live_server, page):
    base = live_server.url
    personas.member_user.elder_mode = True
    personas.member_user.save()

    # Member: submit in 长辈版; the category suggestion appears while typing.
    login(page, base, "member", PASSWORD)
    page.goto(f"{base}/appeals/new/")
    page.fill("#id_text", TEXT)
    expect(page.locator("#suggest")).to_contain_text("工资报酬", timeout=15000)
    check(page, "appeal-new-elder")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/appeals/*/")
    appeal = Appeal.objects.get()
    assert page.locator("h1").inner_text().startswith("上个月替同事")
    check(page, "appeal-detail-elder")
    logout(page, base)

    # Staff: the workbench, one tap to route, then dispatch to HR.
    login(page, base, "staff", PASSWORD)
    page.goto(f"{base}/staff/appeals/")
    check(page, "staff-workbench")
    page.click(f"form[action='/staff/appeals/{appeal.pk}/route/'] button[value=coordination]")
    page.wait_for_url(f"{base}/staff/appeals/?tab=new")
    assert page.dialogs and page.dialogs[-1].startswith("确定按所选路径受理")
    appeal.refresh_from_db()
    assert appeal.route == "coordination" and appeal.due_on
    page.goto(f"{base}/staff/appeals/{appeal.pk}/")
    check(page, "staff-appeal")
    page.select_option("#id_department_1", "人力资源部")
    page.fill("#id_evidence", "排班表、考勤记录")
    page.click("input[name=action][value=dispatch] ~ button")
    page.wait_for_load_state()
    for path in (
        "/staff/appeals/new/",
        "/staff/appeals/figures/",
        "/staff/appeals/rectification/",
        "/staff/appeals/risks/",
        "/staff/legal/",
    ):
        page.goto(f"{base}{path}")
        check(page, "staff" + path.replace("/", "-").rstrip("-"))
    logout(page, base)

    # Department handler: the queue, the answer.
    login(page, base, "handler", PASSWORD)
    page.goto(f"{base}/handler/")
    check(page, "handler-queue")
    page.click(f"text={appeal.number}")
    page.fill("#id_answer", "核实属实，本月工资补发加班费")
    check(page, "handler-step")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/handler/")
    logout(page, base)

    # Staff: reply and close.
    login(page, base, "staff", PASSWORD)
    page.goto(f"{base}/staff/appeals/{appeal.pk}/")
    page.select_option("#id_outcome", "resolved")
    page.fill("#id_reply", "已与人力资源部核实，本月工资补发 4 个夜班的加班费。")
    page.click("input[name=action][value=close] ~ button")
    page.wait_for_load_state()
    appeal.refresh_from_db()
    assert appeal.status == "closed"
    logout(page, base)

    # Member: the reply, the timeline, the rating.
    login(page, base, "member", PASSWORD)
    page.goto(f"{base}/appeals/{appeal.pk}/")
    assert "补发" in page.locator("main").inner_text()
    check(page, "appeal-rate-elder")
    page.check("input[name=rating][value='5']")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    appeal.refresh_from_db()
    assert appeal.status == "rated" and appeal.rating == 5
    timeline = page.locator(".timeline").inner_text()
    for step in ("诉求已提交", "已受理", "已转部门会办", "承办部门已反馈", "已办结", "职工已评价"):
        assert step in timeline
    page.goto(f"{base}/legal/")
    check(page, "legal-elder")
