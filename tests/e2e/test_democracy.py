"""A representative votes in 长辈版 on a phone, keeps the receipt, and after the close sees the
result and the receipt counted; the democracy pages pass axe-core in both modes."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_representative_votes_in_elder_mode_and_sees_the_receipt_counted(personas, live_server, browser):
    from django.utils import timezone

    from unionhome.democracy import congress as congresses
    from unionhome.democracy import polls
    from unionhome.democracy.models import Poll

    congress = congresses.congress_create(
        org=personas.tree.union,
        data={"title": "第三届第二次职代会", "term": 3, "session": 2, "opens_on": dt.date(2026, 12, 1)},
    )
    congresses.representative_add(
        congress=congress, member=personas.member, delegation="保安代表团", category="frontline"
    )
    now = timezone.now()
    poll = polls.poll_create(
        org=personas.tree.union,
        data={"title": "集体合同草案逐项表决", "kind": "items", "options": ["工资增长 6%", "高温津贴每月 300 元"],
              "electorate": "congress", "opens_at": now - dt.timedelta(minutes=1), "closes_at": now + dt.timedelta(hours=1)},
    )  # fmt: skip
    user = personas.member_user
    user.elder_mode = True
    user.save()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, "member", PASSWORD)
    page.goto(f"{live_server.url}/democracy/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="集体合同草案逐项表决").click()
    expect(page.locator("h1")).to_have_text("集体合同草案逐项表决")
    assert serious_violations(page) == []
    shot(page, "democracy-poll-390")
    page.locator("fieldset", has_text="工资增长 6%").get_by_label("赞成").check()
    page.locator("fieldset", has_text="高温津贴每月 300 元").get_by_label("弃权").check()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="投票").click()
    expect(page.locator(".receipt h2")).to_have_text("投票成功")
    receipt = page.locator("#receipt").inner_text()
    assert serious_violations(page) == []
    shot(page, "democracy-receipt-390")
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    page.goto(f"{live_server.url}/democracy/polls/{poll.pk}/")
    expect(page.locator("section.card h2")).to_have_text("表决结果")
    page.get_by_label("投票凭证").fill(receipt)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("form .kpi")).to_have_text("已计入")
    assert serious_violations(page) == []
    shot(page, "democracy-result-390")
    context.close()


def test_the_congress_and_staff_pages_pass_axe(personas, live_server, browser):
    from django.utils import timezone

    from unionhome.democracy import congress as congresses
    from unionhome.democracy import polls

    from .test_insights import open_each

    congress = congresses.congress_create(
        org=personas.tree.union,
        data={"title": "第三届第二次职代会", "term": 3, "session": 2, "opens_on": dt.date(2026, 12, 1)},
    )
    congresses.representative_add(
        congress=congress, member=personas.member, delegation="保安代表团", category="frontline"
    )
    from unionhome.core.models import Department
    from unionhome.democracy.models import Proposal

    Department.objects.get_or_create(org=personas.tree.union, name="人力资源部")
    for title in ("夜班休息室加装空调", "更衣室加装排风扇"):  # the first accepted, the second to review
        proposal = congresses.proposal_submit(
            congress=congress, user=personas.member_user, title=title, body="夏天太热。"
        )
        Proposal.objects.filter(pk=proposal.pk).update(status="submitted")
    accepted = Proposal.objects.get(title="夜班休息室加装空调")
    congresses.review(proposal=accepted, accept=True, departments="人力资源部")
    step = accepted.steps.get()
    now = timezone.now()
    poll = polls.poll_create(
        org=personas.tree.union,
        data={"title": "年度工作报告", "kind": "single", "options": ["赞成", "反对", "弃权"], "electorate": "congress",
              "opens_at": now - dt.timedelta(hours=2), "closes_at": now - dt.timedelta(hours=1)},
    )  # fmt: skip
    from unionhome.democracy import matters

    matter = matters.matter_create(
        org=personas.tree.union, data={"kind": "negotiation", "title": "2027 年集体合同"}
    )
    matters.step_done(matter=matter, by=personas.staff, step="offer", note="工会发出协商要约。")
    from unionhome.democracy import suggestions

    suggestions.submit(user=personas.other_user, title="更衣室加装排风扇", body="夏天太闷。", anonymous=True)
    from unionhome.democracy import contracts

    from ..democracy.test_contracts import CLAUSES, ITEMS

    contract = contracts.contract_create(
        org=personas.tree.union,
        data={
            "title": "2026 年度集体合同",
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2026, 12, 31),
            "items": ITEMS,
            "clauses": CLAUSES,
        },
    )
    contracts.deliver(contract=contract, period="2026Q3", values={"wage_growth": 6})
    contracts.quarter_check(contract=contract, quarter="2026Q3", owner="人力资源部")
    pages = [
        (personas.member_user, f"/democracy/contracts/{contract.pk}/?quarter=2026Q3", "2026 年度集体合同"),
        (personas.staff, f"/staff/democracy/contracts/{contract.pk}/?quarter=2026Q3", "2026 年度集体合同"),
        (personas.member_user, "/democracy/", "民主管理"),
        (personas.member_user, "/democracy/suggestions/", "合理化建议"),
        (personas.member_user, "/democracy/topics/", "平台劳动者议题"),
        (personas.staff, "/staff/democracy/topics/", "平台劳动者议题"),
        (personas.staff, "/staff/democracy/suggestions/", "合理化建议"),
        (personas.member_user, f"/democracy/congress/{congress.pk}/", "第三届第二次职代会"),
        (personas.staff, "/staff/democracy/matters/", "民主管理事项"),
        (personas.staff, f"/staff/democracy/matters/{matter.pk}/", "2027 年集体合同"),
        (personas.staff, "/staff/democracy/", "职代会与表决"),
        (personas.staff, f"/staff/democracy/congress/{congress.pk}/", "第三届第二次职代会"),
        (personas.staff, f"/staff/democracy/polls/{poll.pk}/", "年度工作报告"),
        (personas.handler, "/handler/proposals/", "提案承办"),
        (personas.handler, f"/handler/proposals/{step.pk}/", "夜班休息室加装空调"),
    ]
    open_each(pages, live_server, browser, "democracy")
