"""Proxy filing (B8): the volunteer's pages, and the member revoking a consent."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error
from unionhome.members import proxy as proxies
from unionhome.members.selectors import member_of

from .. import selectors
from ..forms import (
    CodeForm,
    ProxyStartForm,
)


@login_required
@require_POST
def proxy_revoke(request, pk: int):
    """The member's 撤销 beside a proxy consent on their benefits page."""
    member = member_of(request.user)
    consent = proxies.proxy_consents_of(member).filter(pk=pk).first() if member else None
    if consent is None:
        raise NotFound()
    proxies.proxy_revoke(consent=consent, member=member, actor=request.user)
    messages.success(request, _("已撤销代办授权"))
    return redirect("/benefits/#proxy")


# -- volunteers: proxy ---------------------------------------------------------------------------


def _proxy_allowed(user) -> bool:
    from unionhome.core.scoping import role_paths

    return bool(role_paths(user, proxies.PROXY_ROLES)) or user.is_superuser


@login_required
def proxy(request):
    """代办: find the member, take their consent (signature or code), then file for them."""
    if not _proxy_allowed(request.user):
        return render(
            request,
            "core/error.html",
            {"title": _("无权访问"), "message": _("只有志愿者和工会工作人员可以代办。")},
            status=403,
        )
    form = ProxyStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = proxies.proxy_find_member(actor=request.user, query=form.cleaned_data["member"])
            if form.cleaned_data["method"] == "signature":
                png = _data_url_png(form.cleaned_data.get("signature") or "")
                consent = proxies.proxy_sign(
                    actor=request.user, member=member, png=png, purposes=form.purposes()
                )
                messages.success(request, _("已记录会员签名同意"))
            else:
                consent, _code = proxies.proxy_request_code(
                    actor=request.user, member=member, purposes=form.purposes()
                )
                messages.info(request, _("验证码已发到会员的“我的消息”和手机"))
            return redirect("proxy-consent", consent.pk)
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"signature": "method", "purposes": "health"})
    return render(
        request,
        "benefits/proxy.html",
        {"form": form, "filed": selectors.claims_filed_by(request.user)[:30]},
    )


def _data_url_png(value: str) -> bytes:
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        return b""
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        return b""


@login_required
def proxy_consent(request, pk: int):
    consent = proxies.pending_proxy(request.user, pk)
    form = None
    if consent.granted_at is None:
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                proxies.proxy_confirm_code(
                    consent=consent, actor=request.user, code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("会员已同意"))
                return redirect("proxy-consent", pk)
    valid = consent.granted_at is not None and consent.expires_at > timezone.now()
    return render(
        request,
        "benefits/proxy_consent.html",
        {
            "consent": consent,
            "form": form,
            "valid": valid,
            "types": selectors.claim_types_for(request.user, consent.member) if valid else [],
            "minutes": proxies.proxy_minutes_left(consent),
        },
    )
