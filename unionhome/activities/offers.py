"""Limited offers (C2): first come or by lottery, the waiting list, places given back.

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
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import rows
from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.notifications import Message, notify, notify_many
from unionhome.core.scoping import by_rule, ensure_role_over, held
from unionhome.members.audience import audience_includes, clean_audience
from unionhome.members.identity import Identity, member_identity
from unionhome.members.models import Member

from .models import (
    ACTIVE_CLAIM,
    Offer,
    OfferClaim,
    OfferClaimStatus,
    OfferMode,
)
from .services import _code, _member_of, _reaches, local_time

# -- offers ------------------------------------------------------------------------------------


def offer_create(
    *,
    actor,
    org: Org,
    title: str,
    quantity: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    description: str = "",
    mode: str = OfferMode.FIRST_COME,
    per_member: int = 1,
    audience: dict | None = None,
) -> Offer:
    ensure_role_over(actor, org)
    errors: dict[str, str] = {}
    if closes_at <= opens_at:
        errors["closes_at"] = _("结束时间应晚于开始时间")
    if mode == OfferMode.LOTTERY and per_member != 1:
        errors["per_member"] = _("抽签每人只能中一个名额")
    refuse(errors)
    audience = clean_audience(org, audience)
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
        holders = Counter(offer.claims.filter(ACTIVE_CLAIM).values_list("member_id", flat=True))
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
    offers = by_rule(Offer.objects, "an offer by number: a claim then checks it reaches the member")
    offer = offers.select_related("org").filter(pk=pk).first()
    if offer is None:
        raise NotFound()
    if len(_offers) > 1000:
        _offers.clear()
    _offers[pk] = (time.monotonic(), offer)
    return offer


def _held_slots(offer_id: int, member_id: int) -> list[int]:
    sql = f"SELECT slot FROM {OfferClaim._meta.db_table} WHERE offer_id = %s AND member_id = %s AND status IN (%s, %s, %s)"  # noqa: S608 — table name from the model
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [offer_id, member_id, OfferClaimStatus.WON, OfferClaimStatus.ENTERED, OfferClaimStatus.WAITING],
        )
        return [row[0] for row in cursor.fetchall()]


def offer_claim(
    *, offer: Offer, user=None, who: Identity | None = None, now: dt.datetime | None = None
) -> OfferClaim:
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
        raise Conflict("not_open", _("还没开始，请 %(t)s 再来") % {"t": local_time(offer.opens_at)})
    if now >= offer.closes_at:
        raise Conflict("closed", _("已经结束了"))
    if offer.mode == OfferMode.LOTTERY:
        if _held_slots(offer.pk, who.member_id):
            raise Conflict("already_claimed", _("您已经报名抽签了"))
        return _insert_claim(offer, who.member_id, 1, OfferClaimStatus.ENTERED)
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


def _take_place(offer: Offer, member_id: int, slot: int, now: dt.datetime) -> OfferClaim | None:
    """The member's row and one place off the count, both or neither; None when no place is
    left. The unique constraint refuses a slot the member already holds (`already_claimed`)."""
    for _attempt in range(3):
        row = OfferClaim(
            offer=offer,
            member_id=member_id,
            slot=slot,
            status=OfferClaimStatus.WON,
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


def _take_place_in_transaction(row: OfferClaim) -> OfferClaim | None:
    """`update` and `lock`: the member's row first, the place last, in one transaction, so the
    offer row is locked only from the count's UPDATE to the commit."""
    with transaction.atomic():
        row.save(force_insert=True)
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
        f" INSERT INTO {OfferClaim._meta.db_table} (offer_id, member_id, slot, status, short_code, created_at, won_at)"
        " SELECT id, %s, %s, %s, %s, %s, %s FROM took RETURNING id"
    )


def _take_place_in_one_statement(row: OfferClaim) -> OfferClaim | None:
    params = [row.offer_id, row.member_id, row.slot, row.status, row.short_code, row.created_at, row.won_at]
    with rows.alone():
        found = rows.fetch_one(_claim_sql(), params)
    if found is None:
        return None
    row.pk = found[0]
    return rows.saved(row)


def _insert_claim(offer: Offer, member_id: int, slot: int, status: str) -> OfferClaim:
    try:
        with transaction.atomic():
            return OfferClaim.objects.create(
                offer=offer, member_id=member_id, slot=slot, status=status, short_code=_code()
            )
    except IntegrityError:
        raise Conflict("already_claimed", _("您已经报名了")) from None


def _waiting_claims(offer_id: int):
    return (
        by_rule(OfferClaim.objects, "the waiting list of an offer in hand")
        .filter(offer_id=offer_id, status=OfferClaimStatus.WAITING)
        .order_by(F("position").asc(nulls_last=True), "pk")
    )


def _before(row: OfferClaim):
    if row.position is not None:
        return Q(position__lt=row.position) | Q(position=row.position, pk__lt=row.pk)
    return Q(position__isnull=False) | Q(position__isnull=True, pk__lt=row.pk)


def waiting_position(row: OfferClaim) -> int | None:
    """A claim's place on its offer's waiting list: 1 for the first in line."""
    if row.status != OfferClaimStatus.WAITING:
        return None
    return _waiting_claims(row.offer_id).filter(_before(row)).count() + 1


def waitlist_join(*, user, offer: Offer, now: dt.datetime | None = None) -> OfferClaim:
    """After a first-come offer sold out, queue for a place someone gives back."""
    now = now or timezone.now()
    member = _member_of(user)
    if not _reaches(offer.org, offer.audience, member):
        raise NotFound()
    if offer.mode != OfferMode.FIRST_COME or offer_status(offer, now) != "sold_out":
        raise Conflict("not_sold_out", _("还有名额，可以直接领取") if offer.remaining else _("现在不能排队"))
    if offer.claims.filter(ACTIVE_CLAIM, member=member).exists():
        raise Conflict("already_claimed", _("您已经领到或在排队了"))
    return _insert_claim(offer, member.pk, 1, OfferClaimStatus.WAITING)


@transaction.atomic
def claim_give_up(*, actor, claim_row: OfferClaim, release: bool = False) -> None:
    """The member gives a place back (or, `release`, staff free a place never picked up): it
    goes to the first in the waiting list, else back to the count."""
    offer = held(Offer, claim_row.offer_id).select_for_update().get()
    row = held(claim_row).select_for_update().get()
    if release:
        ensure_role_over(actor, offer.org)
        if row.status != OfferClaimStatus.WON or row.checked_in_at:
            raise Conflict("not_releasable", _("只能释放未核销的名额"))
    if row.status not in (OfferClaimStatus.WON, OfferClaimStatus.ENTERED, OfferClaimStatus.WAITING):
        return
    was = row.status
    row.status = OfferClaimStatus.RELEASED if release else OfferClaimStatus.CANCELLED
    row.save(update_fields=["status"])
    log_action(
        row, f"activities.claim.{'released' if release else 'cancelled'}", actor, {"was": was}, org=offer.org
    )
    if was != OfferClaimStatus.WON:
        return
    nxt = _waiting_claims(offer.pk).select_for_update().first()
    if nxt is None:
        held(offer).update(remaining=F("remaining") + 1)
        return
    nxt.status = OfferClaimStatus.WON
    nxt.won_at = timezone.now()
    nxt.save(update_fields=["status", "won_at"])
    if nxt.member.user_id:
        notify(
            nxt.member.user,
            Message(_l("候补成功：%(t)s"), t=offer.title),
            _l("有名额空出，已经转给您了，请到“我的票券”查看。"),
            "/tickets/",
        )


def lottery_pick(entrants: list[int], places: int, seed: str) -> tuple[list[int], list[int]]:
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
    offer = held(offer).select_for_update().get()
    if actor is not None:
        ensure_role_over(actor, offer.org)
    if offer.mode != OfferMode.LOTTERY:
        raise Conflict("not_lottery", _("这不是抽签活动"))
    if offer.drawn_at:
        return {"drawn": False}
    if now < offer.closes_at:
        raise Conflict("not_closed", _("报名还没结束，不能抽签"))
    seed = seed or secrets.token_hex(16)
    entries = dict(offer.claims.filter(status=OfferClaimStatus.ENTERED).values_list("member_id", "pk"))
    winners, waiting = lottery_pick(list(entries), offer.quantity, seed)
    offer.claims.filter(pk__in=[entries[m] for m in winners]).update(status=OfferClaimStatus.WON, won_at=now)
    rows = offer.claims.in_bulk([entries[m] for m in waiting])
    for position, member_id in enumerate(waiting, start=1):
        row = rows[entries[member_id]]
        row.status, row.position = OfferClaimStatus.WAITING, position
    offer.claims.bulk_update(rows.values(), ["status", "position"], batch_size=1000)
    offer.seed, offer.drawn_at, offer.remaining = seed, now, offer.quantity - len(winners)
    offer.save(update_fields=["seed", "drawn_at", "remaining"])
    entrant_digest = hashlib.sha256(",".join(map(str, sorted(entries))).encode()).hexdigest()
    log_action(
        offer,
        "activities.offer.drawn",
        actor,
        {"seed": seed, "entrants": len(entries), "entrants_sha256": entrant_digest, "winners": winners},
    )
    entrants = by_rule(Member.objects, "the entrants of the offer in hand")
    users = dict(entrants.filter(pk__in=list(entries)).values_list("pk", "user_id"))
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
