"""Activities in a real browser: a member signs up, sees the QR ticket (large in 长辈版), staff
check it in on the scanner page by the typed code, and a second scan says "already checked in";
the offer page counts down; every page passes axe-core in both modes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from unionhome.activities import offers, services
from unionhome.activities.models import Signup

from ..factories import PASSWORD
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, name):
    assert serious_violations(page) == [], name
    shot(page, name)


def test_sign_up_show_qr_and_check_in(personas, live_server, page, browser):
    now = timezone.now()
    activity = services.activity_save(
        actor=personas.staff,
        org=personas.tree.union,
        title="消防安全知识讲座",
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=2),
        place="物业大楼三楼会议室",
        capacity=40,
    )
    offer = offers.offer_create(
        actor=personas.staff,
        org=personas.tree.union,
        title="周末电影票",
        quantity=50,
        opens_at=now + dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    base = live_server.url
    login(page, base, "member", PASSWORD)
    page.goto(f"{base}/activities/")
    check(page, "activities")
    page.click(f"a[href='/activities/{activity.pk}/']")
    check(page, "activity")
    page.click("button:has-text('我要报名')")
    expect(page.locator("main")).to_contain_text("报名成功")
    page.click("a:has-text('看我的入场二维码')")
    expect(page.locator(".ticket svg")).to_be_visible()
    check(page, "tickets")
    row = Signup.objects.get()
    expect(page.locator(".ticket .code")).to_have_text(row.short_code)

    # 长辈版: the QR code is drawn larger.
    normal = page.locator(".ticket svg").bounding_box()["width"]
    page.click("[data-elder-switch]")
    page.wait_for_url(f"{base}/tickets/")
    assert page.locator(".ticket svg").bounding_box()["width"] > normal
    check(page, "tickets-elder")
    page.goto(f"{base}/offers/{offer.pk}/")
    expect(page.locator("[data-countdown]")).to_contain_text("距开始")
    check(page, "offer-elder")
    page.goto(f"{base}/activities/{activity.pk}/")
    check(page, "activity-elder")

    # Staff check the ticket in by typing the code under the QR.
    staff_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    staff = staff_context.new_page()
    try:
        login(staff, base, "staff", PASSWORD)
        staff.goto(f"{base}/staff/checkin/")
        check(staff, "checkin")
        staff.fill("#id_token", row.short_code)
        staff.click("form[data-checkin] button[type=submit]")
        expect(staff.locator(".checkin-result.ok")).to_contain_text("签到成功")
        staff.fill("#id_token", row.short_code)
        staff.click("form[data-checkin] button[type=submit]")
        expect(staff.locator(".checkin-result.bad")).to_contain_text("已经签到过了")
        staff.goto(f"{base}/staff/activities/{activity.pk}/")
        check(staff, "staff-activity")
        staff.goto(f"{base}/staff/activities/new/")
        check(staff, "staff-activity-new")
        staff.goto(f"{base}/staff/venues/")
        check(staff, "staff-venues")
    finally:
        staff_context.close()
    row.refresh_from_db()
    assert row.checked_in_at is not None
    page.goto(f"{base}/tickets/")
    expect(page.locator(".ticket")).to_contain_text("签到")
