"""The chat page and the staff's knowledge-base pages, without JavaScript and with htmx."""

from __future__ import annotations

from unionhome.appeals.models import Appeal
from unionhome.assistant.models import Entry, Question, QuestionStatus

from ..conftest import login_client

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_chat_without_javascript_posts_and_shows_the_conversation(kb, personas):
    member = login_client(personas.member_user)
    page = member.get("/assistant/").content.decode()
    assert "24小时问答" in page and "怎么加入工会？" in page  # the quick-question chips
    r = member.post("/assistant/", {"question": "加班工资按什么标准给"})
    assert r.status_code == 302 and r["Location"].startswith("/assistant/#q")
    page = member.get("/assistant/").content.decode()
    assert "加班工资按什么标准给" in page and "朗读回答" in page and "有用" in page


def test_unsure_between_two_it_asks_which_and_offers_both(kb, personas):
    member = login_client(personas.member_user)
    member.post("/assistant/", {"question": "加班费怎么算"})
    page = member.get("/assistant/").content.decode()
    assert "您是想问“加班费按什么标准支付”还是“什么是综合计算工时工作制" in page
    assert 'value="加班费按什么标准支付？" class="chip"' in page and "点一下您要问的" in page
    r = member.post("/api/v1/assistant/ask", {"question": "加班费怎么算"}, content_type="application/json")
    body = r.json()
    assert body["choice"] is True and body["handoff"] is False and body["kb_id"] is None
    assert [e["kb_id"] for e in body["related"]] == ["kb-083", "kb-089"]
    # not on the staff's list of unanswered questions: it asked, and the member's tap answers
    assert Question.objects.get(pk=body["question_id"]).status == QuestionStatus.CHOICE
    staff_list = login_client(personas.staff).get("/staff/kb/unanswered/").content.decode()
    assert "加班费怎么算" not in staff_list


def test_htmx_returns_just_the_new_turn(kb, personas):
    r = login_client(personas.member_user).post("/assistant/", {"question": "年假有几天"}, **HTMX)
    html = r.content.decode()
    assert r.status_code == 200 and html.lstrip().startswith('<li class="turn"') and "data-fresh" in html
    assert "<html" not in html


def test_too_long_question_keeps_the_text_and_says_why(kb, personas):
    long = "我" * 600
    r = login_client(personas.member_user).post("/assistant/", {"question": long})
    assert r.status_code == 400 and long in r.content.decode()
    assert Question.objects.count() == 0


def test_answers_are_escaped(kb, personas):
    Entry.objects.filter(kb_id="kb-092").update(answer="<script>alert('x')</script>年假5到15天")
    from unionhome.assistant import engine

    engine.invalidate()
    member = login_client(personas.member_user)
    member.post("/assistant/", {"question": "年假一年能休几天"})
    page = member.get("/assistant/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_feedback_and_handoff_pages(kb, personas):
    member = login_client(personas.member_user)
    member.post("/assistant/", {"question": "明天股市会涨吗"})
    q = Question.objects.get()
    assert "转人工" in member.get("/assistant/").content.decode()
    r = member.post(f"/assistant/{q.pk}/feedback/", {"helpful": "0"}, **HTMX)
    assert r.status_code == 200 and "谢谢" in r.content.decode()
    assert (
        login_client(personas.other_user).post(f"/assistant/{q.pk}/feedback/", {"helpful": "1"}).status_code
        == 404
    )
    # 转人工 shows what will be sent first, and files nothing until confirmed.
    preview = member.post("/assistant/handoff/", {"question": [q.pk]})
    assert preview.status_code == 200 and "明天股市会涨吗" in preview.content.decode()
    assert not Appeal.objects.exists()
    theirs = login_client(personas.other_user).post("/assistant/handoff/", {"question": [q.pk]})
    assert "明天股市会涨吗" not in theirs.content.decode()
    r = member.post(
        "/assistant/handoff/", {"question": [q.pk], "confirm": "1", "note": "夜班，晚上8点后方便接电话"}
    )
    appeal = Appeal.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/appeals/{appeal.pk}/"
    assert "明天股市会涨吗" in appeal.text and "晚上8点后方便接电话" in appeal.text


def test_an_answer_that_speaks_of_a_service_has_its_button(kb, personas):
    from unionhome.assistant.services import service_links

    assert service_links("加班补贴可以在“福利申领”里申报，需要考勤记录。") == [("去福利申领", "/benefits/")]
    assert service_links("请到诉求里反映，或者申请困难帮扶。") == [
        ("去困难帮扶", "/care/"),
        ("去反映诉求", "/appeals/new/"),
    ]
    assert service_links("工会的电话是 12351。") == []


def test_staff_kb_pages(kb, personas):
    member = login_client(personas.member_user)
    member.post("/assistant/", {"question": "明天股市会涨吗"})
    q = Question.objects.get()
    staff = login_client(personas.staff)
    assert "kb-001" in staff.get("/staff/kb/?q=入会").content.decode()
    assert "明天股市会涨吗" in staff.get("/staff/kb/unanswered/").content.decode()
    form = staff.get(f"/staff/kb/new/?from={q.pk}").content.decode()
    assert "明天股市会涨吗" in form
    r = staff.post(
        "/staff/kb/new/",
        {"question": "", "answer": "我写好的答案", "category": "other", "from_question": q.pk},
    )
    assert r.status_code == 400 and "我写好的答案" in r.content.decode()
    r = staff.post(
        "/staff/kb/new/",
        {
            "question": "股市的问题能问吗？",
            "answer": "工会不提供投资建议。",
            "category": "other",
            "from_question": q.pk,
        },
    )
    assert r.status_code == 302
    assert Question.objects.get().status == QuestionStatus.ADDED
    assert Entry.objects.get(question="股市的问题能问吗？").org == personas.tree.union
    r = staff.post("/staff/kb/unanswered/", {"question": q.pk})
    assert r.status_code == 404  # already handled: no longer on the list


def test_members_and_outsiders_cannot_use_staff_pages(kb, personas):
    member = login_client(personas.member_user)
    for url in ["/staff/kb/", "/staff/kb/new/", "/staff/kb/unanswered/", "/staff/kb/kb-001/"]:
        assert member.get(url).status_code == 403
    staff = login_client(personas.staff)
    own = staff.post("/staff/kb/new/", {"question": "本会问题？", "answer": "答。", "category": "other"})
    kb_id = own["Location"].rstrip("/").split("/")[-1]
    assert login_client(personas.staff_other).get(f"/staff/kb/{kb_id}/").status_code == 404


def test_another_unions_staff_cannot_open_a_question(kb, personas):
    login_client(personas.member_user).post("/assistant/", {"question": "明天股市会涨吗"})
    q = Question.objects.get()
    assert login_client(personas.staff_other).get(f"/staff/kb/new/?from={q.pk}").status_code == 404
    assert (
        login_client(personas.staff_other).post("/staff/kb/unanswered/", {"question": q.pk}).status_code
        == 404
    )


def test_every_quick_question_chip_gets_a_straight_answer(kb):
    from unionhome.assistant.views import CHIPS

    assistant = kb.current()
    for chip in CHIPS:
        reply = assistant.reply(chip)
        assert reply.known and not reply.choice, chip
