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

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionhome.core import rows
from unionhome.core.audit import log_action
from unionhome.core.bounds import LIFE_MIN, day_error
from unionhome.core.errors import DomainError
from unionhome.core.guard import system
from unionhome.core.models import Org, Site
from unionhome.core.notifications import notify, text_phone
from unionhome.core.phones import normalise_phone, phone_error
from unionhome.core.scoping import by_rule, ensure_role_over, within
from unionhome.members import groups
from unionhome.members.models import HoursScheme, Member, MemberStatus, Post, Shift
from unionhome.members.services import name_initials

from .models import Attendance, Event, EventType, Integration, TrainingRecord

SIGNATURE_SECONDS = 300
MAX_EVENTS = 10_000
CHUNK = 1000
WRITE_CHUNK = 5000  # rows an INSERT (SQLite's variable limit lowers it by itself)
TYPES = frozenset(EventType.values)


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


def _join_reminder(member: Member) -> None:
    """A new hire not yet in the union is texted how to join (after the batch commits)."""
    where = f"{settings.PUBLIC_URL}/join/" if settings.PUBLIC_URL else str(_("网上职工之家的「加入工会」"))
    text_phone(
        member.phone,
        _(
            "【%(union)s】%(name)s，欢迎入职！加入工会可以享受维权、帮扶、福利等会员服务，用手机就能办：%(where)s"
        )
        % {"union": member.org.name, "name": member.name, "where": where},
    )
    log_action(member, "integrations.member.join_reminded", None, {})


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
        invite = member is None or member.status != MemberStatus.ACTIVE
        member = member or Member(org=org, employee_no=employee_no, status=MemberStatus.ROSTER)
        member.name, member.name_initials, member.phone = name, name_initials(name), phone
        member.site = site or member.site
        member.post = post or member.post
        member.hired_on, member.left_on = day, None
        member.save()
        groups.recompute(member)
        log_action(member, "integrations.member.hired", None, {"integration": integration.pk}, timeline=True)
        if invite:
            _join_reminder(member)
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
        scheme = _choice(event, "scheme", HoursScheme.choices)
        if not (site or post or shift or scheme):
            raise Bad(_("调动或调岗需要 site、post、shift 或 scheme 中的至少一项"))
        member.site = site or member.site
        member.post = post or member.post
        member.shift = shift or member.shift
        member.hours_scheme = scheme or member.hours_scheme
        member.save(update_fields=["site", "post", "shift", "hours_scheme", "updated_at"])
        groups.recompute(member)
        log_action(
            member, "integrations.member.changed", None, {"integration": integration.pk}, timeline=True
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
    if event.get("type") not in TYPES:
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
    """Apply a batch, one request at a time per integration (its row is locked, so the
    duplicate check is exact under concurrent requests). 1. Check every event's common fields
    and drop the ids seen before (or earlier in the batch). 2. Apply hires, leaves, transfers,
    changes and trainings in order, each in its own savepoint. 3. Apply the attendance rows
    together: checked one by one, then written in bulk (the bulk of any feed)."""
    result = Result()
    if not isinstance(events, list):
        raise DomainError("invalid", _("events 应为一个列表"), fields={"events": _("应为列表")})
    if len(events) > MAX_EVENTS:
        raise DomainError(
            "too_many", _("一次最多 %(n)d 个事件") % {"n": MAX_EVENTS}, fields={"events": str(MAX_EVENTS)}
        )
    # The signature stands for the integration's union: every read below is within it.
    with system(), transaction.atomic():
        by_rule(Integration.objects, "the integration that signed").select_for_update().filter(
            pk=integration.pk
        ).first()
        fresh = _fresh(integration, events, result)
        attendance = [e for e in fresh if e["type"] == EventType.ATTENDANCE]
        for event in fresh:
            if event["type"] == EventType.ATTENDANCE:
                continue
            try:
                with transaction.atomic():
                    member = _apply(integration, event)
                    _record(integration, event, member).save(force_insert=True)
            except Bad as bad:
                result.errors.append({"id": event["id"], "reason": str(bad), "at": event["at"]})
                continue
            result.accepted += 1
        if attendance:
            _attendance(integration, attendance, result)
    # Reported in the order they were sent, whichever step found them.
    result.errors = [
        {"id": e["id"], "reason": e["reason"]} for e in sorted(result.errors, key=lambda e: e["at"])
    ]
    return result


def _fresh(integration: Integration, events: list, result: Result) -> list[dict]:
    parsed = []
    for at, raw in enumerate(events):
        raw_id = str(raw.get("id", ""))[:100] if isinstance(raw, dict) else ""
        try:
            parsed.append({**_common(raw), "at": at})
        except Bad as bad:
            result.errors.append({"id": raw_id, "reason": str(bad), "at": at})
    ids = [e["id"] for e in parsed]
    seen: set[str] = set()
    for at in range(0, len(ids), CHUNK):
        seen.update(
            Event.objects.filter(integration=integration, event_id__in=ids[at : at + CHUNK]).values_list(
                "event_id", flat=True
            )
        )
    fresh = []
    for event in parsed:
        if event["id"] in seen:
            result.duplicates += 1
            continue
        seen.add(event["id"])
        fresh.append(event)
    return fresh


def _record(integration: Integration, event: dict, member: Member | Roll) -> Event:
    # By ids: a batch makes ten thousand of these, and a related object costs a descriptor each.
    return Event(
        integration_id=integration.pk,
        org_id=integration.org_id,
        event_id=event["id"],
        type=event["type"],
        employee_no=event["employee_no"],
        date=event["date"],
        member_id=member.pk,
    )


@dataclass(frozen=True)
class Roll:
    """What a day of attendance needs of its member (no model instance: a batch has thousands)."""

    pk: int
    org_id: int
    last_night_on: dt.date | None


def _attendance(integration: Integration, events: list[dict], result: Result) -> None:
    """Check each row, then one upsert of the days (the latest report of a day stands), one
    insert of the events, and the night workers moved onto the shift group's lists."""
    members: dict[str, Roll] = {}
    numbers = sorted({e["employee_no"] for e in events})
    for at in range(0, len(numbers), CHUNK):
        for pk, org_id, number, last_night in (
            within(Member.objects, integration.org)
            .filter(employee_no__in=numbers[at : at + CHUNK])
            .exclude(status=MemberStatus.ANONYMISED)
            .order_by()  # looked up, not listed: no sort by name
            .values_list("pk", "org_id", "employee_no", "last_night_on")
        ):
            members[number] = Roll(pk, org_id, last_night)
    days: dict[tuple[int, dt.date], Attendance] = {}
    records = []
    nights: dict[int, dt.date] = {}
    for event in events:
        try:
            member = members.get(event["employee_no"])
            if member is None:
                raise Bad(_("花名册上没有这个工号"))
            hours = _hours(event, "hours", required=True)
            overtime = _hours(event, "overtime_hours", required=False) or Decimal("0")
            night = event.get("night", False)
            if not isinstance(night, bool):
                raise Bad(_("night 应为 true 或 false"))
            shift = _text(event, "shift", 20, required=False)
        except Bad as bad:
            result.errors.append({"id": event["id"], "reason": str(bad), "at": event["at"]})
            continue
        day = event["date"]
        days[(member.pk, day)] = Attendance(
            org_id=member.org_id, member_id=member.pk, date=day, hours=hours, overtime_hours=overtime,
            shift=shift, night=night,
        )  # fmt: skip
        records.append(_record(integration, event, member))
        if night and day > nights.get(member.pk, dt.date.min):
            nights[member.pk] = day
    Attendance.objects.bulk_create(
        list(days.values()),
        batch_size=WRITE_CHUNK,
        update_conflicts=True,
        unique_fields=["member", "date"],
        update_fields=["org", "hours", "overtime_hours", "shift", "night"],
    )
    Event.objects.bulk_create(records, batch_size=WRITE_CHUNK)
    rows.after_bulk_load(len(records), Event, Attendance)
    result.accepted += len(records)
    _nights(nights, {m.pk: m for m in members.values()})


def _nights(nights: dict[int, dt.date], members: dict[int, Roll]) -> None:
    """Keep each night worker's latest night; those not already on the shift group's lists
    (members.groups) are recomputed."""
    by_day: dict[dt.date, list[int]] = {}
    newly = []
    for pk, day in nights.items():
        last = members[pk].last_night_on
        if last is not None and last >= day:
            continue
        by_day.setdefault(day, []).append(pk)
        if last is None or (day - last).days > groups.NIGHT_DAYS:
            newly.append(pk)
    for day, pks in by_day.items():
        for at in range(0, len(pks), CHUNK):
            Member.objects.filter(pk__in=pks[at : at + CHUNK]).update(last_night_on=day)
    for at in range(0, len(newly), CHUNK):
        groups.recompute_many(list(Member.objects.filter(pk__in=newly[at : at + CHUNK])))
