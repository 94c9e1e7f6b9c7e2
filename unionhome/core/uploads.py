"""Uploaded files, in one place both ways: checked by their content on the way in, never by their
name or the browser's claim, and stored under a name the server chose with the extension of what
they are; served on the way out by `serve` with the type their bytes show, as a download, never
sniffed by the browser and never kept by a cache. A file named `.html` that starts with `%PDF-` is
a PDF here, stored as `….pdf` and served as one."""

from __future__ import annotations

import os
import re
import secrets

from django.http import FileResponse
from django.utils.translation import gettext as _

from .errors import DomainError

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
EVIDENCE_TYPES = (*IMAGE_TYPES, "application/pdf")
WORK_TYPES = (*EVIDENCE_TYPES, "video/mp4")  # a contest entrant's work: photos, a PDF, a phone's video
MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf", "video/mp4": ".mp4",
}  # fmt: skip
UNKNOWN = "application/octet-stream"


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
    if head[4:8] == b"ftyp":  # the ISO media box a phone's .mp4 (and .mov) starts with
        return "video/mp4"
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
        message = (
            _("只能上传 JPEG、PNG 或 WebP 图片")
            if allowed == IMAGE_TYPES
            else _("只能上传图片、PDF 或 MP4 视频")
            if "video/mp4" in allowed
            else _("只能上传图片或 PDF")
        )
        raise DomainError("file_type", message, fields={field: message})
    # Stored under a name of ours: the uploader's name says nothing true and may say `.html`.
    upload.original_name = getattr(upload, "original_name", None) or str(upload.name or "")
    upload.name = stored_name(kind)
    return kind


def stored_name(kind: str) -> str:
    """A name no one can guess or choose, with the extension of what the file is."""
    return secrets.token_hex(16) + EXTENSIONS.get(kind, ".bin")


def download_name(label: str, kind: str) -> str:
    """What the file is called when saved: its label without any folder or extension of its own,
    and the extension of what it really is."""
    base = os.path.splitext(os.path.basename(str(label or "").replace("\\", "/")))[0]
    base = re.sub(r"[\x00-\x1f\x7f\"]", "", base).strip()[:80] or "file"
    return base + EXTENSIONS.get(kind, ".bin")


def serve(stored, *, label: str = "", cache: str = "private, no-store") -> FileResponse:
    """A stored upload (a FieldFile) as a download: the type read from its first bytes (anything
    we did not accept in is `application/octet-stream`), `nosniff` so no browser guesses HTML
    from it, and by default `private, no-store`, since nearly every upload here is somebody's
    (a news picture, which is not, may say how long to keep it)."""
    handle = stored.open("rb")
    head = handle.read(16)
    handle.seek(0)
    kind = sniff(head) or UNKNOWN
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(label or stored.name, kind), content_type=kind
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response


def import_too_large(size: int) -> str | None:
    """Why a file to import (a roster, a ledger) is refused by its size alone, or None."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    if size > settings.IMPORT_MAX_MB * 1024 * 1024:
        return _("文件超过 %(mb)d MB：请分成几个文件上传") % {"mb": settings.IMPORT_MAX_MB}
    return None
