"""Issue #24, D2: the question bank, papers drawn by rules from a stored seed, the server's
deadline, marking, review, and certificates verified online and offline."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from unionhome.learning import certificates, marking, services
from unionhome.learning.models import Attempt, Certificate, Question

from ..conftest import api_token

D = Decimal


def test_fill_in_ignores_width_case_and_spaces_and_accepts_any_listed_answer():
    answer = ["ABC灭火器", "干粉灭火器"]
    for given in ("ＡＢＣ灭火器", "abc 灭火器", " 干粉灭火器 ", "ａｂｃ　灭火器"):
        assert marking.points("fill", answer, [given]) == 1, given
    for given in (["泡沫灭火器"], ["ABC灭火器", "干粉灭火器"], "ABC灭火器", [3], None):
        assert marking.points("fill", answer, given) == 0, given


def test_choice_true_false_and_partial_credit():
    assert marking.points("single", ["B"], ["B"]) == 1 and marking.points("single", ["B"], ["A"]) == 0
    assert marking.points("single", ["B"], ["B", "A"]) == 0
    right = ["A", "C", "D"]
    assert marking.points("multiple", right, ["D", "C", "A"]) == 1
    assert marking.points("multiple", right, ["A", "C"]) == 0  # all or nothing by default
    assert marking.points("multiple", right, ["A", "C"], partial=True) == D("0.67")
    assert marking.points("multiple", right, ["A", "B"], partial=True) == 0  # a wrong option: nothing
    assert marking.points("multiple", right, [], partial=True) == 0
    assert marking.points("truefalse", [True], [True]) == 1
    assert (
        marking.points("truefalse", [True], ["true"]) == 0 and marking.points("truefalse", [False], [0]) == 0
    )


def bank_of(org, n=12, kind="single", tags="|维修|", difficulty=2):
    return [
        Question.objects.create(
            org=org,
            kind=kind,
            text=f"{kind} 题 {i}",
            options=["甲", "乙", "丙"] if kind == "single" else [],
            answer=["甲"] if kind == "single" else [True],
            tags=tags,
            difficulty=difficulty,
        )  # fmt: skip
        for i in range(n)
    ]


def test_the_same_seed_gives_the_same_paper_and_rules_are_kept():
    bank = [marking.Candidate(i, "single", frozenset({"维修"}), 1 + i % 5) for i in range(1, 41)]
    bank += [marking.Candidate(100 + i, "multiple", frozenset({"维修", "电工"}), 2) for i in range(10)]
    rules = [
        {"tags": ["维修"], "kind": "single", "count": 10, "max_difficulty": 3},
        {"tags": ["电工"], "kind": "multiple", "count": 5},
    ]
    paper = marking.draw(bank, rules, 42)
    assert paper == marking.draw(list(reversed(bank)), rules, 42)  # the bank's order does not matter
    assert len(paper) == len(set(paper)) == 15
    difficulty = {c.id: c.difficulty for c in bank}
    assert all(difficulty[q] <= 3 for q in paper[:10]) and all(q >= 100 for q in paper[10:])
    assert marking.draw(bank, rules, 43) != paper
    with pytest.raises(marking.ShortBank) as short:
        marking.draw(bank, [{"tags": ["电工"], "kind": "multiple", "count": 11}], 1)
    assert short.value.found == 10


@pytest.fixture
def exam_setup(personas, client):
    union = personas.tree.union
    bank_of(union, 12)
    bank_of(union, 6, kind="truefalse", tags="|安全|")
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post(
        "/api/v1/exams",
        {"title": "维修工考试", "rules": [{"tags": ["维修"], "kind": "single", "count": 5}, {"tags": ["安全"], "kind": "truefalse", "count": 3}],
         "minutes": 30, "attempts": 2, "pass_mark": 60},
        content_type="application/json", **staff,
    )  # fmt: skip
    assert r.status_code == 201, r.content
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    other = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'other')}"}
    return r.json()["id"], staff, member, other


def test_two_members_get_different_papers_and_never_the_answers(exam_setup, client):
    exam, _staff, member, other = exam_setup
    mine = client.post(f"/api/v1/exams/{exam}/attempts", **member)
    theirs = client.post(f"/api/v1/exams/{exam}/attempts", **other)
    assert mine.status_code == theirs.status_code == 201
    a, b = mine.json(), theirs.json()
    assert [q["id"] for q in a["questions"]] != [q["id"] for q in b["questions"]]
    assert (
        len(a["questions"]) == 8
        and "answer" not in a["questions"][0]
        and "甲" in a["questions"][0]["options"]
    )
    # a second tap resumes the same attempt, it does not spend another
    again = client.post(f"/api/v1/exams/{exam}/attempts", **member).json()
    assert again["id"] == a["id"] and again["questions"] == a["questions"]
    attempt = Attempt.objects.get(pk=a["id"])
    bank = services.bank(attempt.exam.org)
    assert marking.draw(bank, attempt.exam.rules, attempt.seed) == attempt.questions  # reproducible


def test_marking_passing_the_certificate_and_the_limits(exam_setup, client, personas):
    exam, staff, member, other = exam_setup
    start = client.post(f"/api/v1/exams/{exam}/attempts", **member).json()
    answers = {}
    for q in start["questions"]:
        answers[str(q["id"])] = ["甲"] if q["kind"] == "single" else [True]
    answers[str(start["questions"][0]["id"])] = ["乙"]  # one wrong: 7 of 8
    stranger = Question.objects.create(
        org=personas.tree.union, kind="single", text="不在卷上", options=["甲", "乙"], answer=["甲"]
    )
    answers[str(stranger.pk)] = ["甲"]
    # another member cannot hand in, read or review this attempt
    assert (
        client.post(
            f"/api/v1/attempts/{start['id']}/submit",
            {"answers": answers},
            content_type="application/json",
            **other,
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/attempts/{start['id']}/review", **other).status_code == 404
    assert client.get(f"/api/v1/attempts/{start['id']}/review", **member).json()["code"] == "still_open"
    r = client.post(
        f"/api/v1/attempts/{start['id']}/submit",
        {"answers": answers},
        content_type="application/json",
        **member,
    )
    body = r.json()
    assert r.status_code == 200 and (body["score"], body["max_score"], body["passed"]) == (7.0, 8.0, True)
    assert body["ignored"] == [{"question": str(stranger.pk), "reason": "这道题不在您的试卷上"}]
    code = body["certificate"]["code"]
    again = client.post(
        f"/api/v1/attempts/{start['id']}/submit",
        {"answers": answers},
        content_type="application/json",
        **member,
    )
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"
    review = client.get(f"/api/v1/attempts/{start['id']}/review", **member).json()
    wrong = [i for i in review["items"] if i["points"] == 0]
    assert len(wrong) == 1 and wrong[0]["given"] == ["乙"] and wrong[0]["answer"] == ["甲"]
    # the second attempt, then none left
    second = client.post(f"/api/v1/exams/{exam}/attempts", **member).json()
    client.post(
        f"/api/v1/attempts/{second['id']}/submit", {"answers": {}}, content_type="application/json", **member
    )
    last = client.post(f"/api/v1/exams/{exam}/attempts", **member)
    assert last.status_code == 409 and last.json()["code"] == "no_attempts_left"
    # anyone verifies: valid, the name masked
    public = client.get(f"/api/v1/certificates/verify?code={code.lower()}").json()
    assert public == {
        "valid": True,
        "holder": "王**",
        "title": "维修工考试",
        "issued_on": timezone.localdate().isoformat(),
        "revoked": False,
        "org": personas.tree.union.name,
    }
    assert client.get("/api/v1/certificates/verify?code=NOSUCHCODE").json()["valid"] is False
    # another union's staff cannot revoke it; the union's staff can, with a reason
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert (
        client.post(
            f"/api/v1/certificates/{code}/revoke",
            {"reason": "误发"},
            content_type="application/json",
            **outsider,
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/certificates/{code}/revoke", {"reason": "  "}, content_type="application/json", **staff
        ).status_code
        == 400
    )
    r = client.post(
        f"/api/v1/certificates/{code}/revoke",
        {"reason": "考试作弊"},
        content_type="application/json",
        **staff,
    )
    assert r.status_code == 200 and r.json()["revoked"] is True and r.json()["valid"] is False
    assert client.get(f"/api/v1/certificates/verify?code={code}").json()["revoked"] is True


def test_an_answer_one_second_past_the_deadline_is_refused(exam_setup, personas):
    from unionhome.learning.models import Exam

    exam_id, *_ = exam_setup
    exam = Exam.objects.get(pk=exam_id)
    start = timezone.now()
    attempt = services.attempt_start(exam=exam, member=personas.member, now=start)
    assert attempt.deadline == start + dt.timedelta(minutes=30)
    with pytest.raises(services.Conflict) as late:
        services.attempt_submit(attempt=attempt, answers={}, now=attempt.deadline + dt.timedelta(seconds=1))
    assert late.value.code == "deadline_passed"
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.passed is False and attempt.score == 0
    # closed: the review shows the paper; the next start is a new attempt (the second)
    after = attempt.deadline + dt.timedelta(seconds=1)
    assert len(services.review(attempt, now=after)) == 8
    assert services.attempt_start(exam=exam, member=personas.member, now=after).number == 2
    # one second before the deadline is in time
    third_exam = Exam.objects.create(org=exam.org, title="再考", rules=exam.rules, minutes=1, attempts=1)
    attempt = services.attempt_start(exam=third_exam, member=personas.member, now=start)
    done = services.attempt_submit(
        attempt=attempt, answers={}, now=attempt.deadline - dt.timedelta(seconds=1)
    )
    assert done["attempt"].submitted_at is not None


def test_an_exam_outside_its_window_or_another_unions_is_not_open(exam_setup, client, personas):
    from unionhome.learning.models import Exam

    exam_id, staff, member, _other = exam_setup
    exam = Exam.objects.get(pk=exam_id)
    Exam.objects.filter(pk=exam_id).update(opens_at=timezone.now() + dt.timedelta(days=1))
    r = client.post(f"/api/v1/exams/{exam_id}/attempts", **member)
    assert r.status_code == 409 and r.json()["code"] == "not_open"
    elsewhere = Exam.objects.create(org=personas.tree.other_union, title="别家", rules=exam.rules, minutes=5)
    assert client.post(f"/api/v1/exams/{elsewhere.pk}/attempts", **member).status_code == 404
    # staff only, and rules the bank cannot meet are refused with the rule named
    assert (
        client.post(
            "/api/v1/exams",
            {"title": "x", "rules": [{"kind": "single", "count": 1}], "minutes": 5},
            content_type="application/json",
            **member,
        ).status_code
        == 403
    )
    r = client.post(
        "/api/v1/exams",
        {"title": "太多", "rules": [{"tags": ["维修"], "kind": "single", "count": 50}], "minutes": 5},
        content_type="application/json", **staff,
    )  # fmt: skip
    assert (
        r.status_code == 400 and "rules.0.count" in r.json()["fields"] and "只有 12 道" in r.json()["message"]
    )
    for bad in ({"minutes": 0}, {"minutes": 10**12}, {"pass_mark": 101}, {"rules": []}, {"attempts": 2**63}):
        body = {"title": "x", "rules": [{"kind": "single", "count": 1}], "minutes": 5, **bad}
        assert client.post("/api/v1/exams", body, content_type="application/json", **staff).status_code in (
            400,
            422,
        ), bad


def test_questions_are_checked_and_stay_in_their_union(personas, client):
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    ok = {
        "kind": "multiple",
        "text": "哪些属于个人防护用品？",
        "options": ["安全帽", "绝缘手套", "扳手"],
        "answer": ["安全帽", "绝缘手套"],
        "tags": ["安全"],
        "difficulty": 2,
    }
    r = client.post("/api/v1/questions", ok, content_type="application/json", **staff)
    assert r.status_code == 201
    q = Question.objects.get(pk=r.json()["id"])
    assert q.tags == "|安全|" and q.org == personas.tree.union
    for bad, field in (
        ({"answer": ["锤子"]}, "answer"),
        ({"kind": "single"}, "answer"),
        ({"options": ["安全帽", "安全帽"], "answer": ["安全帽"]}, "options"),
        ({"kind": "truefalse", "answer": ["对"]}, "answer"),
        ({"kind": "fill", "answer": [""]}, "answer"),
    ):
        r = client.post("/api/v1/questions", {**ok, **bad}, content_type="application/json", **staff)
        assert r.status_code == 400 and field in r.json()["fields"], bad
    assert (
        client.post(
            "/api/v1/questions", {**ok, "difficulty": 9}, content_type="application/json", **staff
        ).status_code
        == 422
    )
    member = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'member')}"}
    assert client.post("/api/v1/questions", ok, content_type="application/json", **member).status_code == 403
    assert client.get("/api/v1/questions", **member).status_code == 403
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert client.get("/api/v1/questions", **outsider).json() == []
    assert [x["id"] for x in client.get("/api/v1/questions?tag=安全", **staff).json()] == [q.pk]


def test_an_xlsx_bank_with_broken_rows_reports_each_and_keeps_the_rest(personas, client):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["物业服务安全题库（2026 版）"])
    sheet.append(["题型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "标签", "难度", "解析"])
    sheet.append(
        ["单选", "电气火灾首先应", "切断电源", "用水扑救", "开窗", "", "A", "安全，电工", 2, "先断电"]
    )
    sheet.append(["多选题", "高处作业需要", "安全带", "安全帽", "拖鞋", "", "A,B", "安全", 3, ""])
    sheet.append(["判断", "可以带电维修", "", "", "", "", "错", "维修", 1, ""])
    sheet.append(["填空", "灭火器压力表指针应在____区", "", "", "", "", "绿色|绿", "消防", "", ""])
    sheet.append(["单选", "没有答案的题", "甲", "乙", "", "", "E", "", 1, ""])  # row 7: E is no option
    sheet.append(["问答", "题型不对", "", "", "", "", "略", "", 1, ""])  # row 8
    sheet.append(["判断", "判断写错答案", "", "", "", "", "大概", "", 1, ""])  # row 9
    sheet.append(["单选", "难度超出", "甲", "乙", "", "", "A", "", 7, ""])  # row 10
    sheet.append([])
    sheet.append(["单选", "", "甲", "乙", "", "", "A", "", 1, ""])  # row 12: no text
    sheet.append(["单选", "难度写成上标", "甲", "乙", "", "", "A", "", "²", ""])  # row 13
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "bank.xlsx"
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    r = client.post("/api/v1/questions/import", {"file": out}, **staff)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["created"] == 4
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (7, "答案"),
        (8, "题型"),
        (9, "答案"),
        (10, "难度"),
        (12, "题目"),
        (13, "难度"),
    ]
    fill = Question.objects.get(kind="fill")
    assert fill.answer == ["绿色", "绿"] and fill.tags == "|消防|"
    assert Question.objects.get(kind="truefalse").answer == [False]
    assert Question.objects.get(kind="multiple").answer == ["安全帽", "安全带"] or Question.objects.get(
        kind="multiple"
    ).answer == ["安全带", "安全帽"]


def test_the_qr_signature_verifies_with_only_the_public_key_and_the_pdf_reads_back(
    exam_setup, client, personas, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    exam_id, *_ = exam_setup
    from unionhome.learning.models import Exam

    exam = Exam.objects.get(pk=exam_id)
    attempt = services.attempt_start(exam=exam, member=personas.member)
    answers = {str(q.pk): q.answer for q in services.paper(attempt)}
    with django_capture_on_commit_callbacks(execute=True):
        cert = services.attempt_submit(attempt=attempt, answers=answers)["certificate"]
    text = certificates.qr_text(cert)
    assert f"/verify/cert/{cert.code}/#" in text
    signed = text.split("#", 1)[1]
    published = client.get("/api/v1/certificates/keys").json()
    key = next(k for k in published if k["id"] == cert.key_id)
    claims = certificates.check_token(signed, key["public_key"])
    assert claims["c"] == cert.code and claims["h"] == "王**" and claims["t"] == "维修工考试"
    # a changed payload or another key does not verify
    body, signature = signed.split(".")
    forged = (
        certificates._b64(certificates._unb64(body).replace("王**".encode(), "李**".encode()))
        + "."
        + signature
    )
    assert certificates.check_token(forged, key["public_key"]) is None
    other_key = certificates.signing_key(personas.tree.other_union)
    assert certificates.check_token(signed, other_key.public) is None
    assert "private" not in str(published) and all(k["algorithm"] == "Ed25519" for k in published)
    # the holder was told, once, through the task queue
    from unionhome.core.models import Notification

    told = Notification.objects.filter(user=personas.member_user, ref=f"certificate:{cert.pk}")
    assert told.count() == 1 and cert.code in told.get().body
    assert certificates.announce(cert.pk) is False and told.count() == 1
    pdf = certificates.pdf(cert)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "王建国" in text and cert.code in text


def test_concurrent_starts_take_one_attempt(exam_setup, personas):
    """Two starts at once for the last attempt: the unique number lets one through; the other
    gets the same attempt back."""
    from unionhome.learning.models import Exam

    exam = Exam.objects.get(pk=exam_setup[0])
    Exam.objects.filter(pk=exam.pk).update(attempts=1)
    exam.refresh_from_db()
    first = services.attempt_start(exam=exam, member=personas.member)
    # a stale view of the attempts (as a parallel request would have) still cannot add a second
    real, calls = services.attempts_of, []

    def stale(e, m):
        calls.append(1)
        return [] if len(calls) == 1 else real(e, m)

    services.attempts_of = stale
    try:
        again = services.attempt_start(exam=exam, member=personas.member)
    finally:
        services.attempts_of = real
    assert again.pk == first.pk and Attempt.objects.filter(exam=exam).count() == 1
    assert Certificate.objects.count() == 0


def test_staff_correct_and_retire_a_question_of_their_own_bank_only(personas, client):
    q = Question.objects.create(org=personas.tree.union, kind="truefalse", text="可以带电作业", answer=[True])
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    fixed = {
        "kind": "truefalse",
        "text": "可以带电作业",
        "answer": [False],
        "tags": ["电工"],
        "difficulty": 2,
    }
    r = client.put(f"/api/v1/questions/{q.pk}", fixed, content_type="application/json", **staff)
    assert r.status_code == 200
    q.refresh_from_db()
    assert q.answer == [False] and q.tags == "|电工|"
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff_other')}"}
    assert (
        client.put(
            f"/api/v1/questions/{q.pk}", fixed, content_type="application/json", **outsider
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/questions/{q.pk}", **outsider).status_code == 404
    assert client.delete(f"/api/v1/questions/{q.pk}", **staff).status_code == 204
    assert services.bank(personas.tree.union) == []
