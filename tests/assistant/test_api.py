"""Assistant API: ask, feedback, hand-over, the unanswered list and the knowledge base — with
who may do what, and bad input answered with a field-level 4xx."""

from __future__ import annotations

import pytest

from unionhome.appeals.models import Appeal
from unionhome.assistant.models import Entry, Question, QuestionStatus

from ..conftest import login_client

ASK = "/api/v1/assistant/ask"


def ask(client, question):
    return client.post(ASK, {"question": question}, content_type="application/json")


def test_ask_answers_with_entry_score_and_related(kb, personas):
    r = ask(login_client(personas.member_user), "手机上怎么申请入会")
    assert r.status_code == 200
    body = r.json()
    assert body["kb_id"] == "kb-001" and body["handoff"] is False
    assert body["answer"] == Entry.objects.get(kb_id="kb-001").answer
    assert body["score"] > 0 and body["source"] == "怎样在网上申请加入工会？"
    assert 1 <= len(body["related"]) <= 3 and all(r["kb_id"] != "kb-001" for r in body["related"])
    q = Question.objects.get(pk=body["question_id"])
    assert (
        q.user == personas.member_user and q.entry.kb_id == "kb-001" and q.status == QuestionStatus.ANSWERED
    )


def test_unknown_question_says_so_and_offers_handoff(kb, personas):
    body = ask(login_client(personas.member_user), "明天股市会涨吗").json()
    assert body["kb_id"] is None and body["handoff"] is True and "答不上来" in body["answer"]
    assert Question.objects.get(pk=body["question_id"]).status == QuestionStatus.OPEN


@pytest.mark.parametrize("question", ["", "   ", "问" * 10_000])
def test_bad_questions_get_a_field_level_4xx(kb, personas, question):
    r = ask(login_client(personas.member_user), question)
    assert 400 <= r.status_code < 500
    assert "question" in r.json().get("fields", {})
    assert Question.objects.count() == 0


def test_ask_needs_login(kb, client):
    assert ask(client, "怎么入会").status_code == 401


def test_index_is_built_once_not_per_request(kb, personas):
    client = login_client(personas.member_user)
    ask(client, "怎么入会")
    builds = kb._state["builds"]
    for text in ["加班费怎么算", "年假几天", "工伤怎么认定"]:
        ask(client, text)
    assert kb._state["builds"] == builds


def test_feedback_only_on_own_questions(kb, personas):
    member = login_client(personas.member_user)
    qid = ask(member, "加班工资按什么标准给").json()["question_id"]
    other = login_client(personas.other_user)
    r = other.post(
        "/api/v1/assistant/feedback", {"question_id": qid, "helpful": False}, content_type="application/json"
    )
    assert r.status_code == 404
    r = member.post(
        "/api/v1/assistant/feedback", {"question_id": qid, "helpful": False}, content_type="application/json"
    )
    assert (
        r.status_code == 200 and r.json()["status"] == QuestionStatus.OPEN
    )  # a thumbs-down goes on the list


def test_handoff_opens_an_appeal_carrying_the_conversation(kb, personas):
    member = login_client(personas.member_user)
    q1 = ask(member, "单位不给交社保怎么办").json()["question_id"]
    q2 = ask(member, "明天股市会涨吗").json()["question_id"]
    r = member.post(
        "/api/v1/assistant/handoff",
        {"question_ids": [q1, q2], "note": "想当面问问"},
        content_type="application/json",
    )
    assert r.status_code == 201
    appeal = Appeal.objects.get(pk=r.json()["appeal_id"])
    assert (
        appeal.member == personas.member
        and "单位不给交社保怎么办" in appeal.text
        and "想当面问问" in appeal.text
    )
    assert set(Question.objects.filter(appeal=appeal).values_list("pk", flat=True)) == {q1, q2}
    # Another member cannot attach someone else's questions, nor see the appeal.
    other = login_client(personas.other_user)
    r = other.post("/api/v1/assistant/handoff", {"question_ids": [q1]}, content_type="application/json")
    assert r.status_code == 400 and "question_ids" in r.json()["fields"]
    assert other.get(f"/api/v1/appeals/{appeal.pk}").status_code == 404
    # an absurd id is a field-level refusal, never a 500
    r = other.post("/api/v1/assistant/handoff", {"question_ids": [2**71]}, content_type="application/json")
    assert r.status_code == 422


def test_unanswered_list_is_for_staff_of_the_askers_union(kb, personas):
    ask(login_client(personas.member_user), "明天股市会涨吗")
    assert login_client(personas.member_user).get("/api/v1/assistant/unanswered").status_code == 403
    mine = login_client(personas.staff).get("/api/v1/assistant/unanswered").json()
    assert [q["text"] for q in mine] == ["明天股市会涨吗"]
    assert login_client(personas.staff_other).get("/api/v1/assistant/unanswered").json() == []


def test_staff_turn_an_unanswered_question_into_an_entry(kb, personas, django_capture_on_commit_callbacks):
    member = login_client(personas.member_user)
    first = ask(member, "食堂几点开饭").json()
    assert first["handoff"] is True
    qid = first["question_id"]
    staff = login_client(personas.staff)
    entry = {
        "question": "职工食堂几点开饭？",
        "answer": "翠湖小区职工食堂：早餐6:30–8:00，午餐11:30–13:00，夜班餐23:30。",
        "category": "other",
        "keywords": ["食堂", "开饭时间", "夜班餐"],
        "synonyms": ["食堂啥时候有饭吃"],
        "org": personas.tree.union.pk,
        "from_question": qid,
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post("/api/v1/kb", entry, content_type="application/json")
    assert r.status_code == 201, r.content
    kb_id = r.json()["kb_id"]
    assert kb_id == "kb-121"
    assert Question.objects.get(pk=qid).status == QuestionStatus.ADDED
    # At once, for members of that union — not for another union's members.
    assert ask(member, "食堂几点开饭").json()["kb_id"] == kb_id
    from ..factories import MemberFactory, UserFactory, make_id

    outsider = UserFactory(username="outsider")
    MemberFactory(
        org=personas.tree.other_union, user=outsider, name="赵六", identity=make_id(9), phone=outsider.phone
    )
    assert ask(login_client(outsider), "食堂几点开饭").json()["kb_id"] != kb_id


def test_kb_permissions(kb, personas):
    staff, member = login_client(personas.staff), login_client(personas.member_user)
    shared = {"question": "新问题？", "answer": "新答案。", "category": "other"}
    assert member.post("/api/v1/kb", shared, content_type="application/json").status_code == 403
    # Shared entries are the platform admins'; a union's staff write their own union's.
    assert staff.post("/api/v1/kb", shared, content_type="application/json").status_code == 403
    assert (
        login_client(personas.admin).post("/api/v1/kb", shared, content_type="application/json").status_code
        == 201
    )
    own = staff.post(
        "/api/v1/kb", {**shared, "org": personas.tree.union.pk}, content_type="application/json"
    ).json()
    assert login_client(personas.staff_other).get(f"/api/v1/kb/{own['kb_id']}").status_code == 404
    assert (
        login_client(personas.staff_other)
        .put(f"/api/v1/kb/{own['kb_id']}", shared, content_type="application/json")
        .status_code
        == 404
    )
    assert staff.put("/api/v1/kb/kb-001", shared, content_type="application/json").status_code == 403


def test_kb_bad_input_is_field_level(kb, personas):
    admin = login_client(personas.admin)
    r = admin.post(
        "/api/v1/kb", {"question": "", "answer": "x", "category": "nope"}, content_type="application/json"
    )
    assert r.status_code in (400, 422)
    assert {"question", "category"} <= set(r.json()["fields"])


def test_retired_entries_leave_the_index(kb, personas, django_capture_on_commit_callbacks):
    admin, member = login_client(personas.admin), login_client(personas.member_user)
    assert ask(member, "电子会员卡怎么领").json()["kb_id"] == "kb-010"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.delete("/api/v1/kb/kb-010").status_code == 204
    assert ask(member, "电子会员卡怎么领").json()["kb_id"] != "kb-010"
    assert Entry.objects.get(kb_id="kb-010").active is False  # kept on record


def test_edit_takes_effect_and_is_audited(kb, personas, django_capture_on_commit_callbacks):
    from unionhome.core.models import AuditLog

    admin = login_client(personas.admin)
    current = admin.get("/api/v1/kb/kb-012").json()
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.put(
            "/api/v1/kb/kb-012",
            {**current, "synonyms": ["工会费一年交几回"]},
            content_type="application/json",
        )
    assert r.status_code == 200 and r.json()["synonyms"] == ["工会费一年交几回"]
    log = AuditLog.objects.get(action="assistant.entry.updated")
    assert log.actor == personas.admin and log.data == {"kb_id": "kb-012"}
    # and the new phrasing is understood at once
    member = login_client(personas.member_user)
    assert ask(member, "工会费一年交几回").json()["kb_id"] == "kb-012"


def test_another_unions_staff_cannot_close_a_question(kb, personas):
    qid = ask(login_client(personas.member_user), "明天股市会涨吗").json()["question_id"]
    other = login_client(personas.staff_other)
    body = {"question": "问题？", "answer": "答。", "org": personas.tree.other_union.pk, "from_question": qid}
    assert other.post("/api/v1/kb", body, content_type="application/json").status_code == 201
    assert Question.objects.get(pk=qid).status == QuestionStatus.OPEN


def test_reloaded_entries_with_the_same_content_answer_from_the_new_rows(kb, personas):
    member = login_client(personas.member_user)
    assert ask(member, "年假有几天").json()["kb_id"] == "kb-092"
    builds = kb._state["builds"]
    Entry.objects.all().delete()
    from unionhome.assistant import services

    services.load_default()  # same content, new primary keys
    body = ask(member, "年假有几天").json()
    assert body["kb_id"] == "kb-092" and kb._state["builds"] == builds  # index kept
    assert Question.objects.get(pk=body["question_id"]).entry == Entry.objects.get(kb_id="kb-092")


def test_a_question_costs_three_queries(kb, personas, monkeypatch):
    """One member lookup, one role lookup, one insert: the entries' texts come with the index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from unionhome.assistant import services

    services.ask(user=personas.member_user, text="年假有几天")  # builds the index
    monkeypatch.setattr(kb, "REFRESH_SECONDS", 3600.0)
    user = type(personas.member_user).objects.get(pk=personas.member_user.pk)  # no cached roles
    with CaptureQueriesContext(connection) as queries:
        services.ask(user=user, text="加班费怎么算")
    assert len(queries) == 3, [q["sql"] for q in queries]
