"""Uploads are stored under the server's name and served as what they are (issue #19, item 8): a
hardship authorisation named `.html` that starts with `%PDF-` was stored as `….html` and served as
`text/html` inline. Every upload now goes in through `check_upload` and out through `serve`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from unionhome.appeals import services as appeals
from unionhome.appeals.models import Attachment
from unionhome.benefits.demo import sample_png
from unionhome.benefits.models import HardshipCase, HardshipStep
from unionhome.content import services as content
from unionhome.core.uploads import download_name, serve

from ..conftest import login_client

PDF = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF"


def served_properly(response, kind: str, extension: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == kind
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and extension in disposition and ".html" not in disposition


@pytest.fixture
def case_at_verification(personas):
    member = login_client(personas.member_user)
    member.post("/care/", {"form": "case", "kind": "illness", "summary": "爱人住院"})
    case = HardshipCase.objects.get()
    staff = login_client(personas.staff)
    staff.post(f"/staff/hardship/{case.pk}/", {"action": "advance", "note": "已电话联系本人"})
    return case, staff


def test_a_pdf_named_html_is_stored_and_served_as_a_pdf(personas, case_at_verification):
    case, staff = case_at_verification
    evil = SimpleUploadedFile("授权书.html", PDF, content_type="text/html")
    staff.post(f"/staff/hardship/{case.pk}/", {"action": "advance", "note": "入户核实", "attachment": evil})
    step = HardshipStep.objects.exclude(attachment="").get()
    assert step.attachment.name.endswith(".pdf") and "授权书" not in step.attachment.name
    response = staff.get(f"/staff/hardship/files/{step.pk}/")
    served_properly(response, "application/pdf", ".pdf")
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


def test_a_stored_file_of_unknown_content_is_served_as_bytes_to_download(personas, case_at_verification):
    """A file stored before these rules, named `.html` and holding HTML, is still not a page."""
    case, staff = case_at_verification
    step = HardshipStep.objects.create(
        case=case, stage="verification", note="旧记录", due_on=dt.date(2026, 12, 1)
    )
    step.attachment.save("old.html", ContentFile(b"<html><script>alert(1)</script></html>"))
    response = staff.get(f"/staff/hardship/files/{step.pk}/")
    served_properly(response, "application/octet-stream", ".bin")


def test_an_appeal_photo_is_served_to_who_may_see_the_appeal_only(personas, as_user):
    photo = SimpleUploadedFile("../../x.html", sample_png(), content_type="text/html")
    appeal = appeals.appeal_submit(
        actor=personas.member_user, text="宿舍热水器坏了一周了，请帮忙联系维修", photos=[photo]
    )
    row = Attachment.objects.get(appeal=appeal)
    assert row.file.name.endswith(".png") and "x.html" not in row.file.name
    url = f"/appeals/files/{row.pk}/"
    served_properly(as_user(personas.member_user).get(url), "image/png", ".png")
    served_properly(as_user(personas.staff).get(url), "image/png", ".png")
    assert as_user(personas.other_user).get(url).status_code == 404
    assert as_user(personas.staff_other).get(url).status_code == 404
    assert url in as_user(personas.member_user).get(f"/appeals/{appeal.pk}/").content.decode()


def test_a_claim_file_keeps_its_name_for_people_and_its_type_for_the_browser(personas, as_user):
    from unionhome.benefits.catalogue import catalogue_install
    from unionhome.benefits.models import Claim, ClaimFile, Fund

    fund = Fund.objects.create(org=personas.tree.union, name="经费", year=2026, budget=1000)
    catalogue_install(org=personas.tree.union, fund=fund)
    member = as_user(personas.member_user)
    evil = SimpleUploadedFile("车票.html", PDF, content_type="text/html")
    member.post(
        "/benefits/new/transport/",
        {"trip_on": "2026-12-01", "route": "深圳—周口", "amount": "120", "ticket": evil, "action": "draft"},
    )
    row = ClaimFile.objects.get(claim=Claim.objects.get())
    assert row.name == "车票.html" and row.file.name.endswith(".pdf")
    response = member.get(f"/benefits/files/{row.pk}/")
    served_properly(response, "application/pdf", ".pdf")
    assert "%E8%BD%A6%E7%A5%A8.pdf" in response["Content-Disposition"]  # 车票.pdf
    assert as_user(personas.other_user).get(f"/benefits/files/{row.pk}/").status_code == 404


def test_a_news_picture_is_stored_under_our_name_and_shown(personas, as_user):
    picture = SimpleUploadedFile("poster.svg.html", sample_png(), content_type="image/svg+xml")
    article = content.article_save(
        actor=personas.staff,
        org=personas.tree.union,
        title="通知",
        body="<p>正文</p>",
        publish=True,
        image=picture,
    )
    assert article.image.name.endswith(".png") and "poster" not in article.image.name
    page = as_user(personas.member_user).get(f"/news/{article.pk}/").content.decode()
    assert f"/news/{article.pk}/image/" in page
    served_properly(as_user(personas.member_user).get(f"/news/{article.pk}/image/"), "image/png", ".png")


def test_download_names_say_what_the_file_is():
    assert download_name("C:\\Users\\x\\evil.html", "application/pdf") == "evil.pdf"
    assert download_name('a"b\r\nc.pdf', "application/pdf") == "abc.pdf"
    assert download_name("", "image/png") == "file.png"
    assert download_name("report", "text/html") == "report.bin"


def test_serve_reads_the_type_from_the_bytes(tmp_path, settings):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("x/picture.pdf", ContentFile(sample_png()))

    class Stored:
        def __init__(self, name):
            self.name = name

        def open(self, mode):
            return default_storage.open(self.name, mode)

    response = serve(Stored(name))
    assert response["Content-Type"] == "image/png" and "picture.png" in response["Content-Disposition"]
