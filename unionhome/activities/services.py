"""Activities (C1): publish, sign up or join the waiting list, give a place back, feedback; and the
helpers the app's other services share (offers, tickets, venues, discounts live beside this;
how an offer's places are never oversold is told in `offers`)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.notifications import Message, notify, notify_many
from unionhome.core.scoping import by_rule, ensure_role_over, held
from unionhome.core.uploads import check_upload
from unionhome.members.audience import audience_includes, clean_audience
from unionhome.members.models import Member
from unionhome.members.selectors import require_active_member

from .models import (
    ACTIVE_SIGNUP,
    Activity,
    Signup,
    SignupStatus,
)


def _code() -> str:
    """The ten digits printed under a ticket's QR code, for typing when a camera will not do."""
    return f"{secrets.randbelow(10**10):010d}"


def _member_of(user) -> Member:
    return require_active_member(user, _("只有会员可以参加，请先入会"))


def _reaches(org: Org, audience: dict, member: Member) -> bool:
    """The member is in the union's subtree and in the audience (no query when it is everyone)."""
    if not member.org.path.startswith(org.path):
        return False
    return audience_includes(org, audience, member_id=member.pk, org_path=member.org.path)


# -- activities --------------------------------------------------------------------------------


def _activity_rules(*, starts_at, ends_at, signup_closes_at, place: str, online_url: str) -> None:
    """What no single field can tell: a place or a link members can open, an end after the start,
    sign-up closing by the start."""
    errors: dict[str, str] = {}
    if online_url and not online_url.startswith(("https://", "http://")):
        errors["online_url"] = _("请填写以 https:// 开头的链接")
    if not place and not online_url:
        errors["place"] = _("请填写地点或线上链接")
    if ends_at <= starts_at:
        errors["ends_at"] = _("结束时间应晚于开始时间")
    if signup_closes_at and signup_closes_at > starts_at:
        errors["signup_closes_at"] = _("报名截止不能晚于开始时间")
    refuse(errors)


@transaction.atomic
def activity_save(
    *,
    actor,
    org: Org,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    description: str = "",
    place: str = "",
    online_url: str = "",
    signup_closes_at: dt.datetime | None = None,
    audience: dict | None = None,
    activity: Activity | None = None,
) -> Activity:
    """Publish an activity, or edit one; a larger capacity lets waiting members in at once."""
    ensure_role_over(actor, activity.org if activity else org)
    _activity_rules(
        starts_at=starts_at,
        ends_at=ends_at,
        signup_closes_at=signup_closes_at,
        place=place,
        online_url=online_url,
    )
    fields = {
        "title": title,
        "description": description,
        "place": place,
        "online_url": online_url,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "signup_closes_at": signup_closes_at or starts_at,
        "capacity": capacity,
        "audience": clean_audience(activity.org if activity else org, audience),
    }
    if activity is None:
        activity = Activity(org=org, created_by=actor, remaining=fields["capacity"], **fields)
        activity.save()
        log_action(activity, "activities.activity.published", actor, {"capacity": activity.capacity})
        return activity
    activity = held(activity).select_for_update().get()
    taken = activity.capacity - activity.remaining
    if fields["capacity"] < taken:
        raise DomainError(
            "invalid",
            _("已有 %(n)s 人报名，名额不能少于此数") % {"n": taken},
            fields={"capacity": _("不能少于已报名人数")},
        )
    activity.remaining = fields["capacity"] - taken
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    log_action(activity, "activities.activity.updated", actor, {"capacity": activity.capacity})
    _promote_waiting(activity)
    return activity


def activity_materials(*, actor, activity: Activity, upload) -> None:
    ensure_role_over(actor, activity.org)
    check_upload(upload, field="materials", allowed={"application/pdf", "image/jpeg", "image/png"})
    activity.materials = upload
    activity.save(update_fields=["materials"])


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str) -> None:
    ensure_role_over(actor, activity.org)
    if not reason.strip():
        raise DomainError("invalid", _("请说明取消原因"), fields={"reason": _("不能为空")})
    held(activity).update(cancelled=True)
    users = activity.signups.filter(status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITING])
    notify_many(
        users.values_list("member__user_id", flat=True),
        Message(_l("活动取消：%(t)s"), t=activity.title),
        reason.strip(),
        f"/activities/{activity.pk}/",
    )
    log_action(activity, "activities.activity.cancelled", actor, {"reason": reason.strip()})


def signup_create(*, user, activity: Activity, now: dt.datetime | None = None) -> Signup:
    """Sign up for a place, or join the waiting list when none is left (status `waiting`).
    Refusals: `closed` (409), `duplicate` (409), not in the audience (404)."""
    now = now or timezone.now()
    member = _member_of(user)
    if not _reaches(activity.org, activity.audience, member):
        raise NotFound()
    if activity.cancelled or now >= activity.signup_closes_at:
        raise Conflict("closed", _("报名已截止"))
    if activity.signups.filter(ACTIVE_SIGNUP, member=member).exists():
        raise Conflict("duplicate", _("您已经报过名了"))
    try:
        with transaction.atomic():
            taken = held(activity).filter(remaining__gt=0).update(remaining=F("remaining") - 1)
            row = Signup.objects.create(
                activity=activity,
                member=member,
                status=SignupStatus.CONFIRMED if taken else SignupStatus.WAITING,
                confirmed_at=now if taken else None,
                short_code=_code(),
            )
    except IntegrityError:  # the same member, a moment earlier, in another request
        raise Conflict("duplicate", _("您已经报过名了")) from None
    return row


def waiting_position(row: Signup) -> int | None:
    """A sign-up's place on its activity's waiting list: 1 for the first in line."""
    if row.status != SignupStatus.WAITING:
        return None
    ahead = by_rule(Signup.objects, "the waiting list of a sign-up in hand").filter(
        activity_id=row.activity_id, status=SignupStatus.WAITING, pk__lt=row.pk
    )
    return ahead.count() + 1


def local_time(value: dt.datetime) -> str:
    """A time as a member reads it in a message: 03-14 09:30, Beijing time."""
    return timezone.localtime(value).strftime("%m-%d %H:%M")


@transaction.atomic
def signup_cancel(*, user, signup_row: Signup) -> None:
    """A member withdraws: a confirmed place goes to the first in the waiting list."""
    activity = held(Activity, signup_row.activity_id).select_for_update().get()
    row = held(signup_row).select_for_update().get()
    if row.status == SignupStatus.CANCELLED:
        return
    was = row.status
    row.status = SignupStatus.CANCELLED
    row.save(update_fields=["status"])
    log_action(row, "activities.signup.cancelled", user, {"was": was}, org=activity.org)
    if was == SignupStatus.CONFIRMED:
        held(activity).update(remaining=F("remaining") + 1)
        activity.refresh_from_db(fields=["remaining"])
        _promote_waiting(activity)


def _promote_waiting(activity: Activity) -> None:
    """Fill free places from the front of the waiting list (call with the activity locked)."""
    while True:
        nxt = activity.signups.select_for_update().filter(status=SignupStatus.WAITING).order_by("pk").first()
        if nxt is None:
            return
        if not held(activity).filter(remaining__gt=0).update(remaining=F("remaining") - 1):
            return
        nxt.status = SignupStatus.CONFIRMED
        nxt.confirmed_at = timezone.now()
        nxt.save(update_fields=["status", "confirmed_at"])
        if nxt.member.user_id:
            notify(
                nxt.member.user,
                Message(_l("候补成功：%(t)s"), t=activity.title),
                _l("有人取消了报名，您已从候补转为正式报名。"),
                "/tickets/",
            )


def signup_feedback(*, user, signup_row: Signup, rating: int, text: str = "") -> None:
    """After the event, a participant rates it 1–5 and may add a few words."""
    if signup_row.status != SignupStatus.CONFIRMED:
        raise Conflict("not_participant", _("只有参加活动的会员可以评价"))
    if timezone.now() < signup_row.activity.starts_at:
        raise Conflict("not_yet", _("活动开始后才能评价"))
    if rating not in range(1, 6):
        raise DomainError("invalid", _("请打 1 到 5 分"), fields={"rating": _("请打 1 到 5 分")})
    signup_row.rating = rating
    signup_row.feedback = (text or "").strip()[:1000]
    signup_row.save(update_fields=["rating", "feedback"])
