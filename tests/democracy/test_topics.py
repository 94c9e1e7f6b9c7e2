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
