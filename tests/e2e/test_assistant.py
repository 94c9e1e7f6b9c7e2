"""The assistant and the news in a real browser: a member in 长辈版 asks, hears the answer read
aloud, hands an unanswerable question to a person (an appeal appears), and reads the news; every
page passes axe-core in both modes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from unionhome.appeals.models import Appeal
from unionhome.assistant import services as assistant_services
from unionhome.content.demo import build as build_news

from ..factories import PASSWORD
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, name):
    assert serious_violations(page) == [], name
    shot(page, name)


def test_ask_hear_and_hand_over(personas, live_server, page):
    assistant_services.load_default()
    base = live_server.url
    login(page, base, "member", PASSWORD)
    page.goto(f"{base}/assistant/")
    check(page, "assistant")

    # 长辈版: the answer is read aloud as soon as it arrives.
    page.click("[data-elder-switch]")
    page.wait_for_url(f"{base}/assistant/")
    page.fill("#id_question", "俺想问问年假一年能休几天")
    page.click("form[data-ask] button[type=submit]")
    answer = page.locator("#conversation .turn .answer").last
    expect(answer).to_contain_text("年休假", timeout=15000)
    spoken = page.evaluate("window.__spoken")
    assert spoken and "年休假" in spoken[-1]["text"] and spoken[-1]["lang"] == "zh-CN"
    expect(page.locator("#id_question")).to_have_value("")
    check(page, "assistant-answer-elder")

    # A thumbs-down is recorded in place.
    page.locator("#conversation .feedback button[value='0']").last.click()
    expect(page.locator("#conversation").get_by_text("谢谢您的反馈")).to_be_visible()

    # Something it cannot answer: it says so and offers the hand-over, which opens an appeal.
    page.fill("#id_question", "明天股市会涨吗")
    page.click("form[data-ask] button[type=submit]")
    unknown = page.locator("#conversation .bubble.unknown").last
    expect(unknown).to_contain_text("答不上来", timeout=15000)
    unknown.locator("button", has_text="转人工").click()
    # What will be sent is shown first, with room to add to it; nothing is filed yet.
    page.wait_for_url(f"{base}/assistant/handoff/")
    expect(page.locator("main")).to_contain_text("明天股市会涨吗")
    assert not Appeal.objects.exists()
    page.fill("#note", "晚上八点后方便接电话")
    page.click("text=确认转人工")
    page.wait_for_url(f"{base}/appeals/*/")
    appeal = Appeal.objects.get()
    assert "明天股市会涨吗" in appeal.text and "晚上八点后方便接电话" in appeal.text
    assert appeal.member == personas.member
    expect(page.locator("main")).to_contain_text(appeal.number)


def test_news_pages(personas, live_server, page):
    build_news(personas.tree.union)
    base = live_server.url
    login(page, base, "member", PASSWORD)
    page.goto(f"{base}/news/")
    check(page, "news")
    page.click("nav.tabs a:has-text('办事指南')")
    page.locator("ul.list a.row").first.click()
    expect(page.locator("h1")).to_contain_text("住房公积金提取指南")
    check(page, "article")
    page.click("[data-elder-switch]")
    check(page, "article-elder")


def test_staff_pages(personas, live_server, page):
    assistant_services.load_default()
    base = live_server.url
    login(page, base, "staff", PASSWORD)
    for url, name in [
        ("/staff/kb/", "staff-kb"),
        ("/staff/kb/kb-001/", "staff-kb-entry"),
        ("/staff/kb/unanswered/", "staff-unanswered"),
        ("/staff/notices/new/", "staff-notice-new"),
        ("/staff/news/new/", "staff-article-new"),
    ]:
        page.goto(base + url)
        check(page, name)
    page.goto(f"{base}/staff/notices/new/")
    page.fill("#id_title", "周六消防演练")
    page.fill("#id_body", "周六上午9点，请当班人员到场。")
    page.click("button[value=send]")
    page.wait_for_url(f"{base}/staff/notices/*/")
    expect(page.locator("main")).to_contain_text("送达人数")
    check(page, "staff-notice")
