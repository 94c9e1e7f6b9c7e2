"""A member's account in a real browser: the profile lists where they are signed in (this phone,
a computer, an app), they sign the computer out, then change their password and every other
device is out. The pages pass axe-core in both modes, on a phone and on a desktop."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from ..conftest import api_token
from ..factories import PASSWORD
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "brand-new-pass-2026"


def check(page, name: str) -> None:
    assert serious_violations(page) == [], name
    shot(page, name)


def test_a_member_sees_their_devices_signs_one_out_and_changes_the_password(personas, live_server, browser):
    base = live_server.url
    token = api_token(Client(HTTP_USER_AGENT="UnionHomeApp/2.1 (iPhone; iOS 17)"), "member")
    desktop_context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        locale="zh-CN",
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36",
    )
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        user_agent="Mozilla/5.0 (Linux; Android 10) Chrome/120.0 Mobile Safari/537.36",
    )
    try:
        desktop, phone = desktop_context.new_page(), phone_context.new_page()
        login(desktop, base, "member", PASSWORD)
        login(phone, base, "member", PASSWORD)
        phone.goto(f"{base}/profile/#devices")
        devices = phone.locator("#devices + ul")
        expect(devices).to_contain_text("本机")
        expect(devices).to_contain_text("Chrome · Windows")
        expect(devices).to_contain_text("手机应用")
        check(phone, "profile-devices")
        desktop.goto(f"{base}/profile/#devices")
        check(desktop, "profile-devices-desktop")

        # The phone signs the computer out.
        phone.locator("#devices + ul li", has_text="Chrome · Windows").locator("button").click()
        expect(phone.locator("main")).to_contain_text("该设备已退出登录")
        desktop.goto(f"{base}/profile/")
        desktop.wait_for_url(f"{base}/login/**")

        # In 长辈版, the member changes the password; the app is signed out, the phone stays in.
        phone.click("[data-elder-switch]")
        phone.wait_for_selector("html.elder")
        phone.goto(f"{base}/profile/password/")
        check(phone, "password-elder")
        phone.fill("#id_old_password", PASSWORD)
        phone.fill("#id_new_password1", NEW_PASSWORD)
        phone.fill("#id_new_password2", NEW_PASSWORD)
        phone.click("button.primary")
        expect(phone.locator("main")).to_contain_text("密码已修改")
        check(phone, "profile-after-password-elder")
        assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
        expect(phone.locator("#devices + ul")).not_to_contain_text("手机应用")
    finally:
        desktop_context.close()
        phone_context.close()
