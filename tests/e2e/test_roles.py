"""Each role, on the demo union, from the login page to its main work; every page each role uses
passes axe-core (no serious or critical finding, no heading-order) in both modes and has no
control smaller than a finger (44 px, 60 in 长辈版) at 390×844 and 1366×900 in both modes. Screenshots of every page
go to test-artifacts/roles/."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from unionhome.appeals.models import Appeal, Dispatch, DispatchStatus
from unionhome.benefits.models import Claim, ClaimStatus, ClaimType
from unionhome.core.guard import system
from unionhome.members.demo import HANDLER_DEPTS

from .conftest import SPEECH_STUB, serious_violations, small_targets

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("UNIONHOME_SCREENSHOTS", "test-artifacts")) / "roles"
PASSWORD = "unionhome2026"
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def _ids():
    with system():
        member_appeal = (
            Appeal.objects.filter(member__user__username="m0021").first()
            or Appeal.objects.filter(member__user__isnull=False).first()
        )
        step = Dispatch.objects.filter(status=DispatchStatus.PENDING).select_related("appeal").first()
        claim = Claim.objects.filter(status=ClaimStatus.SUBMITTED).first()
        ctype = ClaimType.objects.get(code="overtime", org__name__contains="物业")
    return member_appeal, step, claim, ctype


def _login(page, base, username, lands):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login/" not in url)
    assert page.url == f"{base}{lands}", (username, page.url)


def _check(page, name, problems, *, axe=True):
    if axe and (found := serious_violations(page)):
        problems.append(f"{name}: axe {found}")
    if small := small_targets(page):
        problems.append(f"{name}: small {small[:6]}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_every_role_reaches_its_work_on_pages_that_pass(live_server, browser):
    call_command("demo", stdout=StringIO())
    base = live_server.url
    appeal, step, claim, ctype = _ids()
    handler = "handler_" + dict((dept, code) for code, dept in HANDLER_DEPTS)[step.department]
    roles = {
        # username, where they land, the pages they use (the first is their main work, one tap away)
        "member": (
            appeal.member.user.username,
            "/",
            [
                "/appeals/new/",
                f"/appeals/{appeal.pk}/",
                "/appeals/",
                "/benefits/",
                f"/benefits/new/{ctype.code}/",
                "/care/",
                "/activities/",
                "/assistant/",
                "/inbox/",
                "/profile/",
                "/card/",
                "/news/",
            ],
        ),
        "staff": (
            "staff1",
            "/staff/",
            [
                "/staff/appeals/",
                f"/staff/appeals/{step.appeal_id}/",
                "/staff/appeals/figures/",
                "/staff/benefits/",
                f"/staff/benefits/claims/{claim.pk}/",
                f"/staff/benefits/types/{ctype.pk}/",
                "/staff/departments/",
                "/staff/members/",
                "/staff/hardship/",
            ],
        ),
        "chair": ("chair", "/staff/desk/", ["/staff/desk/"]),
        "handler": (handler, "/handler/", [f"/handler/{step.pk}/", "/handler/?tab=answered"]),
        "volunteer": ("volunteer1", "/", ["/proxy/"]),
    }
    problems: list[str] = []
    for size, (width, height) in SIZES.items():
        for elder in (False, True):
            mode = "elder" if elder else "standard"
            # A 长辈版 cookie at login is kept for the person: each round starts from its own mode.
            get_user_model().objects.update(elder_mode=elder)
            for role, (username, lands, pages) in roles.items():
                context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                context.add_init_script(SPEECH_STUB)
                if elder:
                    context.add_cookies([{"name": "uh_elder", "value": "1", "url": base}])
                page = context.new_page()
                _login(page, base, username, lands)
                # axe reads the markup, the same at both sizes: it runs once per mode, on the phone;
                # sizes and screenshots are taken at both.
                axe = size == "phone"
                _check(page, f"{role}-home-{mode}-{size}", problems, axe=axe)
                for path in pages:
                    page.goto(f"{base}{path}")
                    assert page.url.startswith(f"{base}{path.split('?')[0]}"), (role, path, page.url)
                    slug = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
                    _check(page, f"{role}-{slug}-{mode}-{size}", problems, axe=axe)
                context.close()
    assert problems == [], "\n".join(problems)


def test_a_member_reports_a_problem_from_home_in_three_taps(live_server, page, personas):
    from ..factories import PASSWORD as TEST_PASSWORD
    from .conftest import login

    base = live_server.url
    login(page, base, "member", TEST_PASSWORD)
    page.click("text=我要反映诉求")  # 1
    page.fill("#id_text", "宿舍热水器坏了三天了，洗不了澡，请帮忙联系维修。")  # typing is not a tap
    page.click("button[type=submit].primary")  # 2
    page.wait_for_url(lambda url: "/appeals/" in url and "/new/" not in url)
    assert page.locator(".stepper-row").is_visible()
