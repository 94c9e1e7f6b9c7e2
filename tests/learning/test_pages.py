"""Issue #24: the member's 技能提升 pages, the public certificate check and the staff's pages."""

from __future__ import annotations

import io

from unionhome.learning import courses, services
from unionhome.learning.models import Attempt, Certificate, Exam, Question

from ..conftest import login_client


def _bank(union, n=4):
    for i in range(n):
        Question.objects.create(
            org=union, kind="single", text=f"第{i}题：发现燃气泄漏先做什么？", options=["开窗通风", "打开电灯"],
            answer=["开窗通风"], tags="|安全|",
        )  # fmt: skip


def test_a_member_takes_a_course_sits_its_exam_and_gets_a_certificate_anyone_can_check(personas, client):
    union = personas.tree.union
    _bank(union)
    exam = services.exam_create(
        org=union,
        data={
            "title": "燃气安全",
            "rules": [{"tags": ["安全"], "kind": "single", "count": 4}],
            "minutes": 20,
        },
    )
    course = courses.course_create(
        org=union, data={"title": "燃气安全常识", "exam": exam.pk, "exam_required": True}
    )
    text = courses.lesson_add(
        course=course, data={"kind": "text", "title": "燃气泄漏怎么办", "body": "不开灯，不打电话，先开窗。"}
    )
    member = login_client(personas.member_user)
    page = member.get("/learning/").content.decode()
    assert "燃气安全常识" in page and "开始考试" in page
    assert "燃气泄漏怎么办" in member.get(f"/learning/courses/{course.pk}/").content.decode()
    lesson = member.get(f"/learning/lessons/{text.pk}/").content.decode()
    assert 'id="lesson-end"' in lesson and f'data-lesson="{text.pk}"' in lesson
    r = member.post(f"/learning/exams/{exam.pk}/start/")
    attempt = Attempt.objects.get(member=personas.member)
    assert r.status_code == 302 and r["Location"] == f"/learning/attempts/{attempt.pk}/"
    paper = member.get(r["Location"]).content.decode()
    assert (
        "开窗通风" in paper
        and "data-deadline" in paper
        and "answer" not in paper.split("<form")[1].split("</form>")[0].replace('name="q', "")
    )
    # another member cannot open it
    assert login_client(personas.other_user).get(f"/learning/attempts/{attempt.pk}/").status_code == 404
    answers = {f"q{pk}": "开窗通风" for pk in attempt.questions}
    answers[f"q{attempt.questions[0]}"] = "打开电灯"
    r = member.post(f"/learning/attempts/{attempt.pk}/", answers)
    assert r["Location"] == f"/learning/attempts/{attempt.pk}/result/"
    result = member.get(r["Location"]).content.decode()
    assert "3 / 4 分" in result and "通过" in result and "打开电灯" in result  # the mistake, reviewed
    cert = Certificate.objects.get(member=personas.member)
    pdf = member.get(f"/learning/certificates/{cert.code}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Cache-Control"] == "private, no-store"
    assert login_client(personas.other_user).get(f"/learning/certificates/{cert.code}.pdf").status_code == 404
    assert (
        login_client(personas.staff_other).get(f"/learning/certificates/{cert.code}.pdf").status_code == 404
    )
    assert login_client(personas.staff).get(f"/learning/certificates/{cert.code}.pdf").status_code == 200
    # anyone, signed in or not
    public = client.get(f"/verify/cert/{cert.code}/").content.decode()
    assert "有效" in public and "王**" in public and "王建国" not in public
    assert "查无此证" in client.get("/verify/cert/?code=ABCDEF").content.decode()


def test_staff_pages_import_a_bank_make_an_exam_and_a_course_and_revoke(personas):
    from openpyxl import Workbook

    staff = login_client(personas.staff)
    book = Workbook()
    book.active.append(["题型", "题目", "选项A", "选项B", "答案", "标签", "难度"])
    for i in range(3):
        book.active.append(["单选", f"题{i}", "甲", "乙", "A", "维修", 1])
    book.active.append(["单选", "坏行", "甲", "乙", "C", "维修", 1])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "bank.xlsx"
    page = staff.post("/staff/learning/questions/", {"file": out}).content.decode()
    assert "导入 3 题" in page and '<th scope="row">5</th>' in page
    r = staff.post(
        "/staff/learning/exams/",
        {"title": "维修考试", "minutes": 10, "attempts": 1, "pass_mark": 60, "rules.0.kind": "single", "rules.0.tags": "维修", "rules.0.count": 5},
    )  # fmt: skip
    assert (
        r.status_code == 200 and "只有 3 道" in r.content.decode()
    )  # the bank is short: the form says so, keeps the values
    assert 'value="维修考试"' in r.content.decode()
    r = staff.post(
        "/staff/learning/exams/",
        {"title": "维修考试", "minutes": 10, "attempts": 1, "pass_mark": 60, "rules.0.kind": "single", "rules.0.tags": "维修", "rules.0.count": 3},
    )  # fmt: skip
    assert r.status_code == 302
    r = staff.post(
        "/staff/learning/", {"title": "维修入门", "summary": "给新入职的维修工", "posts": ["repair"]}
    )
    assert r.status_code == 302
    course_page = staff.post(r["Location"], {"kind": "video", "title": "工具认识", "seconds": 300})
    assert course_page.status_code == 302 and "工具认识" in staff.get(r["Location"]).content.decode()
    # a certificate revoked from its page
    exam = Exam.objects.get(title="维修考试")
    attempt = services.attempt_start(exam=exam, member=personas.member)
    cert = services.attempt_submit(attempt=attempt, answers={str(q): ["甲"] for q in attempt.questions})[
        "certificate"
    ]
    assert (
        login_client(personas.staff_other)
        .post("/staff/learning/certificates/", {"certificate": cert.pk, "reason": "x"})
        .status_code
        == 404
    )
    staff.post("/staff/learning/certificates/", {"certificate": cert.pk, "reason": "信息有误"})
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revoked_reason == "信息有误"
    for path in (
        "/staff/learning/",
        "/staff/learning/exams/",
        "/staff/learning/questions/",
        "/staff/learning/certificates/",
    ):
        assert login_client(personas.member_user).get(path).status_code in (302, 403, 404), path


def test_outsiders_get_404_on_a_course_its_lessons_and_a_contest_entrys_file(personas):
    from django.core.files.base import ContentFile

    from unionhome.core.models import Role
    from unionhome.learning import contests

    from ..factories import MemberFactory, OrgFactory, UserFactory, grant

    union = personas.tree.union
    course = courses.course_create(org=union, data={"title": "内部课程", "shared": False})
    lesson = courses.lesson_add(course=course, data={"kind": "text", "title": "第一课", "body": "x"})
    far = MemberFactory(org=OrgFactory(name="外区工会"), user=UserFactory(username="far_learner"))
    stranger = login_client(far.user)
    for path in (
        f"/learning/courses/{course.pk}/",
        f"/learning/lessons/{lesson.pk}/",
        "/learning/courses/99999999/",
    ):
        assert stranger.get(path).status_code == 404, path
    grant(UserFactory(username="jx"), union, Role.STAFF)
    contest = contests.contest_create(
        org=union,
        data={
            "title": "比武",
            "criteria": [{"name": "质量", "weight": 1}],
            "judges": ["jx"],
            "submissions": True,
        },
    )
    entry = contests.entry_add(contest=contest, member=personas.member)
    contests.submit_work(
        entry=entry, work="作品", file=ContentFile(b"%PDF-1.4 x", name="w.pdf"), kind="application/pdf"
    )
    assert login_client(personas.member_user).get(f"/contests/entries/{entry.pk}/file/").status_code == 200
    assert login_client(personas.other_user).get(f"/contests/entries/{entry.pk}/file/").status_code == 404
    assert stranger.get(f"/contests/{contest.pk}/").status_code == 404
