"""A new member logs in, switches to 长辈版, has the home page read aloud and opens the e-card;
axe-core finds nothing serious on the main pages in both modes; 长辈版 sizes are measured."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..factories import PASSWORD
from .conftest import login, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("UNIONHOME_SCREENSHOTS", "test-artifacts"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_member_logs_in_switches_to_elder_mode_reads_aloud_and_opens_the_card(personas, live_server, page):
    base = live_server.url
    login(page, base, "member", PASSWORD)
    assert page.locator(".tile").count() == 5
    shot(page, "home")

    page.click("[data-elder-switch]")
    page.wait_for_selector("html.elder")
    assert page.get_attribute("[data-elder-switch]", "aria-pressed") == "true"
    shot(page, "home-elder")

    page.click("[data-read-aloud]")
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN" and "权益保障" in spoken[0]["text"]

    page.click("text=电子会员卡")
    page.wait_for_url(f"{base}/card/")
    assert page.locator(".qr svg").is_visible()
    shot(page, "card-elder")

    page.reload()  # the choice persists
    assert page.locator("html.elder").count() == 1


@pytest.mark.parametrize("elder", [False, True])
def test_axe_finds_no_serious_violation(personas, live_server, page, elder):
    base = live_server.url
    if elder:
        personas.member_user.elder_mode = True
        personas.member_user.save()
        page.context.add_cookies([{"name": "uh_elder", "value": "1", "url": base}])
    page.goto(f"{base}/login/")
    assert serious_violations(page) == [], "login"
    shot(page, f"login{'-elder' if elder else ''}")
    login(page, base, "member", PASSWORD)
    for path in ("/", "/profile/", "/card/", "/inbox/", "/join/", "/transfer/"):
        page.goto(f"{base}{path}")
        assert serious_violations(page) == [], path
    shot(page, f"transfer{'-elder' if elder else ''}")


def test_staff_pages_pass_axe(personas, live_server, page):
    base = live_server.url
    login(page, base, "staff", PASSWORD)
    for path in (
        "/staff/",
        "/staff/members/",
        f"/staff/members/{personas.member.pk}/",
        "/staff/orgs/",
        "/staff/joins/",
        "/staff/transfers/",
        "/staff/roster/",
        "/staff/deletions/",
    ):
        page.goto(f"{base}{path}")
        assert serious_violations(page) == [], path
    shot(page, "staff-roster")


def test_elder_mode_sizes(personas, live_server, page):
    base = live_server.url
    personas.member_user.elder_mode = True
    personas.member_user.save()
    login(page, base, "member", PASSWORD)
    for path in ("/", "/profile/", "/card/"):
        page.goto(f"{base}{path}")
        body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_px >= 18, path
        line = page.evaluate(
            "parseFloat(getComputedStyle(document.body).lineHeight) / parseFloat(getComputedStyle(document.body).fontSize)"
        )
        assert line >= 1.3, path
        small = page.evaluate("""() => {
          const els = document.querySelectorAll('a.btn, button, a.row, a.tile, .tabbar a, .field input:not([type=checkbox]), .field select, label.check');
          return [...els].filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return {el: e.outerHTML.slice(0, 80), w: r.width, h: r.height};
          }).filter(r => r.h < 60 || r.w < 60);
        }""")
        assert small == [], (path, small)


def test_english_pages(personas, live_server, page):
    base = live_server.url
    login(page, base, "member", PASSWORD)
    page.click("button.lang")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("text=Rights").count() >= 1
    assert serious_violations(page) == []
    page.click("[data-read-aloud]")
    assert page.evaluate("window.__spoken")[0]["lang"] == "en-US"
