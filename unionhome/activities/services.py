"""Activities, offers, tickets, check-in, venues and discounts: every change goes through here.

How places are never oversold: a place is taken by a conditional
`UPDATE … SET remaining = remaining - 1 WHERE id = %s AND remaining > 0` that writes the member's
row with it, both or neither: on PostgreSQL in one statement (`WITH took AS (UPDATE …) INSERT …`),
elsewhere in one transaction. If the insert meets the unique constraint (the member already holds
that place) the place is given back. The database's check constraint `remaining >= 0` and the
partial unique constraints stand behind it. `bench/offer_burst.py` compares the one statement, the
transaction and a row lock (`SELECT … FOR UPDATE`); the setting `OFFER_CLAIM_STRATEGY` chooses,
and the one statement is the default because it measured fastest (docs/benchmarks.md)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
import secrets
import time
from collections import Counter

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import rows
from unionhome.core.audit import log_action
from unionhome.core.bounds import day_error
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Org
from unionhome.core.notifications import Message, notify, notify_many
from unionhome.core.qr import qr_svg
from unionhome.core.scoping import STAFF_ROLES, ensure_role_over, has_role_over, holders_over
from unionhome.core.uploads import check_upload
from unionhome.members.audience import audience_includes, clean_audience
from unionhome.members.identity import Identity, member_identity
from unionhome.members.models import Member, MemberStatus

from .models import (
    ACTIVE_CLAIM,
    ACTIVE_SIGNUP,
    Activity,
    Booking,
    BookingSlot,
    BookingStatus,
    Claim,
    ClaimStatus,
    Discount,
    DiscountCategory,
    Offer,
    OfferMode,
    Signup,
    SignupStatus,
    Venue,
)

TITLE_MAX = 120
SLOT = dt.timedelta(minutes=30)
BOOKING_MAX = dt.timedelta(hours=12)
TOKEN_SALT = "unionhome.activities.ticket"


def _code() -> str:
    """The ten digits printed under a ticket's QR code, for typing when a camera will not do."""
    return f"{secrets.randbelow(10**10):010d}"


def _text(data: dict, key: str, errors: dict, *, limit: int, required: bool = True) -> str:
    value = (data.get(key) or "").strip()
    if required and not value:
        errors[key] = _("不能为空")
    elif len(value) > limit:
        errors[key] = _("最多 %(n)s 个字") % {"n": limit}
    return value


def _when(data: dict, key: str, errors: dict, *, required: bool = True) -> dt.datetime | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            errors[key] = _("不能为空")
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors[key] = _("时间格式应为 2024-03-01T09:30:00+08:00")
            return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if reason := day_error(value):
        errors[key] = reason
        return None
    return value


def _positive(data: dict, key: str, errors: dict, *, maximum: int = 100_000) -> int:
    try:
        value = int(data.get(key))
    except (TypeError, ValueError):
        errors[key] = _("请输入整数")
        return 0
    if not 1 <= value <= maximum:
        errors[key] = _("应在 1 到 %(n)s 之间") % {"n": maximum}
    return value


def _member_of(user) -> Member:
    member = Member.objects.select_related("org").filter(user=user, status=MemberStatus.ACTIVE).first()
    if member is None:
        raise DomainError("not_member", _("只有会员可以参加，请先入会"), status=403)
    return member


def _reaches(org: Org, audience: dict, member: Member) -> bool:
    """The member is in the union's subtree and in the audience (no query when it is everyone)."""
    if not member.org.path.startswith(org.path):
        return False
    return audience_includes(org, audience, member_id=member.pk, org_path=member.org.path)


# -- activities --------------------------------------------------------------------------------


def _activity_fields(org: Org, data: dict) -> dict:
    errors: dict[str, str] = {}
    fields = {
        "title": _text(data, "title", errors, limit=TITLE_MAX),
        "description": _text(data, "description", errors, limit=5000, required=False),
        "place": _text(data, "place", errors, limit=200, required=False),
        "online_url": _text(data, "online_url", errors, limit=200, required=False),
        "starts_at": _when(data, "starts_at", errors),
        "ends_at": _when(data, "ends_at", errors),
        "signup_closes_at": _when(data, "signup_closes_at", errors, required=False),
        "capacity": _positive(data, "capacity", errors),
    }
    if fields["online_url"] and not fields["online_url"].startswith(("https://", "http://")):
        errors["online_url"] = _("请填写以 https:// 开头的链接")
    if not fields["place"] and not fields["online_url"] and "place" not in errors:
        errors["place"] = _("请填写地点或线上链接")
    starts, ends = fields["starts_at"], fields["ends_at"]
    if starts and ends and ends <= starts:
        errors["ends_at"] = _("结束时间应晚于开始时间")
    if starts and not fields["signup_closes_at"]:
        fields["signup_closes_at"] = starts
    if starts and fields["signup_closes_at"] and fields["signup_closes_at"] > starts:
        errors["signup_closes_at"] = _("报名截止不能晚于开始时间")
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
    fields["audience"] = clean_audience(org, data.get("audience"))
    return fields


@transaction.atomic
def activity_save(
    *, actor, org: Org, data: dict, activity: Activity | None = None, materials=None
) -> Activity:
    """Publish an activity, or edit one; a larger capacity lets waiting members in at once."""
    ensure_role_over(actor, activity.org if activity else org)
    fields = _activity_fields(activity.org if activity else org, data)
    if activity is None:
        activity = Activity(org=org, created_by=actor, remaining=fields["capacity"], **fields)
        activity.save()
        log_action(activity, "activities.activity.published", actor, {"capacity": activity.capacity})
        return activity
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
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
    if materials is not None:
        activity.materials = materials
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
    Activity.objects.filter(pk=activity.pk).update(cancelled=True)
    users = Signup.objects.filter(
        activity=activity, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITING]
    )
    notify_many(
        users.values_list("member__user_id", flat=True),
        Message(_l("活动取消：%(t)s"), t=activity.title),
        reason.strip(),
        f"/activities/{activity.pk}/",
    )
    log_action(activity, "activities.activity.cancelled", actor, {"reason": reason.strip()})


def signup(*, user, activity: Activity, now: dt.datetime | None = None) -> Signup:
    """Sign up for a place, or join the waiting list when none is left (status `waiting`).
    Refusals: `closed` (409), `duplicate` (409), not in the audience (404)."""
    now = now or timezone.now()
    member = _member_of(user)
    if not _reaches(activity.org, activity.audience, member):
        raise NotFound()
    if activity.cancelled or now >= activity.signup_closes_at:
        raise Conflict("closed", _("报名已截止"))
    if Signup.objects.filter(ACTIVE_SIGNUP, activity=activity, member=member).exists():
        raise Conflict("duplicate", _("您已经报过名了"))
    try:
        with transaction.atomic():
            taken = Activity.objects.filter(pk=activity.pk, remaining__gt=0).update(
                remaining=F("remaining") - 1
            )
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


def waiting_position(row: Signup | Claim) -> int | None:
    """1 for the first in line."""
    if row.status != "waiting":
        return None
    if isinstance(row, Signup):
        ahead = Signup.objects.filter(activity_id=row.activity_id, status=SignupStatus.WAITING, pk__lt=row.pk)
        return ahead.count() + 1
    return _waiting_claims(row.offer_id).filter(_before(row)).count() + 1


@transaction.atomic
def signup_cancel(*, user, signup_row: Signup) -> None:
    """A member withdraws: a confirmed place goes to the first in the waiting list."""
    activity = Activity.objects.select_for_update().get(pk=signup_row.activity_id)
    row = Signup.objects.select_for_update().get(pk=signup_row.pk)
    if row.status == SignupStatus.CANCELLED:
        return
    was = row.status
    row.status = SignupStatus.CANCELLED
    row.save(update_fields=["status"])
    log_action(row, "activities.signup.cancelled", user, {"was": was}, org=activity.org)
    if was == SignupStatus.CONFIRMED:
        Activity.objects.filter(pk=activity.pk).update(remaining=F("remaining") + 1)
        activity.refresh_from_db(fields=["remaining"])
        _promote_waiting(activity)


def _promote_waiting(activity: Activity) -> None:
    """Fill free places from the front of the waiting list (call with the activity locked)."""
    while True:
        nxt = (
            Signup.objects.select_for_update()
            .filter(activity=activity, status=SignupStatus.WAITING)
            .order_by("pk")
            .first()
        )
        if nxt is None:
            return
        if not Activity.objects.filter(pk=activity.pk, remaining__gt=0).update(remaining=F("remaining") - 1):
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


# -- offers ------------------------------------------------------------------------------------


def offer_create(*, actor, org: Org, data: dict) -> Offer:
    ensure_role_over(actor, org)
    errors: dict[str, str] = {}
    title = _text(data, "title", errors, limit=TITLE_MAX)
    description = _text(data, "description", errors, limit=5000, required=False)
    quantity = _positive(data, "quantity", errors)
    opens_at = _when(data, "opens_at", errors)
    closes_at = _when(data, "closes_at", errors)
    mode = data.get("mode") or OfferMode.FIRST_COME
    if mode not in OfferMode.values:
        errors["mode"] = _("不是可选的值：%(opts)s") % {"opts": ", ".join(OfferMode.values)}
    per_member = _positive({"p": data.get("per_member") or 1}, "p", errors, maximum=10)
    if "p" in errors:
        errors["per_member"] = errors.pop("p")
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("结束时间应晚于开始时间")
    if mode == OfferMode.LOTTERY and per_member != 1:
        errors["per_member"] = _("抽签每人只能中一个名额")
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
    audience = clean_audience(org, data.get("audience"))
    offer = Offer.objects.create(
        org=org,
        title=title,
        description=description,
        quantity=quantity,
        remaining=quantity,
        opens_at=opens_at,
        closes_at=closes_at,
        mode=mode,
        per_member=per_member,
        audience=audience,
        created_by=actor,
    )
    log_action(offer, "activities.offer.created", actor, {"quantity": quantity, "mode": mode})
    return offer


def offer_status(offer: Offer, now: dt.datetime | None = None) -> str:
    """scheduled → open → sold_out / closed (first come); scheduled → open → drawing → drawn (lottery)."""
    now = now or timezone.now()
    if now < offer.opens_at:
        return "scheduled"
    if offer.mode == OfferMode.LOTTERY:
        if offer.drawn_at:
            return "drawn"
        return "open" if now < offer.closes_at else "drawing"
    if now >= offer.closes_at:
        return "closed"
    return "open" if offer.remaining > 0 else "sold_out"


# Offers this process has seen sold out, with who holds their places (member id → places),
# re-read at most once a second. A place given back goes to the waiting list, never back to the
# burst, so a sold-out offer stays sold out for claims: a loser is answered from here with no
# query, and a winner who presses again still hears "already claimed". Keyed by id and creation
# time, so a reused id (a test database rolled back) is a new offer.
SOLD_OUT_REFRESH_SECONDS = 1.0
_sold_out: dict[tuple[int, dt.datetime], tuple[float, Counter]] = {}


def _sold_out_holders(offer: Offer) -> Counter | None:
    key = (offer.pk, offer.created_at)
    hit = _sold_out.get(key)
    if hit is None:
        return None
    if time.monotonic() - hit[0] > SOLD_OUT_REFRESH_SECONDS:
        holders = Counter(
            Claim.objects.filter(ACTIVE_CLAIM, offer_id=offer.pk).values_list("member_id", flat=True)
        )
        hit = _sold_out[key] = (time.monotonic(), holders)
    return hit[1]


def _mark_sold_out(offer: Offer) -> None:
    if len(_sold_out) > 1000:
        _sold_out.clear()
    _sold_out[(offer.pk, offer.created_at)] = (float("-inf"), Counter())  # read on first use


# Offers as read by claims, kept for a second: in a burst thousands of requests read the same
# row, and nothing a claim decides on (times, audience, limit) changes in that second; the count
# of places is never read from here but taken in the database.
OFFER_SNAPSHOT_SECONDS = 1.0
_offers: dict[int, tuple[float, Offer]] = {}


def forget_cached_offers() -> None:
    """Drop this process's offer snapshots and sold-out memo (tests reuse ids after a rollback)."""
    _offers.clear()
    _sold_out.clear()


def offer_snapshot(pk: int) -> Offer:
    hit = _offers.get(pk)
    if hit and time.monotonic() - hit[0] < OFFER_SNAPSHOT_SECONDS:
        return hit[1]
    offer = Offer.objects.select_related("org").filter(pk=pk).first()
    if offer is None:
        raise NotFound()
    if len(_offers) > 1000:
        _offers.clear()
    _offers[pk] = (time.monotonic(), offer)
    return offer


def _held_slots(offer_id: int, member_id: int) -> list[int]:
    sql = f"SELECT slot FROM {Claim._meta.db_table} WHERE offer_id = %s AND member_id = %s AND status IN (%s, %s, %s)"  # noqa: S608 — table name from the model
    with connection.cursor() as cursor:
        cursor.execute(sql, [offer_id, member_id, ClaimStatus.WON, ClaimStatus.ENTERED, ClaimStatus.WAITING])
        return [row[0] for row in cursor.fetchall()]


def claim(*, offer: Offer, user=None, who: Identity | None = None, now: dt.datetime | None = None) -> Claim:
    """Take a place (first come) or enter the draw (lottery). Refusals, all 409: `not_open`,
    `closed`, `sold_out`, `already_claimed`; not in the audience: 404.

    This is the burst's path, so its reads are single hand-written queries: the claimant (one),
    the member's places already held (one); the offer comes from `offer_snapshot`. Once this
    process has seen the offer sold out, a refusal needs no query at all."""
    now = now or timezone.now()
    who = who or member_identity(user.pk)
    if who.member_id is None:
        raise DomainError("not_member", _("只有会员可以参加，请先入会"), status=403)
    if not audience_includes(offer.org, offer.audience, member_id=who.member_id, org_path=who.org_path):
        raise NotFound()
    if now < offer.opens_at:
        raise Conflict("not_open", _("还没开始，请 %(t)s 再来") % {"t": _local(offer.opens_at)})
    if now >= offer.closes_at:
        raise Conflict("closed", _("已经结束了"))
    if offer.mode == OfferMode.LOTTERY:
        if _held_slots(offer.pk, who.member_id):
            raise Conflict("already_claimed", _("您已经报名抽签了"))
        return _insert_claim(offer, who.member_id, 1, ClaimStatus.ENTERED)
    holders = _sold_out_holders(offer)
    if holders is not None:
        _refuse_sold_out(offer, holders, who.member_id)
    if offer.per_member == 1:
        slot = 1  # a second place is refused by the unique constraint: nothing to read first
    else:
        held = _held_slots(offer.pk, who.member_id)
        if len(held) >= offer.per_member:
            raise _already_claimed(offer)
        slot = min(set(range(1, offer.per_member + 1)) - set(held))
    row = _take_place(offer, who.member_id, slot, now)
    if row is None:
        _mark_sold_out(offer)
        _refuse_sold_out(offer, _sold_out_holders(offer), who.member_id)
    return row


def _already_claimed(offer: Offer) -> Conflict:
    return Conflict("already_claimed", _("每人限领 %(n)s 个，您已经领过了") % {"n": offer.per_member})


def _refuse_sold_out(offer: Offer, holders: Counter, member_id: int):
    if holders[member_id] >= offer.per_member:
        raise _already_claimed(offer)
    raise Conflict("sold_out", _("已经抢完了"))


def _take_place(offer: Offer, member_id: int, slot: int, now: dt.datetime) -> Claim | None:
    """The member's row and one place off the count, both or neither; None when no place is
    left. The unique constraint refuses a slot the member already holds (`already_claimed`)."""
    for _attempt in range(3):
        row = Claim(
            offer=offer,
            member_id=member_id,
            slot=slot,
            status=ClaimStatus.WON,
            won_at=now,
            short_code=_code(),
            created_at=timezone.now(),
        )
        try:
            if settings.OFFER_CLAIM_STRATEGY == "statement" and connection.vendor == "postgresql":
                return _take_place_in_one_statement(row)
            return _take_place_in_transaction(row)
        except IntegrityError as exc:
            if "short_code" not in str(exc):  # else two tickets drew the same printed code: again
                raise _already_claimed(offer) from None
    raise RuntimeError("no free ticket code after three tries")


def _take_place_in_transaction(row: Claim) -> Claim | None:
    """`update` and `lock`: the member's row first, the place last, in one transaction, so the
    offer row is locked only from the count's UPDATE to the commit."""
    with transaction.atomic():
        rows.insert(row)
        if not _count_down(row.offer_id):
            transaction.set_rollback(True)  # the member's row goes too
            return None
    return row


def _count_down(offer_id: int) -> bool:
    """One place off the count, or False when none is left (hand-written: it runs while the
    offer row is locked)."""
    table = Offer._meta.db_table
    lock = (
        " FOR UPDATE" if connection.vendor == "postgresql" else ""
    )  # SQLite: the write lock is already ours
    with connection.cursor() as cursor:
        if settings.OFFER_CLAIM_STRATEGY == "lock":
            cursor.execute(f"SELECT remaining FROM {table} WHERE id = %s{lock}", [offer_id])  # noqa: S608 — table name from the model
            if cursor.fetchone()[0] <= 0:
                return False
            cursor.execute(f"UPDATE {table} SET remaining = remaining - 1 WHERE id = %s", [offer_id])  # noqa: S608
            return True
        sql = f"UPDATE {table} SET remaining = remaining - 1 WHERE id = %s AND remaining > 0"  # noqa: S608
        cursor.execute(sql, [offer_id])
        return cursor.rowcount == 1


@functools.cache
def _claim_sql() -> str:
    """`statement` (PostgreSQL): the count's UPDATE and the member's INSERT in one statement that
    is its own transaction. The offer row is locked only while the database runs it, never across
    a round trip or a wait for the interpreter; a unique violation undoes the whole statement."""
    return (
        f"WITH took AS (UPDATE {Offer._meta.db_table} SET remaining = remaining - 1"  # noqa: S608 — names from the models
        " WHERE id = %s AND remaining > 0 RETURNING id)"
        f" INSERT INTO {Claim._meta.db_table} (offer_id, member_id, slot, status, short_code, created_at, won_at)"
        " SELECT id, %s, %s, %s, %s, %s, %s FROM took RETURNING id"
    )


def _take_place_in_one_statement(row: Claim) -> Claim | None:
    params = [row.offer_id, row.member_id, row.slot, row.status, row.short_code, row.created_at, row.won_at]
    with rows.alone():
        found = rows.fetch_one(_claim_sql(), params)
    if found is None:
        return None
    row.pk = found[0]
    return rows.saved(row)


def _insert_claim(offer: Offer, member_id: int, slot: int, status: str) -> Claim:
    try:
        with transaction.atomic():
            return Claim.objects.create(
                offer=offer, member_id=member_id, slot=slot, status=status, short_code=_code()
            )
    except IntegrityError:
        raise Conflict("already_claimed", _("您已经报名了")) from None


def _waiting_claims(offer_id: int):
    return Claim.objects.filter(offer_id=offer_id, status=ClaimStatus.WAITING).order_by(
        F("position").asc(nulls_last=True), "pk"
    )


def _before(row: Claim):
    if row.position is not None:
        return Q(position__lt=row.position) | Q(position=row.position, pk__lt=row.pk)
    return Q(position__isnull=False) | Q(position__isnull=True, pk__lt=row.pk)


def waitlist_join(*, user, offer: Offer, now: dt.datetime | None = None) -> Claim:
    """After a first-come offer sold out, queue for a place someone gives back."""
    now = now or timezone.now()
    member = _member_of(user)
    if not _reaches(offer.org, offer.audience, member):
        raise NotFound()
    if offer.mode != OfferMode.FIRST_COME or offer_status(offer, now) != "sold_out":
        raise Conflict("not_sold_out", _("还有名额，可以直接领取") if offer.remaining else _("现在不能排队"))
    if Claim.objects.filter(offer=offer, member=member).filter(ACTIVE_CLAIM).exists():
        raise Conflict("already_claimed", _("您已经领到或在排队了"))
    return _insert_claim(offer, member.pk, 1, ClaimStatus.WAITING)


@transaction.atomic
def claim_give_up(*, actor, claim_row: Claim, release: bool = False) -> None:
    """The member gives a place back (or, `release`, staff free a place never picked up): it
    goes to the first in the waiting list, else back to the count."""
    offer = Offer.objects.select_for_update().get(pk=claim_row.offer_id)
    row = Claim.objects.select_for_update().get(pk=claim_row.pk)
    if release:
        ensure_role_over(actor, offer.org)
        if row.status != ClaimStatus.WON or row.checked_in_at:
            raise Conflict("not_releasable", _("只能释放未核销的名额"))
    if row.status not in (ClaimStatus.WON, ClaimStatus.ENTERED, ClaimStatus.WAITING):
        return
    was = row.status
    row.status = ClaimStatus.RELEASED if release else ClaimStatus.CANCELLED
    row.save(update_fields=["status"])
    log_action(
        row, f"activities.claim.{'released' if release else 'cancelled'}", actor, {"was": was}, org=offer.org
    )
    if was != ClaimStatus.WON:
        return
    nxt = _waiting_claims(offer.pk).select_for_update().first()
    if nxt is None:
        Offer.objects.filter(pk=offer.pk).update(remaining=F("remaining") + 1)
        return
    nxt.status = ClaimStatus.WON
    nxt.won_at = timezone.now()
    nxt.save(update_fields=["status", "won_at"])
    if nxt.member.user_id:
        notify(
            nxt.member.user,
            Message(_l("候补成功：%(t)s"), t=offer.title),
            _l("有名额空出，已经转给您了，请到“我的票券”查看。"),
            "/tickets/",
        )


def draw(entrants: list[int], places: int, seed: str) -> tuple[list[int], list[int]]:
    """The lottery, as a pure function: entrants in a fixed order (sorted), shuffled by a
    generator seeded from `seed`. Anyone can replay it from the published seed and entrant list."""
    order = sorted(entrants)
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big"))
    rng.shuffle(order)
    return order[:places], order[places:]


@transaction.atomic
def lottery_draw(
    *, offer: Offer, actor=None, seed: str | None = None, now: dt.datetime | None = None
) -> dict:
    """Draw once the entry window has closed: winners get a place, everyone else an ordered place
    in the waiting list. Drawing twice does nothing."""
    now = now or timezone.now()
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if actor is not None:
        ensure_role_over(actor, offer.org)
    if offer.mode != OfferMode.LOTTERY:
        raise Conflict("not_lottery", _("这不是抽签活动"))
    if offer.drawn_at:
        return {"drawn": False}
    if now < offer.closes_at:
        raise Conflict("not_closed", _("报名还没结束，不能抽签"))
    seed = seed or secrets.token_hex(16)
    entries = dict(
        Claim.objects.filter(offer=offer, status=ClaimStatus.ENTERED).values_list("member_id", "pk")
    )
    winners, waiting = draw(list(entries), offer.quantity, seed)
    Claim.objects.filter(pk__in=[entries[m] for m in winners]).update(status=ClaimStatus.WON, won_at=now)
    rows = Claim.objects.in_bulk([entries[m] for m in waiting])
    for position, member_id in enumerate(waiting, start=1):
        row = rows[entries[member_id]]
        row.status, row.position = ClaimStatus.WAITING, position
    Claim.objects.bulk_update(rows.values(), ["status", "position"], batch_size=1000)
    offer.seed, offer.drawn_at, offer.remaining = seed, now, offer.quantity - len(winners)
    offer.save(update_fields=["seed", "drawn_at", "remaining"])
    entrant_digest = hashlib.sha256(",".join(map(str, sorted(entries))).encode()).hexdigest()
    log_action(
        offer,
        "activities.offer.drawn",
        actor,
        {"seed": seed, "entrants": len(entries), "entrants_sha256": entrant_digest, "winners": winners},
    )
    users = dict(Member.objects.filter(pk__in=list(entries)).values_list("pk", "user_id"))
    notify_many(
        [users[m] for m in winners if users.get(m)],
        Message(_l("恭喜中签：%(t)s"), t=offer.title),
        _l("请到“我的票券”查看二维码。"),
        "/tickets/",
    )
    notify_many(
        [users[m] for m in waiting if users.get(m)],
        Message(_l("未中签：%(t)s"), t=offer.title),
        _l("您已在候补名单中，有人放弃时会按顺序补上并通知您。"),
        f"/offers/{offer.pk}/",
    )
    return {"drawn": True, "seed": seed, "winners": len(winners), "waiting": len(waiting)}


def draw_due_lotteries(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    due = Offer.objects.filter(mode=OfferMode.LOTTERY, drawn_at__isnull=True, closes_at__lte=now)
    return sum(1 for offer in due if lottery_draw(offer=offer, now=now)["drawn"])


# -- tickets and check-in ----------------------------------------------------------------------


def ticket_token(row: Signup | Claim) -> str:
    """What the QR code holds: the record, signed so a forged code is refused without a lookup."""
    return signing.Signer(salt=TOKEN_SALT).sign(f"{row.kind[0]}{row.pk}")


def ticket_qr_svg(row: Signup | Claim, title: str) -> str:
    return qr_svg(ticket_token(row), title=title)


def _find_ticket(code: str) -> Signup | Claim | None:
    code = (code or "").strip()
    if code.isdigit():
        return (
            Signup.objects.select_related("activity__org", "member").filter(short_code=code).first()
            or Claim.objects.select_related("offer__org", "member").filter(short_code=code).first()
        )
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(code)
    except signing.BadSignature:
        return None
    kind, pk = value[:1], value[1:]
    if not pk.isdigit():
        return None
    if kind == "s":
        return Signup.objects.select_related("activity__org", "member").filter(pk=pk).first()
    if kind == "c":
        return Claim.objects.select_related("offer__org", "member").filter(pk=pk).first()
    return None


def ticket_event(row: Signup | Claim):
    return row.activity if isinstance(row, Signup) else row.offer


def checkin(*, actor, code: str, now: dt.datetime | None = None) -> Signup | Claim:
    """Check a ticket in (staff of the organising union). A second scan is refused with the time
    of the first; a forged, unknown or other union's code is 404."""
    now = now or timezone.now()
    row = _find_ticket(code)
    if row is None or not has_role_over(actor, ticket_event(row).org):
        raise NotFound(_("无效的票券码"))
    if row.status not in (SignupStatus.CONFIRMED, ClaimStatus.WON):
        raise Conflict("not_valid", _("该票券已取消或尚未生效（%(s)s）") % {"s": row.get_status_display()})
    model = type(row)
    if not model.objects.filter(pk=row.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=actor
    ):
        row.refresh_from_db(fields=["checked_in_at"])
        raise Conflict(
            "already_checked_in",
            _("已经签到过了（%(t)s）") % {"t": _local(row.checked_in_at)},
            fields={"checked_in_at": timezone.localtime(row.checked_in_at).isoformat()},
        )
    row.checked_in_at, row.checked_in_by = now, actor
    return row


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


# -- venues ------------------------------------------------------------------------------------


def venue_save(*, actor, org: Org, data: dict, venue: Venue | None = None) -> Venue:
    ensure_role_over(actor, venue.org if venue else org)
    errors: dict[str, str] = {}
    name = _text(data, "name", errors, limit=100)
    address = _text(data, "address", errors, limit=200, required=False)
    description = _text(data, "description", errors, limit=2000, required=False)
    try:
        capacity = max(0, int(data.get("capacity") or 0))
    except (TypeError, ValueError):
        errors["capacity"] = _("请输入整数")
        capacity = 0
    shared_under = None
    if data.get("shared_under"):
        shared_under = Org.objects.filter(pk=data["shared_under"]).first()
        if shared_under is None or not (venue.org if venue else org).path.startswith(shared_under.path):
            errors["shared_under"] = _("只能共享给本工会或其上级工会下的单位")
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
    venue = venue or Venue(org=org)
    venue.name, venue.address, venue.description, venue.capacity = name, address, description, capacity
    venue.shared_under, venue.auto_approve = shared_under, bool(data.get("auto_approve"))
    venue.save()
    log_action(venue, "activities.venue.saved", actor)
    return venue


def venue_open_to(venue: Venue, org: Org) -> bool:
    """Whether `org`'s union may book the venue: its owner, or any union under the sharing org."""
    if org.path.startswith(venue.org.path):
        return True
    return venue.shared_under_id is not None and org.path.startswith(venue.shared_under.path)


def booking_create(
    *, actor, venue: Venue, org: Org, starts_at: dt.datetime, ends_at: dt.datetime, purpose: str
) -> Booking:
    """Book whole half-hour slots. Two bookings of one slot, even at the same moment, cannot both
    stand: each holds its slots in rows unique per venue and start. Refusal: 409 `slot_taken`."""
    ensure_role_over(actor, org)
    if not venue.active or not venue_open_to(venue, org):
        raise NotFound()
    errors: dict[str, str] = {}
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = _("不能为空")
    for key, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value.minute % 30 or value.second or value.microsecond:
            errors[key] = _("请按半小时选择，例如 09:00 或 09:30")
    if ends_at <= starts_at:
        errors["ends_at"] = _("结束时间应晚于开始时间")
    elif ends_at - starts_at > BOOKING_MAX:
        errors["ends_at"] = _("一次最多预订 12 小时")
    if starts_at < timezone.now():
        errors["starts_at"] = _("不能预订过去的时间")
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if "ends_at" not in errors and (
        local_end.date() != local_start.date()
        or local_start.time() < venue.opens
        or local_end.time() > venue.closes
    ):
        errors["starts_at"] = _("开放时间为每天 %(a)s–%(b)s") % {
            "a": venue.opens.strftime("%H:%M"),
            "b": venue.closes.strftime("%H:%M"),
        }
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
    own = org.path.startswith(venue.org.path)
    status = BookingStatus.APPROVED if own or venue.auto_approve else BookingStatus.PENDING
    slots = []
    t = starts_at
    while t < ends_at:
        slots.append(t)
        t += SLOT
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                venue=venue,
                org=org,
                booked_by=actor,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose[:200],
                status=status,
            )
            BookingSlot.objects.bulk_create(
                [BookingSlot(booking=booking, venue=venue, starts_at=s) for s in slots]
            )
    except IntegrityError:
        raise Conflict("slot_taken", _("这个时段已经被预订了，请换一个时间")) from None
    log_action(booking, "activities.booking.created", actor, {"status": status}, org=venue.org)
    if status == BookingStatus.PENDING:
        notify_many(
            holders_over(venue.org, STAFF_ROLES).values_list("pk", flat=True),
            Message(_l("场地预约待批准：%(v)s"), v=venue.name),
            f"{org.name} {local_start:%m-%d %H:%M}–{local_end:%H:%M} {purpose}",
            "/staff/venues/",
        )
    return booking


@transaction.atomic
def booking_decide(*, actor, booking: Booking, approve: bool, reason: str = "") -> Booking:
    """The owner approves or refuses; a refused booking frees its slots."""
    ensure_role_over(actor, booking.venue.org)
    if booking.status != BookingStatus.PENDING:
        raise Conflict("not_pending", _("该预约已处理"))
    if not approve and not reason.strip():
        raise DomainError("invalid", _("请说明原因"), fields={"reason": _("不能为空")})
    booking.status = BookingStatus.APPROVED if approve else BookingStatus.REJECTED
    booking.decided_by, booking.reason = actor, reason.strip()[:200]
    booking.save(update_fields=["status", "decided_by", "reason"])
    if not approve:
        booking.slots.all().delete()
    log_action(
        booking, f"activities.booking.{'approved' if approve else 'rejected'}", actor, org=booking.venue.org
    )
    notify(
        booking.booked_by,
        Message(
            _l("场地预约已批准：%(v)s") if approve else _l("场地预约未批准：%(v)s"), v=booking.venue.name
        ),
        booking.reason,
        "/staff/venues/",
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: Booking) -> None:
    if not (has_role_over(actor, booking.org) or has_role_over(actor, booking.venue.org)):
        raise NotFound()
    if booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED):
        return
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    booking.slots.all().delete()
    log_action(booking, "activities.booking.cancelled", actor, org=booking.venue.org)


# -- discounts ---------------------------------------------------------------------------------


def discount_save(*, actor, org: Org, data: dict, discount: Discount | None = None) -> Discount:
    ensure_role_over(actor, discount.org if discount else org)
    errors: dict[str, str] = {}
    fields = {
        "merchant": _text(data, "merchant", errors, limit=100),
        "title": _text(data, "title", errors, limit=TITLE_MAX),
        "description": _text(data, "description", errors, limit=2000, required=False),
        "address": _text(data, "address", errors, limit=200, required=False),
        "phone": _text(data, "phone", errors, limit=30, required=False),
        "category": data.get("category") or "",
    }
    if fields["category"] not in DiscountCategory.values:
        errors["category"] = _("没有这个类别")
    dates = {}
    for key in ("valid_from", "valid_until"):
        value = data.get(key)
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            errors[key] = _("日期格式应为 2024-03-01")
        elif reason := day_error(value):
            errors[key] = reason
        dates[key] = value
    if not errors and dates["valid_until"] < dates["valid_from"]:
        errors["valid_until"] = _("截止日期不能早于开始日期")
    if errors:
        raise DomainError("invalid", _("请检查标出的内容"), fields=errors)
    discount = discount or Discount(org=org)
    for name, value in {**fields, **dates}.items():
        setattr(discount, name, value)
    discount.save()
    log_action(discount, "activities.discount.saved", actor)
    return discount
