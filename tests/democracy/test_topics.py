"""Issue #25, F6: platform workers' topics — raised under the six topics, supported once each,
grouped by staff into a negotiation item of one topic, put on the register as a matter."""

from __future__ import annotations

import pytest

from unionhome.core.errors import Conflict, DomainError
from unionhome.democracy import topics
from unionhome.democracy.models import Matter

from ..conftest import api_token, login_client


def test_raise_support_group_and_register(personas, client):
    a = topics.raise_topic(
        user=personas.member_user,
        kind="overtime",
        title="超时判定不算等餐时间",
        body="商家出餐慢也算骑手超时。",
    )
    b = topics.raise_topic(
        user=personas.other_user, kind="overtime", title="恶劣天气不放宽时限", body="暴雨天照样扣钱。"
    )
    c = topics.raise_topic(
        user=personas.other_user, kind="commission", title="抽成比例不公开", body="每单抽多少不知道。"
    )
    with pytest.raises(DomainError):
        topics.raise_topic(user=personas.member_user, kind="salary", title="x", body="y")
    topics.support(topic=a, user=personas.other_user)
    with pytest.raises(Conflict):
        topics.support(topic=a, user=personas.other_user)
    with pytest.raises(Conflict):
        topics.support(topic=a, user=personas.member_user)  # one's own
    with pytest.raises(DomainError):
        topics.group(org=personas.tree.union, topic_ids=[a.pk, c.pk], title="混在一起")  # two topics
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post(
        "/api/v1/negotiation-items",
        {"topics": [a.pk, b.pk], "title": "超时判定规则", "on_register": True},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 201 and r.json()["kind"] == "overtime"
    matter = Matter.objects.get(pk=r.json()["matter"])
    assert matter.kind == "negotiation" and "超时判定不算等餐时间（1 人支持）" in matter.summary
    listed = client.get("/api/v1/topics", HTTP_AUTHORIZATION=f"Bearer {api_token(client, 'member')}").json()
    assert [t["title"] for t in listed][0] == "超时判定不算等餐时间" and listed[0]["item"] == r.json()["id"]
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    r = client.post(
        "/api/v1/negotiation-items",
        {"topics": [c.pk], "title": "抽成"},
        content_type="application/json",
        **outsider,
    )
    assert r.status_code == 400  # not their union's topics


def test_the_pages(personas):
    member = login_client(personas.member_user)
    member.post(
        "/democracy/topics/",
        {"action": "raise", "kind": "rest", "title": "连续接单不能休息", "body": "系统不让下线。"},
    )
    page = login_client(personas.other_user).get("/democracy/topics/").content.decode()
    assert "连续接单不能休息" in page and "休息安排" in page
    assert "归并为协商事项" in login_client(personas.staff).get("/staff/democracy/topics/").content.decode()


def test_a_signed_negotiation_becomes_a_clause_the_quarterly_check_reads(personas, client):
    import datetime as dt

    from unionhome.democracy import contracts, matters
    from unionhome.democracy.models import NegotiationItem

    union = personas.tree.union
    topic = topics.raise_topic(
        user=personas.member_user, kind="commission", title="抽成太高", body="每单抽 25%。"
    )
    item = topics.to_matter(item=topics.group(org=union, topic_ids=[topic.pk], title="平台抽成比例"))
    contract = contracts.standard_contract(
        org=union,
        data={
            "title": "2026 年度集体合同",
            "starts_on": dt.date(2026, 1, 1),
            "ends_on": dt.date(2026, 12, 31),
        },
        chosen={"wage_growth": 5},
    )
    clause = {"text": "平台抽成比例不高于 20%", "kind": "maximum", "rule": {"item": "commission", "max": 20}}
    figure = [{"code": "commission", "name": "平台抽成比例（%）"}]
    with pytest.raises(Conflict) as early:
        topics.to_clause(item=item, contract=contract, clause=clause, items=figure)
    assert early.value.code == "not_signed" and not matters.signed(item.matter)
    Matter.objects.filter(pk=item.matter_id).update(done_steps=4)  # offer, meeting, vote, signed
    item.matter.refresh_from_db()
    assert matters.signed(item.matter)
    with pytest.raises(DomainError):  # a rule over a figure the contract does not have
        topics.to_clause(item=item, contract=contract, clause=clause, items=[])
    topics.to_clause(item=item, contract=contract, clause=clause, items=figure)
    assert item.clause.number == 2 and item.clause.contract_id == contract.pk
    with pytest.raises(Conflict):  # once
        topics.to_clause(item=item, contract=contract, clause=clause, items=figure)
    in_time = dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC)
    contracts.deliver(
        contract=contract, period="2026Q3", values={"wage_growth": 6, "commission": 25}, now=in_time
    )
    verdicts = {
        r.clause.text: r.verdict for r in contracts.quarter_check(contract=contract, quarter="2026Q3")
    }
    assert verdicts == {"工资年增长不低于 5%": "compliant", "平台抽成比例不高于 20%": "not_compliant"}
    # the API: staff of another union cannot reach the item; the page writes one for a signed item
    other = topics.to_matter(item=topics.group(org=union, topic_ids=[
        topics.raise_topic(user=personas.other_user, kind="rest", title="不让下线", body="高峰期不能休息。").pk
    ], title="休息安排"))  # fmt: skip
    Matter.objects.filter(pk=other.matter_id).update(done_steps=4)
    body = {"contract": contract.pk, "clause": {"text": "连续接单 4 小时须休息 20 分钟", "kind": "maximum", "rule": {"item": "rest_breaches", "max": 0}},
            "items": [{"code": "rest_breaches", "name": "未安排休息的次数", "monthly": True}]}  # fmt: skip
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    url = f"/api/v1/negotiation-items/{other.pk}/clause"
    assert client.post(url, body, content_type="application/json", **outsider).status_code == 404
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post(url, body, content_type="application/json", **staff)
    assert r.status_code == 201 and r.json()["number"] == 3
    assert client.post(url, body, content_type="application/json", **staff).status_code == 409
    third = topics.to_matter(item=topics.group(org=union, topic_ids=[
        topics.raise_topic(user=personas.other_user, kind="penalty", title="罚款口径", body="各站不一样。").pk
    ], title="奖惩口径"))  # fmt: skip
    Matter.objects.filter(pk=third.matter_id).update(done_steps=4)
    page = login_client(personas.staff)
    form = page.get(f"/staff/democracy/topics/?org={union.pk}").content.decode()
    assert "写入集体合同" in form and "已写入" in form
    data = {"action": "clause", "item": third.pk, "contract": contract.pk, "text": "罚款口径全站统一并公开", "kind": "maximum",
            "figure": "口径不一的罚款次数", "limit": "0"}  # fmt: skip
    bad = page.post(f"/staff/democracy/topics/?org={union.pk}", {**data, "limit": "1e40"}).content.decode()
    assert "罚款口径全站统一并公开" in bad  # refused, what was typed stays
    stranger = login_client(personas.staff_other)  # another union's staff: not their item
    assert stranger.post("/staff/democracy/topics/", data).status_code == 404
    r = page.post(f"/staff/democracy/topics/?org={union.pk}", data)
    assert (
        r.status_code == 302
        and NegotiationItem.objects.get(pk=third.pk).clause.text == "罚款口径全站统一并公开"
    )


def test_the_staff_page_refuses_topics_that_are_no_record_id(personas):
    topic = topics.raise_topic(user=personas.member_user, kind="overtime", title="等餐", body="出餐慢")
    staff = login_client(personas.staff)
    for junk in ("²", str(2**64)):  # a digit to str.isdigit() but not to int(); past 2**63
        r = staff.post("/staff/democracy/topics/", {"topic": [junk], "title": "超时"})
        assert r.status_code == 200, junk  # the form again, with its error
    topic.refresh_from_db()
    assert topic.item_id is None
