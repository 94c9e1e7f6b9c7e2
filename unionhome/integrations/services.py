"""Signed events from an enterprise's HR, attendance and training systems (I1).

A sender signs each request: header `X-UnionHome-Signature: t=<unix seconds>,v1=<hex>` where
the hex is HMAC-SHA256 of "<t>.<raw body>" with the integration's secret. A wrong signature, an
unknown key, or a time more than SIGNATURE_SECONDS from ours is refused whole (401) and changes
nothing. Each event is applied on its own (a savepoint): a bad one is reported with its id and
reason and the good ones kept; an event id seen before is a duplicate and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionhome.core.audit import log_action
from unionhome.core.bounds import LIFE_MIN, day_error
from unionhome.core.errors import DomainError
from unionhome.core.guard import system
from unionhome.core.models import Org, Site
from unionhome.core.notifications import notify
from unionhome.core.phones import normalise_phone, phone_error
from unionhome.core.scoping import by_rule, ensure_role_over, within
from unionhome.members import groups
from unionhome.members.models import Member, MemberStatus, Post, Shift
from unionhome.members.services import name_initials

from .models import Attendance, Event, EventType, Integration, TrainingRecord

SIGNATURE_SECONDS = 300
MAX_EVENTS = 10_000


class Unauthorised(DomainError):
    status = 401

    def __init__(self):
        super().__init__("bad_signature", _("签名无效或已过期"))


@dataclass
class Result:
    accepted: int = 0
    duplicates: int = 0
    errors: list[dict] = field(default_factory=list)


def integration_create(*, actor, org: Org, name: str) -> tuple[Integration, str]:
    """A new integration and its secret, which is shown this once."""
    ensure_role_over(actor, org)
    secret = secrets.token_hex(32)
    integration = Integration.objects.create(
        org=org, name=name.strip()[:100], key=secrets.token_hex(16), secret=secret, created_by=actor
    )
    log_action(integration, "integrations.integration.created", actor, {"name": integration.name})
    return integration, secret


def sign(secret: str, body: bytes, at: int | None = None) -> str:
    """The header value a sender puts on `body` (also what the tests and the bench send)."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def verified(key: str, header: str | None, body: bytes) -> Integration:
    """The integration that signed `body`, or Unauthorised (the same answer for an unknown key)."""
    integration = (
        by_rule(Integration.objects, "the signature decides, not a user").filter(key=key, active=True).first()
    )
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        at = int(parts.get("t", ""))
    except ValueError:
        raise Unauthorised() from None
    if integration is None or abs(time.time() - at) > SIGNATURE_SECONDS:
        raise Unauthorised()
    expected = sign(integration.secret, body, at).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise Unauthorised()
    return integration


class Bad(Exception):
    pass


def _text(event: dict, name: str, limit: int, *, required: bool = True) -> str:
    value = event.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Bad(_("缺少 %(f)s") % {"f": name})
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Bad(_("%(f)s 应为文字") % {"f": name})
    value = str(value).strip()
    if len(value) > limit:
        raise Bad(_("%(f)s 最多 %(n)d 个字符") % {"f": name, "n": limit})
    return value


def _hours(event: dict, name: str, *, required: bool) -> Decimal | None:
    value = event.get(name)
    if value is None:
        if required:
            raise Bad(_("缺少 %(f)s") % {"f": name})
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise Bad(_("%(f)s 应为小时数") % {"f": name}) from None
    if isinstance(value, bool) or not hours.is_finite() or not 0 <= hours <= 24:
        raise Bad(_("%(f)s 应在 0 到 24 小时之间") % {"f": name})
    return hours.quantize(Decimal("0.01"))


def _choice(event: dict, name: str, choices) -> str | None:
    value = _text(event, name, 20, required=False)
    if not value:
        return None
    for code, label in choices:
        if value in (code, str(label)):
            return code
    raise Bad(_("“%(v)s”不是有效的%(f)s") % {"v": value, "f": name})


def _site(event: dict, org: Org) -> Site | None:
    name = _text(event, "site", 100, required=False)
    if not name:
        return None
    site = within(Site.objects, org.enterprise() or org).filter(name=name).first()
    if site is None:
        raise Bad(_("未知的工作地点：%(site)s") % {"site": name})
    return site


def _member(org: Org, employee_no: str) -> Member:
    member = (
        within(Member.objects, org)
        .filter(employee_no=employee_no)
        .exclude(status=MemberStatus.ANONYMISED)
        .first()
    )
    if member is None:
        raise Bad(_("花名册上没有这个工号"))
    return member


def _apply(integration: Integration, event: dict) -> Member:
    org = integration.org
    kind = event["type"]
    employee_no = event["employee_no"]
    day = event["date"]
    if kind == EventType.HIRE:
        name = _text(event, "name", 50)
        phone = normalise_phone(_text(event, "phone", 20))
        if reason := phone_error(phone):
            raise Bad(reason)
        site = _site(event, org)
        post = _choice(event, "post", Post.choices)
        member = within(Member.objects, org).filter(employee_no=employee_no).first()
        if member is not None and member.status == MemberStatus.ANONYMISED:
            raise Bad(_("该工号对应的人员已注销个人信息"))
        member = member or Member(org=org, employee_no=employee_no, status=MemberStatus.ROSTER)
        member.name, member.name_initials, member.phone = name, name_initials(name), phone
        member.site = site or member.site
        member.post = post or member.post
        member.hired_on, member.left_on = day, None
        member.save()
        groups.recompute(member)
        log_action(member, "integrations.member.hired", None, {"integration": integration.pk}, timeline=True)
        return member
    member = _member(org, employee_no)
    if kind == EventType.LEAVE:
        if member.hired_on and day < member.hired_on:
            raise Bad(_("离职日期不能早于入职日期"))
        member.left_on = day
        member.save(update_fields=["left_on", "updated_at"])
        log_action(member, "integrations.member.left", None, {"integration": integration.pk}, timeline=True)
        if member.user_id and member.status == MemberStatus.ACTIVE:
            notify(
                member.user,
                gettext_lazy("您已离开原单位"),
                gettext_lazy(
                    "您的会员身份可以保留：换了新单位，可以申请转会；暂时没有单位，也可以继续留在原工会。"
                ),
                "/transfer/",
            )
    elif kind in (EventType.TRANSFER, EventType.CHANGE):
        site = _site(event, org)
        post = _choice(event, "post", Post.choices)
        shift = _choice(event, "shift", Shift.choices)
        if not (site or post or shift):
            raise Bad(_("调动或调岗需要 site、post 或 shift 中的至少一项"))
        member.site = site or member.site
        member.post = post or member.post
        member.shift = shift or member.shift
        member.save(update_fields=["site", "post", "shift", "updated_at"])
        groups.recompute(member)
        log_action(
            member, "integrations.member.changed", None, {"integration": integration.pk}, timeline=True
        )
    elif kind == EventType.ATTENDANCE:
        hours = _hours(event, "hours", required=True)
        overtime = _hours(event, "overtime_hours", required=False) or Decimal("0")
        night = event.get("night", False)
        if not isinstance(night, bool):
            raise Bad(_("night 应为 true 或 false"))
        Attendance.objects.update_or_create(
            member=member,
            date=day,
            defaults={
                "org": member.org,
                "hours": hours,
                "overtime_hours": overtime,
                "shift": _text(event, "shift", 20, required=False),
                "night": night,
            },
        )
    elif kind == EventType.TRAINING:
        TrainingRecord.objects.create(
            org=member.org,
            member=member,
            date=day,
            course=_text(event, "course", 200),
            hours=_hours(event, "hours", required=False),
        )
    return member


def _common(event) -> dict:
    if not isinstance(event, dict):
        raise Bad(_("事件应为一个对象"))
    out = dict(event)
    out["id"] = _text(event, "id", 100)
    if event.get("type") not in EventType.values:
        raise Bad(_("type 应为 %(opts)s 之一") % {"opts": "、".join(EventType.values)})
    out["employee_no"] = _text(event, "employee_no", 30)
    try:
        day = dt.date.fromisoformat(str(event.get("date", "")))
    except ValueError:
        raise Bad(_("date 应为 2026-03-01 这样的日期")) from None
    if reason := day_error(day, earliest=LIFE_MIN):
        raise Bad(reason)
    out["date"] = day
    return out


def events_apply(integration: Integration, events) -> Result:
    result = Result()
    if not isinstance(events, list):
        raise DomainError("invalid", _("events 应为一个列表"), fields={"events": _("应为列表")})
    if len(events) > MAX_EVENTS:
        raise DomainError(
            "too_many", _("一次最多 %(n)d 个事件") % {"n": MAX_EVENTS}, fields={"events": str(MAX_EVENTS)}
        )
    with system():  # the signature stands for the integration's union: every read below is within it
        for raw in events:
            raw_id = str(raw.get("id", ""))[:100] if isinstance(raw, dict) else ""
            try:
                event = _common(raw)
            except Bad as bad:
                result.errors.append({"id": raw_id, "reason": str(bad)})
                continue
            if Event.objects.filter(integration=integration, event_id=event["id"]).exists():
                result.duplicates += 1
                continue
            try:
                with transaction.atomic():
                    member = _apply(integration, event)
                    Event.objects.create(
                        integration=integration,
                        org=integration.org,
                        event_id=event["id"],
                        type=event["type"],
                        employee_no=event["employee_no"],
                        date=event["date"],
                        member=member,
                    )
            except Bad as bad:
                result.errors.append({"id": event["id"], "reason": str(bad)})
                continue
            except IntegrityError:  # the same id sent twice at once: the other request applied it
                result.duplicates += 1
                continue
            result.accepted += 1
    return result
