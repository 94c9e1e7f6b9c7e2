"""Benefits in a real browser: a volunteer takes an older member's signature on the phone and
files a supplies claim for them; the member (in 长辈版) sees it with who filed it; staff approve
it. Member and staff pages pass axe-core in both modes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from unionhome.benefits import campaigns, hardship
from unionhome.benefits.models import Claim, ClaimStatus
from unionhome.members.models import ProxyConsent

from ..benefits.conftest import bb, overtime_claim  # noqa: F401 — the benefits setup fixtures
from ..factories import PASSWORD
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, name):
    assert serious_violations(page) == [], name
    shot(page, name)


def sign(page):
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 20)
    page.mouse.up()


def test_volunteer_files_for_an_older_member_who_then_sees_it(bb, live_server, page, browser):  # noqa: F811
    base = live_server.url
    bb.member_user.elder_mode = True
    bb.member_user.save()
    login(page, base, "volunteer", PASSWORD)
    page.goto(f"{base}/proxy/")
    check(page, "proxy")
    page.fill("#id_member", bb.member.phone)
    page.check("input[name=method][value=signature]")
    sign(page)
    page.click("#proxy-form button.primary")
    consent = ProxyConsent.objects.get()
    page.wait_for_url(f"{base}/proxy/{consent.pk}/")
    assert consent.signature.name.endswith(".png") and consent.granted_at
    check(page, "proxy-consent")
    page.click("a:has-text('劳保用品申领')")
    expect(page.locator("main")).to_contain_text("代办")
    check(page, "claim-form-proxy")
    page.select_option("#id_item", "防滑鞋")
    page.fill("#id_size", "41")
    page.fill("#id_quantity", "1")
    page.click("button[value=submit]")
    expect(page.locator("main")).to_contain_text("已提交")
    claim = Claim.objects.get()
    assert claim.member == bb.member and claim.proxy == consent and claim.status == ClaimStatus.SUBMITTED

    member_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    member = member_context.new_page()
    try:
        login(member, base, "member", PASSWORD)
        member.wait_for_selector("html.elder")
        member.goto(f"{base}/benefits/")
        expect(member.locator("main")).to_contain_text("小刘 代办")
        check(member, "benefits-elder")
        member.click(f"a[href='/benefits/claims/{claim.pk}/']")
        expect(member.locator("main")).to_contain_text("由 小刘 代办")
        expect(member.locator("main")).to_contain_text("防滑鞋")
        check(member, "claim-elder")
        member.goto(f"{base}/benefits/new/overtime/")
        check(member, "claim-form-elder")
        member.goto(f"{base}/care/")
        member.fill("#id_household_size", "3")
        member.fill("#id_annual_income", "48000")
        member.click("form:has(input[value=test]) button")
        expect(member.locator("main")).to_contain_text("深度困难")
        check(member, "care-elder")
        member.click("[data-elder-switch]")
        member.wait_for_selector("html:not(.elder)")
        member.goto(f"{base}/benefits/")
        check(member, "benefits")
        # The member ends the volunteer's consent from the same page.
        member.click("#proxy ~ ul button:has-text('撤销授权')")
        expect(member.locator("main")).to_contain_text("已撤销代办授权")
        consent.refresh_from_db()
        assert consent.revoked_at is not None
        member.goto(f"{base}/care/")
        check(member, "care")
    finally:
        member_context.close()


def test_staff_benefit_pages(bb, live_server, page, overtime_claim):  # noqa: F811
    claim = overtime_claim(amount="1500")
    case = hardship.hardship_case_open(
        actor=bb.staff, member=bb.member, kind="illness", summary="住院", urgent=True
    )
    campaign = campaigns.campaign_save(
        actor=bb.staff,
        org=bb.tree.union,
        name="送清凉",
        kind="cool",
        items="绿豆汤",
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 8, 31),
    )
    base = live_server.url
    login(page, base, "chair", PASSWORD)
    page.goto(f"{base}/staff/benefits/")
    expect(page.locator("main")).to_contain_text("待一支笔签批")
    check(page, "staff-benefits")
    page.goto(f"{base}/staff/benefits/claims/{claim.pk}/")
    check(page, "staff-claim")
    page.click("button[value=approve]")
    expect(page.locator("main")).to_contain_text("已批准")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    bb.fund.refresh_from_db()
    assert bb.fund.spent == Decimal("1500")
    for url, name in (
        (f"/staff/hardship/{case.pk}/", "staff-case"),
        ("/staff/hardship/", "staff-hardship"),
        (f"/staff/funds/{bb.fund.pk}/", "staff-fund"),
        ("/staff/funds/", "staff-funds"),
        (f"/staff/campaigns/{campaign.pk}/", "staff-campaign"),
        ("/staff/groups/", "staff-groups"),
        ("/staff/visits/", "staff-visits"),
        (f"/staff/benefits/types/{bb.overtime.pk}/", "staff-type"),
    ):
        page.goto(base + url)
        check(page, name)
