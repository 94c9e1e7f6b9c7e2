"""Uploaded files are checked by their content, never by their name or the browser's claim."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .errors import DomainError

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
EVIDENCE_TYPES = (*IMAGE_TYPES, "application/pdf")
MAX_BYTES = 5 * 1024 * 1024


def sniff(head: bytes) -> str | None:
    """The real type from the first bytes of the file."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check_upload(upload, *, field: str, allowed=IMAGE_TYPES, max_bytes: int = MAX_BYTES) -> str:
    """Return the sniffed content type of `upload`, or raise a field-level error."""
    if upload.size > max_bytes:
        raise DomainError(
            "file_too_large",
            _("文件太大"),
            fields={field: _("每个文件不超过 %(mb)s MB") % {"mb": max_bytes // (1024 * 1024)}},
        )
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind not in allowed:
        message = _("只能上传 JPEG、PNG 或 WebP 图片") if allowed == IMAGE_TYPES else _("只能上传图片或 PDF")
        raise DomainError("file_type", message, fields={field: message})
    return kind
