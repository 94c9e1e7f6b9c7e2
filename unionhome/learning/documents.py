"""A document lesson's PDF, shown inside the lesson page so that reading to its end can be seen.

Staff upload the PDF (checked by its bytes, at most MAX_BYTES; one that PDFium cannot open is
refused at once, with the reason). A background task draws each page once into a JPEG WIDTH
pixels wide (at most MAX_PAGES pages; a taller page is scaled to MAX_HEIGHT) and keeps its text,
which the page offers to screen readers and to 朗读. The lesson page shows the pages one under
the other, loaded as they come into view, with the end marker after the last: the member reaches
it only by scrolling through the document. The PDF itself stays downloadable. Both are served
only to those who may see the lesson (its course's audience, or staff over its union)."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError
from unionhome.core.uploads import check_upload, stored_name

from .models import Lesson, LessonKind, LessonPage

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 60
WIDTH = 1000
MAX_HEIGHT = 4000
QUALITY = 80


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None


def check_pdf(upload) -> None:
    """A PDF PDFium can open, or a field-level refusal."""
    check_upload(upload, field="file", allowed=("application/pdf",), max_bytes=MAX_BYTES)
    data = upload.read()
    upload.seek(0)
    document = _open(data)
    if document is None:
        message = _("这个 PDF 打不开（可能已损坏或设了密码），请另存一份再上传")
        raise DomainError("invalid", message, fields={"file": message})
    document.close()


def attach(lesson: Lesson, upload) -> Lesson:
    """Keep the document's PDF and queue the drawing of its pages."""
    from unionhome.core.outbox import later

    from .tasks import lesson_pages

    if lesson.kind != LessonKind.DOCUMENT:
        raise DomainError("invalid", _("只有文档课可以上传 PDF"), fields={"file": _("类型不对")})
    check_pdf(upload)
    with transaction.atomic():
        lesson.media.save(upload.name, upload, save=False)
        lesson.pages, lesson.pages_note = 0, ""
        lesson.save(update_fields=["media", "pages", "pages_note"])
        later(lesson_pages, lesson.pk)
    return lesson


def draw(lesson_id: int) -> int:
    """Draw the lesson's PDF into page images (again, if it was drawn before); how many pages."""
    lesson = Lesson.objects.filter(pk=lesson_id, kind=LessonKind.DOCUMENT).first()
    if lesson is None or not lesson.media:
        return 0
    with lesson.media.open("rb") as handle:
        document = _open(handle.read())
    if document is None:
        Lesson.objects.filter(pk=lesson.pk).update(pages=0, pages_note=_("PDF 打不开"))
        return 0
    pages, total = [], len(document)
    try:
        for number in range(1, min(total, MAX_PAGES) + 1):
            page = document[number - 1]
            width, height = page.get_size()
            scale = min(WIDTH / width, MAX_HEIGHT / height) if width and height else 1
            image = page.render(scale=scale).to_pil().convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=QUALITY, optimize=True)
            text = page.get_textpage().get_text_range()
            pages.append((number, out.getvalue(), image.width, image.height, text))
    finally:
        document.close()
    with transaction.atomic():
        for old in LessonPage.objects.filter(lesson=lesson):
            old.image.delete(save=False)
        LessonPage.objects.filter(lesson=lesson).delete()
        for number, jpeg, width, height, text in pages:
            row = LessonPage(lesson=lesson, number=number, width=width, height=height, text=text[:20000])
            row.image.save(stored_name("image/jpeg"), ContentFile(jpeg), save=False)
            row.save()
        note = _("只显示前 %(n)d 页，全文请下载") % {"n": MAX_PAGES} if total > MAX_PAGES else ""
        Lesson.objects.filter(pk=lesson.pk).update(pages=len(pages), pages_note=note)
    return len(pages)
