"""Certificates (D2): verified by anyone, online and offline; revoked by staff."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from unionhome.core.api import local_iso
from unionhome.core.openapi import refuses
from unionhome.core.scoping import get_scoped, own

from .. import certificates
from ..models import Certificate

router = Router(tags=["learning"])


class VerifyOut(Schema):
    valid: bool
    holder: str | None = Field(description="masked: the family name only")
    title: str | None
    issued_on: str | None
    revoked: bool
    org: str | None


@router.get("/certificates/verify", response=VerifyOut, auth=None)
def certificate_verify(request, code: str = Query(..., max_length=32)):
    """Anyone: is this certificate valid? An unknown code is not valid (never a 404)."""
    return certificates.verify(code)


class KeyOut(Schema):
    id: int
    org: str
    algorithm: str
    public_key: str = Field(description="the raw 32-byte Ed25519 public key, base64url")
    created_at: str

    @staticmethod
    def resolve_created_at(k):
        return local_iso(k["created_at"])


@router.get("/certificates/keys", response=list[KeyOut], auth=None)
def certificate_keys(request):
    """The unions' published keys: a certificate's QR code holds `<payload>.<signature>` after
    '#', an Ed25519 signature of the payload that these keys check offline."""
    return certificates.keys()


class RevokeIn(Schema):
    reason: str = Field(..., max_length=200)


@router.post("/certificates/{code}/revoke", response=VerifyOut)
@refuses(404, 409)
def certificate_revoke(request, code: str, payload: RevokeIn):
    """Staff of the issuing union (or above it) revoke a certificate, with the reason."""
    cert = get_scoped(Certificate.objects, request.user, code=code.upper()[:32])
    certificates.revoke(cert, by=request.user, reason=payload.reason)
    return certificates.verify(cert.code)


class MyCertificateOut(Schema):
    code: str
    title: str
    issued_on: str
    revoked: bool
    pdf: str

    @staticmethod
    def resolve_issued_on(c):
        return c.issued_on.isoformat()

    @staticmethod
    def resolve_revoked(c):
        return c.revoked_at is not None

    @staticmethod
    def resolve_pdf(c):
        return f"/learning/certificates/{c.code}.pdf"


@router.get("/me/certificates", response=list[MyCertificateOut])
def my_certificates(request):
    """The caller's own certificates."""
    from unionhome.members.selectors import member_of

    return list(own(Certificate.objects, member_of(request.user)).order_by("-issued_on", "-pk"))
