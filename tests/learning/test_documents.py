"""Issue #24, D1: a document lesson's PDF is drawn into pages shown inside the lesson page, so
reading it to the end is seen there; the PDF and its pages reach only those who may see the
lesson; what is not a PDF, or a PDF that cannot be opened, is refused with the reason."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionhome.core.errors import DomainError
from unionhome.learning import courses, documents
from unionhome.learning.models import Lesson, LessonPage

from ..conftest import api_token, login_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def pdf(pages: int) -> bytes:
    """A small PDF with one line of text on each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for n in range(1, pages + 1):
        c.setFont("Helvetica", 24)
        c.drawString(72, 720, f"Page {n} of the safety handbook")
        c.showPage()
    c.save()
    return out.getvalue()


def upload(data: bytes, name: str = "手册.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def course(personas):
    personas.member.post = "repair"
    personas.member.save()
    return courses.course_create(
        org=personas.tree.union, data={"title": "安全手册", "audience": {"posts": ["repair"]}}
    )


def test_staff_upload_a_pdf_whose_pages_members_read_in_the_lesson_page(
    personas, course, django_capture_on_commit_callbacks
):
    staff = login_client(personas.staff)
    url = f"/staff/learning/courses/{course.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post(url, {"kind": "document", "title": "安全手册", "file": upload(pdf(3))})
    assert r.status_code == 302
    lesson = Lesson.objects.get(course=course)
    assert lesson.pages == 3 and lesson.pages_note == ""
    pages = list(lesson.page_images.all())
    assert [(p.number, p.width) for p in pages] == [(1, 1000), (2, 1000), (3, 1000)]
    assert "Page 2 of the safety handbook" in pages[1].text
    member = login_client(personas.member_user)
    page = member.get(f"/learning/lessons/{lesson.pk}/").content.decode()
    assert page.count('class="doc-page"') == 3 and "第 3 页，共 3 页" in page
    assert page.index("第 3 页，共 3 页") < page.index('id="lesson-end"')  # the end is after the last page
    image = member.get(f"/learning/lessons/{lesson.pk}/pages/2.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content)[:3] == b"\xff\xd8\xff"
    assert member.get(f"/learning/lessons/{lesson.pk}/pages/4.jpg").status_code == 404
    whole = member.get(f"/learning/lessons/{lesson.pk}/document.pdf")
    assert whole["Content-Type"] == "application/pdf" and whole["Cache-Control"] == "private, no-store"
    assert staff.get(f"/learning/lessons/{lesson.pk}/pages/1.jpg").status_code == 200  # staff preview
    for outsider in (personas.other_user, personas.staff_other):  # not in the audience; another union
        client = login_client(outsider)
        assert client.get(f"/learning/lessons/{lesson.pk}/pages/1.jpg").status_code == 404
        assert client.get(f"/learning/lessons/{lesson.pk}/document.pdf").status_code == 404


def test_not_a_pdf_or_one_that_cannot_be_opened_is_refused_and_the_form_keeps_the_rest(personas, course):
    staff = login_client(personas.staff)
    url = f"/staff/learning/courses/{course.pk}/"
    page = staff.post(
        url, {"kind": "document", "title": "安全手册", "file": upload(PNG, "a.pdf")}
    ).content.decode()
    assert "只能上传" in page and 'value="安全手册"' in page
    page = staff.post(
        url, {"kind": "document", "title": "安全手册", "file": upload(b"%PDF-1.4\nnot really")}
    ).content.decode()
    assert "这个 PDF 打不开" in page
    assert not Lesson.objects.filter(course=course).exists()  # nothing half-made
    text = courses.lesson_add(course=course, data={"kind": "text", "title": "图文", "body": "x"})
    with pytest.raises(DomainError):
        documents.attach(text, upload(pdf(1)))
    with pytest.raises(DomainError) as bad:
        courses.lesson_add(
            course=course, data={"kind": "document", "title": "x", "media_url": "javascript:alert(1)"}
        )
    assert "media_url" in bad.value.fields


def test_while_pages_are_drawn_the_end_does_not_count_and_a_long_pdf_shows_its_first_pages(
    personas, course, monkeypatch
):
    lesson = courses.lesson_add(course=course, data={"kind": "document", "title": "安全手册"})
    lesson.media.save("x.pdf", upload(pdf(4)), save=True)  # kept, not yet drawn
    member = login_client(personas.member_user)
    page = member.get(f"/learning/lessons/{lesson.pk}/").content.decode()
    assert "文档正在处理" in page and 'id="lesson-end"' not in page
    monkeypatch.setattr(documents, "MAX_PAGES", 2)
    assert documents.draw(lesson.pk) == 2
    lesson.refresh_from_db()
    assert lesson.pages == 2 and "只显示前 2 页" in lesson.pages_note
    assert (
        documents.draw(lesson.pk) == 2 and LessonPage.objects.filter(lesson=lesson).count() == 2
    )  # drawn again, not doubled
    page = member.get(f"/learning/lessons/{lesson.pk}/").content.decode()
    assert 'id="lesson-end"' in page and "只显示前 2 页" in page


def test_the_api_takes_a_document_from_staff_only(
    personas, course, client, django_capture_on_commit_callbacks
):
    lesson = courses.lesson_add(course=course, data={"kind": "document", "title": "安全手册"})
    staff = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, 'staff')}"}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/lessons/{lesson.pk}/document", {"file": upload(pdf(2))}, **staff)
    assert r.status_code == 200 and r.json()["id"] == lesson.pk
    assert Lesson.objects.get(pk=lesson.pk).pages == 2
    listed = client.get(
        f"/api/v1/courses/{course.pk}", HTTP_AUTHORIZATION=f"Bearer {api_token(client, 'member')}"
    ).json()
    assert listed["lessons"][0]["pages"] == 2
    for who in ("member", "staff_other"):
        token = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, who)}"}
        assert (
            client.post(
                f"/api/v1/lessons/{lesson.pk}/document", {"file": upload(pdf(1))}, **token
            ).status_code
            == 404
        )
    r = client.post(f"/api/v1/lessons/{lesson.pk}/document", {"file": upload(PNG)}, **staff)
    assert r.status_code == 400 and "file" in r.json()["fields"]
