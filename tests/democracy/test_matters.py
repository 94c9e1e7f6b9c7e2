"""Issue #25, F2: the register of matters — the procedure in order, a vote step only by an
adopted poll, minutes archived and searchable, overdue answers on the chair's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from unionhome.core.errors import Conflict, DomainError
from unionhome.democracy import congress as congresses
from unionhome.democracy import matters, polls

from ..conftest import api_token
from .test_polls import seat


@pytest.fixture
def congress(personas):
    return congresses.congress_create(
        org=personas.tree.union,
        data={"title": "职代会", "term": 1, "session": 1, "opens_on": dt.date(2026, 12, 1)},
    )


def vote_on(congress, reps, choice: str):
    now = timezone.now()
    poll = polls.poll_create(
        org=congress.org,
        data={"title": "集体合同", "kind": "items", "options": ["合同草案"], "electorate": "congress",
              "opens_at": now - dt.timedelta(hours=2), "closes_at": now + dt.timedelta(hours=1)},
    )  # fmt: skip
    for rep in reps:
        polls.vote(
            poll=poll, user=rep.member.user, choices={"合同草案": choice}, now=now - dt.timedelta(hours=1)
        )
    poll.closes_at = now - dt.timedelta(minutes=1)
    poll.save(update_fields=["closes_at"])
    return poll


def test_a_matter_needing_a_vote_cannot_be_adopted_without_one_and_no_step_is_skipped(congress, personas):
    reps = seat(congress, 3)
    m = matters.matter_create(
        org=congress.org, data={"kind": "negotiation", "title": "2027 年集体合同", "congress": congress.pk}
    )
    with pytest.raises(Conflict):
        matters.step_done(matter=m, by=personas.staff, step="sign", note="直接签了")  # skipping ahead
    matters.step_done(matter=m, by=personas.staff, step="offer", note="工会 3 月 1 日发出协商要约。")
    matters.step_done(matter=m, by=personas.staff, step="meet", note="双方协商三轮，分歧在加班费基数。")
    with pytest.raises(DomainError) as no_vote:  # the office meeting's minutes are not the congress's vote
        matters.step_done(matter=m, by=personas.staff, step="vote", note="办公会议通过")
    assert no_vote.value.code == "no_vote"
    rejected = vote_on(congress, reps, "against")
    with pytest.raises(DomainError) as not_adopted:
        matters.step_done(matter=m, by=personas.staff, step="vote", note="大会表决", poll=rejected.pk)
    assert not_adopted.value.code == "not_adopted"
    adopted = vote_on(congress, reps, "for")
    matters.step_done(matter=m, by=personas.staff, step="vote", note="大会表决通过。", poll=adopted.pk)
    matters.step_done(matter=m, by=personas.staff, step="sign", note="3 月 28 日签订。")
    m = matters.step_done(matter=m, by=personas.staff, step="file", note="报人社局备案。")
    assert m.finished_at is not None and m.poll_id == adopted.pk
    with pytest.raises(Conflict):
        matters.step_done(matter=m, by=personas.staff, step="file", note="again")
    assert [s.code for s, done in matters.archive(m) if done] == ["offer", "meet", "vote", "sign", "file"]
    assert [x.title for x in matters.search(congress.org, "加班费")] == [
        "2027 年集体合同"
    ]  # found by its minutes


def test_overdue_answers_show_and_the_api_keeps_outsiders_out(congress, personas, client):
    late = matters.matter_create(
        org=congress.org,
        data={
            "kind": "disclosure",
            "title": "年度福利费使用公开",
            "answer_due": timezone.localdate() - dt.timedelta(days=1),
        },
    )
    matters.matter_create(
        org=congress.org,
        data={
            "kind": "disclosure",
            "title": "食堂价格调整",
            "answer_due": timezone.localdate() + dt.timedelta(days=5),
        },
    )
    assert [m.title for m in matters.overdue(congress.org)] == ["年度福利费使用公开"]
    for step in ("draft", "check", "publish", "answer"):
        late = matters.step_done(matter=late, by=personas.staff, step=step, note=f"{step} 完成")
    assert matters.overdue(congress.org) == []
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post(
        "/api/v1/matters",
        {"kind": "deliberation", "title": "职工代表选举办法"},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 201
    mid = r.json()["id"]
    body = client.post(
        f"/api/v1/matters/{mid}/steps",
        {"step": "collect", "note": "征集意见 12 条"},
        content_type="application/json",
        **staff,
    ).json()
    assert body["next_step"] == "explain" and body["steps"][0]["done"] is True
    r = client.post(
        f"/api/v1/matters/{mid}/steps",
        {"step": "vote", "note": "x"},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 409 and r.json()["code"] == "out_of_order"
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert (
        client.post(
            f"/api/v1/matters/{mid}/steps",
            {"step": "explain", "note": "x"},
            content_type="application/json",
            **outsider,
        ).status_code
        == 404
    )
    assert all(m["title"] != "职工代表选举办法" for m in client.get("/api/v1/matters", **outsider).json())
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    assert client.get("/api/v1/matters", **member).status_code == 403
    assert [m["title"] for m in client.get("/api/v1/matters?q=选举", **staff).json()] == ["职工代表选举办法"]
