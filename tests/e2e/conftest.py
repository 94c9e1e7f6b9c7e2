"""Browser tests: Playwright (Python) driving Debian's Chromium against a live server."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Recorded calls instead of real speech: the test proves the page asked to speak, in Chinese.
SPEECH_STUB = """
window.__spoken = [];
const fakeSynth = {
  speaking: false,
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang}); },
  cancel() {},
  getVoices() { return []; },
};
Object.defineProperty(window, 'speechSynthesis', {value: fakeSynth, configurable: true});
"""


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` (make test does this as root)"
        )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN"
    )
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: url.startswith(base) and "/login/" not in url)
