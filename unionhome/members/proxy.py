"""Proxy consent (代办, B8): a member lets a volunteer or union staff member file for them — claims,
hardship requests, appeals — for a limited time.

A consent is granted one of two ways. A signature drawn on the volunteer's phone (it must hold
ink, core.images) lets them file for PROXY_VALID_HOURS, and no more. A one-time code texted to the
member's own phone, which the member reads out, does the same and may also carry health or
financial data (`purposes`), which a signature never can. What a consent grants holds for that
proxy's filings while it lasts (`consents_in_force`), never as the member's own consent and never
borrowing it. The member sees every consent and revokes it (`proxy_revoke`); a revoked or expired
consent files and shows nothing more. Appeals and benefits both file with it."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import throttle
from unionhome.core.audit import log_action
from unionhome.core.crypto import digest, mask_name
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.images import ink_error
from unionhome.core.models import Role
from unionhome.core.notifications import Message, notify
from unionhome.core.scoping import STAFF_ROLES, ensure_role_over, held, own, scope
from unionhome.core.uploads import sniff

from .models import ConsentMethod, ConsentPurpose, Member, MemberStatus, ProxyConsent
from .selectors import ensure_active
from .services import consent_current

# Who may act for a member: volunteers and union staff over the member's union.
PROXY_ROLES = frozenset({Role.VOLUNTEER, *STAFF_ROLES})
PROXY_CODE_MINUTES = 15
PROXY_VALID_HOURS = 24
PROXY_MAX_ATTEMPTS = 5
PROXY_CODES_PER_MEMBER = 5  # an hour
PROXY_CODES_PER_ACTOR = 30


def consents_in_force(member: Member, proxy: ProxyConsent | None = None) -> set[str]:
    """The sensitive purposes a filing for `member` may carry. The member's own filing, or staff's
    on their behalf: what the member agreed to themselves. A filing by `proxy`: only what the
    member agreed to for that proxy by their own code, while the consent lasts — never the
    member's own consents, which were given for the union's use, not for whoever holds a
    signature (a bank account typed by a proxy is how a payout is redirected)."""
    if proxy is not None:
        return set(proxy.purposes) if proxy.live else set()
    return {purpose for purpose, granted in consent_current(member).items() if granted}


def proxy_find_member(*, actor, query: str) -> Member:
    """A member within the actor's volunteer or staff scope, by username, phone or member number."""
    query = (query or "").strip()
    qs = scope(Member.objects.select_related("user", "org"), actor, roles=PROXY_ROLES).filter(
        status=MemberStatus.ACTIVE
    )
    member = (
        qs.filter(user__username=query).first()
        or qs.filter(phone=query).first()
        or qs.filter(member_no=query).first()
        if query
        else None
    )
    if member is None:
        raise DomainError(
            "invalid", _("找不到这位会员"), fields={"member": _("请填写会员的手机号、用户名或会员号")}
        )
    return member


def _clean_purposes(purposes) -> list[str]:
    purposes = list(dict.fromkeys(purposes or []))
    if not set(purposes) <= {ConsentPurpose.HEALTH, ConsentPurpose.FINANCIAL}:
        raise DomainError("invalid", _("授权范围不正确"), fields={"purposes": _("只能是健康或收入信息")})
    return purposes


def proxy_request_code(*, actor, member: Member, purposes=()) -> tuple[ProxyConsent, str]:
    """Send the member a one-time code; the volunteer types it in once the member reads it out."""
    ensure_role_over(actor, member.org, PROXY_ROLES)
    if member.user_id is None:
        raise DomainError(
            "no_account",
            _("这位会员没有开通账号，无法接收验证码，请改用手写签名"),
            fields={"method": _("请改用手写签名")},
        )
    # A volunteer cannot text a member codes all day, nor try code after code.
    throttle.require("proxy.code.member", str(member.pk), limit=PROXY_CODES_PER_MEMBER, window=3600)
    throttle.require("proxy.code.actor", str(actor.pk), limit=PROXY_CODES_PER_ACTOR, window=3600)
    code = f"{secrets.randbelow(10**6):06d}"
    consent = ProxyConsent.objects.create(
        member=member,
        actor=actor,
        method=ConsentMethod.CODE,
        purposes=_clean_purposes(purposes),
        code_digest=digest(code),
        expires_at=timezone.now() + dt.timedelta(minutes=PROXY_CODE_MINUTES),
    )
    purposes = consent.purposes
    notify(
        member.user,
        Message(_l("代办验证码：%(code)s"), code=code),
        Message(
            _l(
                "%(who)s 请求代您办理工会业务%(what)s。同意请把验证码告诉他，%(m)s 分钟内有效；不同意请忽略。"
            ),
            who=actor.display_name,
            what=_purposes_words(purposes),
            m=PROXY_CODE_MINUTES,
        ),
        secret=True,  # a code: never in the server's log
    )
    log_action(consent, "members.proxy.code_sent", actor, {"member": member.pk})
    return consent, code


def proxy_confirm_code(*, consent: ProxyConsent, actor, code: str) -> ProxyConsent:
    """The code the member read out. Each try is counted before it is checked, by one conditional
    UPDATE, so guesses sent in parallel cannot pass PROXY_MAX_ATTEMPTS together."""
    if consent.actor_id != actor.pk:
        raise NotFound()
    if consent.granted_at is not None:
        return consent
    tried = (
        held(consent)
        .filter(granted_at__isnull=True, attempts__lt=PROXY_MAX_ATTEMPTS, expires_at__gt=timezone.now())
        .update(attempts=F("attempts") + 1)
    )
    if not tried:
        raise DomainError("expired", _("验证码已失效，请重新发送"), fields={"code": _("请重新发送验证码")})
    if not hmac.compare_digest(digest(str(code or "").strip()), consent.code_digest):
        raise DomainError("invalid", _("验证码不正确"), fields={"code": _("验证码不正确")})
    return _grant(consent, actor)


PURPOSE_WORDS = {ConsentPurpose.HEALTH: _l("健康信息"), ConsentPurpose.FINANCIAL: _l("收入与银行账户")}


def _purposes_words(purposes) -> Message | str:
    """ "，并可填写您的健康信息" and the like, for the texts that tell the member what they agree
    to; in each reader's own language."""
    words = [PURPOSE_WORDS[p] for p in purposes if p in PURPOSE_WORDS]
    if not words:
        return ""
    what = words[0] if len(words) == 1 else Message(_l("%(a)s和%(b)s"), a=words[0], b=words[1])
    return Message(_l("，并可填写您的%(what)s"), what=what)


def proxy_sign(*, actor, member: Member, png: bytes, purposes=()) -> ProxyConsent:
    """The member signs on the volunteer's screen; the signature image is the consent record. A
    signature lets the volunteer file for the member for PROXY_VALID_HOURS, and no more: health
    and financial data need the member's own code (the volunteer holds the phone a signature is
    drawn on, so a signature proves less than a code sent to the member's own phone)."""
    ensure_role_over(actor, member.org, PROXY_ROLES)
    if _clean_purposes(purposes):
        message = _("健康和收入信息需要会员本人同意：请改用“给会员发验证码”")
        raise DomainError("invalid", message, fields={"purposes": message})
    if len(png) > 2 * 1024 * 1024:
        raise DomainError("invalid", _("签名图片太大"), fields={"signature": _("签名图片太大")})
    if sniff(png[:16]) != "image/png":
        raise DomainError("invalid", _("请让会员在框内签名"), fields={"signature": _("请让会员在框内签名")})
    if reason := ink_error(png):
        raise DomainError("invalid", reason, fields={"signature": reason})
    consent = ProxyConsent(
        member=member,
        actor=actor,
        method=ConsentMethod.SIGNATURE,
        purposes=[],
        expires_at=timezone.now(),
    )
    consent.signature.save(f"sig-{member.pk}-{secrets.token_hex(4)}.png", ContentFile(png), save=False)
    consent.save()
    return _grant(consent, actor)


def _grant(consent: ProxyConsent, actor) -> ProxyConsent:
    """The consent holds from now for PROXY_VALID_HOURS. Nothing is written to the member's own
    consents: what it grants is read from it while it lasts (`consents_in_force`)."""
    now = timezone.now()
    with transaction.atomic():
        ends = now + dt.timedelta(hours=PROXY_VALID_HOURS)
        if consent.pk and not held(consent).filter(granted_at__isnull=True).update(
            granted_at=now, expires_at=ends
        ):
            consent.refresh_from_db()  # granted meanwhile by the same code sent twice
            return consent
        consent.granted_at, consent.expires_at = now, ends
        log_action(
            consent.member,
            "members.proxy.granted",
            actor,
            {"consent": consent.pk, "method": consent.method, "purposes": consent.purposes},
            timeline=True,
        )
    if consent.member.user_id:
        notify(
            consent.member.user,
            Message(_l("您已同意 %(who)s 代您办理"), who=actor.display_name),
            Message(
                _l("%(h)s 小时内有效%(what)s。代办的每一项都会出现在“福利申领”里；不想继续可以随时撤销。"),
                h=PROXY_VALID_HOURS,
                what=_purposes_words(consent.purposes),
            ),
            "/benefits/#proxy",
        )
    return consent


def proxy_revoke(*, consent: ProxyConsent, member: Member, actor) -> ProxyConsent:
    """The member ends a proxy's consent before it expires; the proxy is told."""
    if consent.member_id != member.pk:
        raise NotFound()
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        log_action(member, "members.proxy.revoked", actor, {"consent": consent.pk}, timeline=True)
        notify(
            consent.actor,
            Message(_l("%(name)s 已撤销代办授权"), name=mask_name(member.name)),
            _l("如需继续代办，请重新取得会员同意。"),
            "/proxy/",
        )
    return consent


def proxy_consents_of(member: Member):
    """Every proxy consent the member gave (or was asked for), newest first: for the member's list."""
    return own(ProxyConsent.objects, member).select_related("actor").filter(granted_at__isnull=False)


def proxy_check(*, consent: ProxyConsent, actor) -> None:
    """A consent the actor may use now: theirs, granted, not expired, not revoked, for a member
    who has not left."""
    if consent.actor_id != actor.pk:
        raise NotFound()
    ensure_active(consent.member, _("这位会员已不在工会，不能代办"))
    if consent.revoked_at is not None:
        raise DomainError("consent_revoked", _("会员已撤销代办授权"), status=403)
    if not consent.live:
        raise DomainError("consent_required", _("请先取得会员的同意（验证码或签名）"), status=403)


def proxy_for(*, actor, consent_id: int | None) -> ProxyConsent | None:
    if consent_id in (None, ""):
        return None
    consent = (
        own(ProxyConsent.objects, actor, field="actor")
        .select_related("member__org", "member__user", "actor")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None:
        raise NotFound()
    proxy_check(consent=consent, actor=actor)
    return consent


def proxy_minutes_left(consent: ProxyConsent) -> int:
    return max(0, int((consent.expires_at - timezone.now()).total_seconds() // 60))


def pending_proxy(user, pk: int) -> ProxyConsent:
    consent = (
        own(ProxyConsent.objects, user, field="actor")
        .select_related("member__user", "member__org")
        .filter(pk=pk)
        .first()
    )
    if consent is None:
        raise NotFound()
    return consent
