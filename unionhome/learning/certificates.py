"""Certificates (D2): issued for a passed attempt, verified by anyone.

Online, `/verify/cert/<code>` and `GET /api/v1/certificates/verify` say whether a code is valid
or revoked, with the holder's name masked. Offline, the QR code carries a signed token:
base64url(payload) "." base64url(Ed25519 signature of that payload text). The payload is compact
JSON — {"c": code, "h": masked holder, "t": title, "d": issued on, "o": union, "k": key id} — so a
phone with no network checks the signature with the union's published public key (`keys()`,
GET /api/v1/certificates/keys) and reads what it certifies. Revocation needs the network: the
offline check proves what was issued, not that it still stands."""

from __future__ import annotations

import base64
import io
import json
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.audit import log_action
from unionhome.core.crypto import decrypt, encrypt, mask_name
from unionhome.core.errors import Conflict, DomainError
from unionhome.core.models import Org
from unionhome.core.scoping import by_rule, held, own

from .models import Attempt, Certificate, SigningKey

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed from paper
CODE_LENGTH = 10


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(org: Org) -> SigningKey:
    """The union's newest key, made the first time it issues."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    key = SigningKey.objects.filter(org=org).order_by("-pk").first()
    if key is None:
        private = Ed25519PrivateKey.generate()
        raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key = SigningKey.objects.create(org=org, public=_b64(public), private=encrypt(_b64(raw)))
    return key


def payload(cert: Certificate) -> dict:
    return {
        "c": cert.code,
        "h": mask_name(cert.holder),
        "t": cert.title,
        "d": cert.issued_on.isoformat(),
        "o": cert.org.name,
        "k": cert.key_id,
    }


def token(cert: Certificate) -> str:
    """The signed token of the QR code (Ed25519 signatures are deterministic: the same every time)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    text = json.dumps(payload(cert), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    private = Ed25519PrivateKey.from_private_bytes(_unb64(decrypt(cert.key.private)))
    return _b64(text.encode()) + "." + _b64(private.sign(text.encode()))


def check_token(text: str, public_key: str) -> dict | None:
    """What a verifier with only the public key (base64url of the raw 32 bytes) does: the payload
    if the signature holds, else None."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        body, signature = text.split(".")
        message = _unb64(body)
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(_unb64(signature), message)
        return json.loads(message)
    except (ValueError, InvalidSignature):
        return None


def qr_text(cert: Certificate) -> str:
    """The QR code's content: the verify page's address, with the signed token after '#' (a
    browser does not send it; an offline checker reads it)."""
    return f"{settings.PUBLIC_URL}/verify/cert/{cert.code}/#{token(cert)}"


def keys() -> list[dict]:
    """Every union's published verification keys."""
    rows = SigningKey.objects.select_related("org").order_by("pk")
    return [
        {
            "id": k.pk,
            "org": k.org.name,
            "algorithm": "Ed25519",
            "public_key": k.public,
            "created_at": k.created_at,
        }
        for k in rows
    ]


def issue(attempt: Attempt) -> Certificate:
    """The certificate of a passed attempt, once (a second call returns the first)."""
    existing = (
        by_rule(Certificate.objects, "the certificate of an attempt in hand").filter(attempt=attempt).first()
    )
    if existing is not None:
        return existing
    from unionhome.core.outbox import later

    from .tasks import certificate_issued

    exam = attempt.exam
    with transaction.atomic():
        cert = Certificate.objects.create(
            org=exam.org,
            code="".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)),
            member=attempt.member,
            attempt=attempt,
            title=exam.certificate_title or exam.title,
            holder=attempt.member.name,
            issued_on=timezone.localdate(),
            key=signing_key(exam.org),
        )
        later(certificate_issued, cert.pk)
    return cert


def announce(certificate_id: int) -> bool:
    """The holder is told once (the inbox message's ref marks it)."""
    from unionhome.core.models import Notification
    from unionhome.core.notifications import notify

    cert = (
        by_rule(Certificate.objects, "the certificate a task was queued for")
        .select_related("member__user")
        .filter(pk=certificate_id)
        .first()
    )
    if cert is None or cert.member.user is None:
        return False
    ref = f"certificate:{cert.pk}"
    if own(Notification.objects, cert.member.user, field="user").filter(ref=ref).exists():
        return False
    notify(
        cert.member.user,
        _("证书已签发：%(t)s") % {"t": cert.title},
        _("验证码 %(code)s。在“技能提升 › 我的证书”查看和下载。") % {"code": cert.code},
        f"/learning/certificates/{cert.code}.pdf",
        ref=ref,
    )
    return True


def verify(code: str) -> dict:
    """What anyone may learn from a code: valid or not, revoked or not, the masked holder."""
    code = "".join(str(code).split()).upper()[:32]
    cert = (
        by_rule(Certificate.objects, "a certificate anyone verifies by its code")
        .select_related("org")
        .filter(code=code)
        .first()
    )
    if cert is None:
        return {
            "valid": False,
            "holder": None,
            "title": None,
            "issued_on": None,
            "revoked": False,
            "org": None,
        }
    return {
        "valid": cert.revoked_at is None,
        "holder": mask_name(cert.holder),
        "title": cert.title,
        "issued_on": cert.issued_on.isoformat(),
        "revoked": cert.revoked_at is not None,
        "org": cert.org.name,
    }


def revoke(cert: Certificate, *, by, reason: str) -> Certificate:
    if cert.revoked_at is not None:
        raise Conflict("already_revoked", _("这张证书已经撤销"))
    reason = (reason or "").strip()[:200]
    if not reason:
        raise DomainError("invalid", _("请写明撤销原因"), fields={"reason": _("必填")})
    now = timezone.now()
    if (
        not held(cert)
        .filter(revoked_at__isnull=True)
        .update(revoked_at=now, revoked_reason=reason, revoked_by=by)
    ):
        raise Conflict("already_revoked", _("这张证书已经撤销"))
    cert.revoked_at, cert.revoked_reason, cert.revoked_by = now, reason, by
    log_action(cert, "learning.certificate.revoked", by, {"reason": reason})
    return cert


def pdf(cert: Certificate) -> bytes:
    """An A4 landscape certificate: the holder's name, what it certifies, the date, the union's
    seal text, the QR code and the verification code. The CJK font is Adobe's STSong-Light
    (referenced, not embedded: every PDF reader has it)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    out = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(out, pagesize=(width, height))
    c.setTitle(f"{cert.title} {cert.code}")
    red = colors.HexColor("#b3261e")
    c.setStrokeColor(red)
    c.setLineWidth(3)
    c.rect(28, 28, width - 56, height - 56)
    c.setFont(font, 34)
    c.drawCentredString(width / 2, height - 110, _("证 书"))
    c.setFont(font, 24)
    c.drawCentredString(width / 2, height - 190, cert.holder)
    c.setFont(font, 16)
    c.drawCentredString(width / 2, height - 240, _("经考核合格，特发此证："))
    c.setFont(font, 20)
    c.drawCentredString(width / 2, height - 280, cert.title)
    c.setFont(font, 13)
    c.drawString(70, 110, _("发证日期：%(d)s") % {"d": cert.issued_on.isoformat()})
    c.drawString(70, 86, _("验证码：%(code)s") % {"code": cert.code})
    c.drawString(70, 62, _("扫码或访问 %(url)s 核验") % {"url": f"{settings.PUBLIC_URL}/verify/cert/"})
    # the union's seal, as text in a red ring
    c.setStrokeColor(red)
    c.setFillColor(red)
    c.setLineWidth(2)
    c.circle(width - 230, 120, 52)
    c.setFont(font, 11)
    c.drawCentredString(width - 230, 124, cert.org.name[:12])
    c.drawCentredString(width - 230, 106, _("（印）"))
    code = QrCodeWidget(qr_text(cert))
    x0, y0, x1, y1 = code.getBounds()
    size = 120
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(code)
    renderPDF.draw(drawing, c, width - 170, 50)
    c.showPage()
    c.save()
    return out.getvalue()
