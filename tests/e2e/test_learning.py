"""A member takes a course in a real browser: reads a lesson to its end, sits the exam, passes,
opens the certificate PDF (read back: the name and the code are in it) and checks it on the
public page. Every page passes axe-core, on a phone in 长辈版 and on a desktop."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from .conftest import login, serious_violations
from .test_member_shell import shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_takes_a_course_passes_its_exam_and_verifies_the_certificate(personas, live_server, browser):
    from pypdf import PdfReader

    from unionhome.learning import courses, services
    from unionhome.learning.models import Certificate, Question

    union = personas.tree.union
    for i in range(3):
        Question.objects.create(
            org=union,
            kind="truefalse",
            text=f"第{i + 1}题：电梯困人时应该扒门自救。",
            answer=[False],
            tags="|电梯|",
        )
    Question.objects.create(
        org=union,
        kind="fill",
        text="电梯困人应拨打电梯内的____电话。",
        answer=["紧急", "应急"],
        tags="|电梯|",
    )
    exam = services.exam_create(
        org=union,
        data={"title": "电梯困人处置考试", "minutes": 15, "attempts": 2,
              "rules": [{"tags": ["电梯"], "kind": "truefalse", "count": 3}, {"tags": ["电梯"], "kind": "fill", "count": 1}]},
    )  # fmt: skip
    course = courses.course_create(
        org=union, data={"title": "电梯困人应急处置", "exam": exam.pk, "exam_required": True}
    )
    body = "\n\n".join(["保持冷静，按下警铃，拨打电梯内的紧急电话，等待救援，不要扒门。"] * 30)
    courses.lesson_add(course=course, data={"kind": "text", "title": "困人时怎么做", "body": body})
    user = personas.member_user
    base = live_server.url
    for size, elder in (({"width": 390, "height": 844}, True), ({"width": 1366, "height": 900}, False)):
        user.elder_mode = elder
        user.save()
        context = browser.new_context(viewport=size, locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        login(page, base, "member", PASSWORD)
        page.goto(f"{base}/learning/")
        expect(page.locator("h1")).to_have_text("技能提升")
        assert serious_violations(page) == []
        shot(page, f"learning-{size['width']}")
        page.locator("#my-courses").get_by_role("link", name="电梯困人应急处置").click()
        expect(page.locator("h1")).to_have_text("电梯困人应急处置")
        assert serious_violations(page) == []
        page.get_by_role("link", name="困人时怎么做").click()
        expect(page.locator("h1")).to_have_text("困人时怎么做")
        assert serious_violations(page) == []
        page.locator("#lesson-end").scroll_into_view_if_needed()
        if elder:  # read now
            expect(page.locator("#lesson-status")).to_have_text("本课已完成")
        expect(page.locator("#lesson-end")).to_have_text("已读完")
        shot(page, f"learning-lesson-{size['width']}")
        page.get_by_role("link", name="返回课程").click()
        expect(page.locator(".list .tag").first).to_have_text("已完成")
        if elder:  # the first pass sits the exam; the second finds it passed
            page.get_by_role("button", name="参加考试").click()
            expect(page.locator("[data-deadline]")).to_contain_text("剩余时间")
            assert serious_violations(page) == []
            shot(page, f"learning-exam-{size['width']}")
            for fieldset in page.locator("fieldset.question").all():
                if fieldset.locator("input[type=radio]").count():
                    fieldset.get_by_label("错").check()
                else:
                    fieldset.locator("input").fill("应 急")
            page.once("dialog", lambda d: d.accept())
            page.get_by_role("button", name="交卷").click()
            expect(page.locator(".kpi")).to_have_text("4 / 4 分")
            assert serious_violations(page) == []
            shot(page, f"learning-result-{size['width']}")
        else:
            expect(page.locator("section.card .tag")).to_have_text("已通过")
            page.goto(f"{base}/learning/")
        cert = Certificate.objects.get(member=personas.member)
        response = page.request.get(f"{base}/learning/certificates/{cert.code}.pdf")
        assert response.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        assert "王建国" in text and cert.code in text and "电梯困人处置考试" in text
        context.close()
        # anyone checks it, with no account
        anyone = browser.new_context(viewport=size, locale="zh-CN")
        page = anyone.new_page()
        page.goto(f"{base}/verify/cert/")
        page.get_by_label("证书验证码").fill(cert.code.lower())
        page.get_by_role("button", name="核验").click()
        expect(page.locator(".verify .kpi")).to_have_text("有效")
        expect(page.locator(".verify")).to_contain_text("王**")
        assert serious_violations(page) == []
        shot(page, f"learning-verify-{size['width']}")
        anyone.close()


def test_the_staff_learning_pages_pass_axe(personas, live_server, browser):
    from .test_insights import open_each

    pages = [
        (personas.staff, "/staff/learning/", "课程"),
        (personas.staff, "/staff/learning/exams/", "考试"),
        (personas.staff, "/staff/learning/questions/", "题库"),
        (personas.staff, "/staff/learning/certificates/", "证书"),
    ]
    open_each(pages, live_server, browser, "learning-staff")


def test_the_contest_pages_for_the_entrant_the_judge_and_staff_pass_axe(personas, live_server, browser):
    from unionhome.core.models import Role
    from unionhome.learning import contests

    from ..factories import UserFactory, grant
    from .test_insights import open_each

    judge = grant(UserFactory(username="judge_e2e"), personas.tree.union, Role.STAFF)
    open_one = contests.contest_create(
        org=personas.tree.union,
        data={"title": "管道维修技能比武", "criteria": [{"name": "规范", "weight": 40}, {"name": "质量", "weight": 60}],
              "rule": "trimmed_mean", "judges": ["judge_e2e"], "exclude_own_org": False, "submissions": True},
    )  # fmt: skip
    entry = contests.entry_add(contest=open_one, member=personas.member)
    done = contests.contest_create(
        org=personas.tree.union,
        data={"title": "保安技能比武", "criteria": [{"name": "实操", "weight": 1}], "judges": ["judge_e2e"], "exclude_own_org": False},
    )  # fmt: skip
    theirs = contests.entry_add(contest=done, member=personas.member)
    contests.mark(contest=done, user=judge, entry_id=theirs.pk, scores={"实操": 88})
    contests.close(contest=done, user=judge)
    pages = [
        (personas.member_user, "/contests/", "技能比武"),
        (personas.member_user, f"/contests/{open_one.pk}/", "管道维修技能比武"),
        (personas.member_user, f"/contests/{done.pk}/", "保安技能比武"),
        (judge, f"/contests/{open_one.pk}/judge/", "评分 · 管道维修技能比武"),
        (personas.staff, "/staff/contests/", "技能比武"),
        (personas.staff, f"/staff/contests/{open_one.pk}/", "管道维修技能比武"),
    ]
    open_each(pages, live_server, browser, "contest")
    assert entry.code


def test_a_member_reads_a_pdf_lesson_page_by_page_to_its_end(personas, live_server, browser):
    from unionhome.learning import courses, documents
    from unionhome.learning.models import Progress

    from ..learning.test_documents import pdf, upload

    course = courses.course_create(org=personas.tree.union, data={"title": "安全手册"})
    lesson = courses.lesson_add(course=course, data={"kind": "document", "title": "保洁员安全手册"})
    lesson.media.save("handbook.pdf", upload(pdf(3)), save=True)
    documents.draw(lesson.pk)
    for size, elder in (({"width": 390, "height": 844}, True), ({"width": 1366, "height": 900}, False)):
        personas.member_user.elder_mode = elder
        personas.member_user.save()
        Progress.objects.filter(lesson=lesson).delete()
        context = browser.new_context(viewport=size, locale="zh-CN")
        page = context.new_page()
        login(page, live_server.url, "member", PASSWORD)
        page.goto(f"{live_server.url}/learning/lessons/{lesson.pk}/")
        expect(page.locator(".doc-page img")).to_have_count(3)
        assert serious_violations(page) == []
        page.wait_for_timeout(500)
        assert Progress.objects.get(lesson=lesson).done_at is None  # the end is three pages down
        page.locator(".doc-page img").last.scroll_into_view_if_needed()
        page.locator("#lesson-end").scroll_into_view_if_needed()
        expect(page.locator("#lesson-end")).to_have_text("已读完")
        assert Progress.objects.get(lesson=lesson).done_at is not None
        shot(page, f"learning-document-{size['width']}")
        context.close()
