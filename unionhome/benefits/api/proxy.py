"""Proxy consent (B8): a volunteer asks, the member grants, lists and revokes."""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from unionhome.core.api import local_iso
from unionhome.core.bounds import Id
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.openapi import refuses
from unionhome.members import proxy as proxies
from unionhome.members.selectors import require_active_member

router = Router(tags=["benefits"])


# -- proxy consent -----------------------------------------------------------------------------


class ProxyIn(Schema):
    member: str = Field(..., description="the member's phone, username or member number")
    method: str = Field("code", description="code (sent to the member) or signature")
    purposes: list[str] = Field(default_factory=list, description="health, financial")
    signature_png: str | None = Field(None, description="base64 PNG of the member's signature")


class ProxyOut(Schema):
    id: int
    member: str
    method: str
    purposes: list[str]
    granted: bool
    expires_at: str
    revoked: bool


def _proxy_out(c) -> dict:
    from unionhome.core.crypto import mask_name

    return {
        "id": c.pk,
        "member": mask_name(c.member.name),
        "method": c.method,
        "purposes": c.purposes,
        "granted": c.granted_at is not None,
        "expires_at": local_iso(c.expires_at),
        "revoked": c.revoked_at is not None,
    }


@router.post("/proxy/consents", response={201: ProxyOut})
def proxy_start(request, payload: ProxyIn):
    """A volunteer or staff member asks for consent: `code` sends the member a one-time code
    (confirm with `…/confirm`); `signature` records the member's signature at once."""
    member = proxies.proxy_find_member(actor=request.user, query=payload.member)
    if payload.method == "signature":
        try:
            png = base64.b64decode(payload.signature_png or "", validate=True)
        except (binascii.Error, ValueError):
            png = b""
        consent = proxies.proxy_sign(actor=request.user, member=member, png=png, purposes=payload.purposes)
    elif payload.method == "code":
        consent, _code = proxies.proxy_request_code(
            actor=request.user, member=member, purposes=payload.purposes
        )
    else:
        raise DomainError(
            "invalid", _("同意方式只能是验证码或签名"), fields={"method": _("code 或 signature")}
        )
    return Status(201, _proxy_out(consent))


class CodeIn(Schema):
    code: str = Field(..., max_length=10)


class MyProxyOut(Schema):
    id: int
    proxy: str = Field(..., description="who may file for the member")
    method: str
    purposes: list[str]
    granted_at: str | None
    expires_at: str
    live: bool
    revoked: bool


def _my_proxy_out(c) -> dict:
    return {
        "id": c.pk,
        "proxy": c.actor.display_name,
        "method": c.method,
        "purposes": c.purposes,
        "granted_at": local_iso(c.granted_at),
        "expires_at": local_iso(c.expires_at),
        "live": c.live,
        "revoked": c.revoked_at is not None,
    }


@router.get("/me/proxy-consents", response=list[MyProxyOut])
@refuses(403)
def my_proxy_consents(request):
    """The member's own list: who was allowed to file for them, for what, until when."""
    member = require_active_member(request.user)
    return [_my_proxy_out(c) for c in proxies.proxy_consents_of(member)[:100]]


@router.post("/me/proxy-consents/{consent_id}/revoke", response=MyProxyOut)
def my_proxy_revoke(request, consent_id: Id):
    """End a proxy's consent now; the proxy can file nothing more with it."""
    member = require_active_member(request.user)
    consent = proxies.proxy_consents_of(member).filter(pk=consent_id).first()
    if consent is None:
        raise NotFound()
    return _my_proxy_out(proxies.proxy_revoke(consent=consent, member=member, actor=request.user))


@router.post("/proxy/consents/{consent_id}/confirm", response=ProxyOut)
def proxy_confirm(request, consent_id: Id, payload: CodeIn):
    """The code the member read out (five tries, fifteen minutes)."""
    consent = proxies.pending_proxy(request.user, consent_id)
    return _proxy_out(proxies.proxy_confirm_code(consent=consent, actor=request.user, code=payload.code))
