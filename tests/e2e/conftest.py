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
    # A decision that is hard to undo asks first (data-confirm): the person says yes, and the
    # question asked is kept for the test to read.
    page.dialogs = []

    def answer(dialog):
        page.dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    yield page
    context.close()


def serious_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] == "heading-order"
    ]


# Every control a finger must hit, measured where it is drawn: at least 44 px each way, 60 in
# 长辈版. A link inside a sentence is text, not a control (WCAG 2.5.8's inline exception); a
# checkbox or radio is hit through its label's row.
SMALL_TARGETS = """
(min) => {
  const controls = document.querySelectorAll(
    'button, a.btn, a.row, .tabbar a, .tabs a, .navgroup a, .pager a, select, textarea, summary, label.file-pick, '
    + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not(.file-native), .field .check, .kpis a'
  );
  const small = [];
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.sr-only, [hidden], details:not([open]) > :not(summary)')) continue;
    if (Math.round(r.height) < min || Math.round(r.width) < min) {
      small.push(`${el.tagName.toLowerCase()}.${el.className || ''} "${(el.innerText || el.name || '').slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}
"""


def small_targets(page) -> list[str]:
    elder = page.evaluate("document.documentElement.classList.contains('elder')")
    return page.evaluate(SMALL_TARGETS, 60 if elder else 44)


def login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: url.startswith(base) and "/login/" not in url)
