"""Activities, waiting lists, offers, the lottery, check-in, venues and discounts at the service
layer; the database constraints behind the no-oversell rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from unionhome.activities import discounts, offers, services, tickets, venues
from unionhome.activities.models import (
    Activity,
    Booking,
    BookingStatus,
    Offer,
    OfferClaim,
    OfferClaimStatus,
    Signup,
    SignupStatus,
)
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import AuditLog, Notification

from ..factories import MemberFactory, UserFactory
from .conftest import soon

pytestmark = pytest.mark.django_db


def new_member(org, n, **kw):
    user = UserFactory(username=f"m{n}")
    MemberFactory(org=org, user=user, **kw)
    return user


# -- activities --------------------------------------------------------------------------------


def test_signup_fills_then_waits_and_cancellation_moves_the_first_in(personas, make_activity):
    activity = make_activity(capacity=1)
    first = services.signup_create(user=personas.member_user, activity=activity)
    second = services.signup_create(user=personas.other_user, activity=activity)
    third_user = new_member(personas.tree.union, 3)
    third = services.signup_create(user=third_user, activity=activity)
    assert (first.status, second.status, third.status) == ("confirmed", "waiting", "waiting")
    assert services.waiting_position(second) == 1 and services.waiting_position(third) == 2
    activity.refresh_from_db()
    assert activity.remaining == 0

    services.signup_cancel(user=personas.member_user, signup_row=first)
    second.refresh_from_db()
    third.refresh_from_db()
    activity.refresh_from_db()
    assert second.status == SignupStatus.CONFIRMED and second.confirmed_at is not None
    assert services.waiting_position(third) == 1
    assert activity.remaining == 0
    note = Notification.objects.get(user=personas.other_user)
    assert "候补成功" in note.title and note.url == "/tickets/"


def test_signup_refusals(personas, make_activity):
    activity = make_activity(capacity=5)
    services.signup_create(user=personas.member_user, activity=activity)
    with pytest.raises(Conflict) as exc:
        services.signup_create(user=personas.member_user, activity=activity)
    assert exc.value.code == "duplicate"
    with pytest.raises(Conflict) as exc:
        services.signup_create(user=personas.other_user, activity=activity, now=activity.signup_closes_at)
    assert exc.value.code == "closed"
    # Staff with no membership, and members of another union, cannot take a place.
    with pytest.raises(DomainError) as exc:
        services.signup_create(user=personas.staff, activity=activity)
    assert exc.value.code == "not_member"
    outsider = new_member(personas.tree.other_union, 9)
    with pytest.raises(NotFound):
        services.signup_create(user=outsider, activity=activity)


def test_audience_limits_who_may_sign_up(personas, make_activity):
    activity = make_activity(audience={"sites": [personas.tree.site.pk], "posts": ["security"]})
    personas.member.post = "security"
    personas.member.save()
    assert services.signup_create(user=personas.member_user, activity=activity).status == "confirmed"
    with pytest.raises(NotFound):  # same union, same site, but a cleaner
        services.signup_create(user=personas.other_user, activity=activity)


def test_capacity_rules_and_growth_lets_waiting_members_in(personas, make_activity):
    activity = make_activity(capacity=1)
    services.signup_create(user=personas.member_user, activity=activity)
    waiting = services.signup_create(user=personas.other_user, activity=activity)
    data = {
        "title": activity.title,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "place": activity.place,
    }
    with pytest.raises(DomainError) as exc:
        services.activity_save(actor=personas.staff, org=activity.org, activity=activity, **data, capacity=0)
    assert "capacity" in exc.value.fields
    services.activity_save(actor=personas.staff, org=activity.org, activity=activity, **data, capacity=2)
    waiting.refresh_from_db()
    activity.refresh_from_db()
    assert waiting.status == "confirmed" and activity.remaining == 0


def test_the_activity_service_keeps_the_rules_that_span_fields(personas):
    """Each field's own limits are the form's and the schema's (test_limits.py); the service
    keeps what no single field can tell."""
    with pytest.raises(DomainError) as exc:
        services.activity_save(
            actor=personas.staff,
            org=personas.tree.union,
            title="运动会",
            starts_at=soon(5),
            ends_at=soon(4),
            signup_closes_at=soon(6),
            online_url="ftp://example.org/x",
            capacity=3,
        )
    assert set(exc.value.fields) == {"ends_at", "signup_closes_at", "online_url"}
    with pytest.raises(DomainError) as exc:
        services.activity_save(
            actor=personas.staff,
            org=personas.tree.union,
            title="运动会",
            starts_at=soon(5),
            ends_at=soon(6),
            capacity=3,
        )
    assert set(exc.value.fields) == {"place"}  # neither a place nor a link
    with pytest.raises(NotFound):  # another union's staff
        services.activity_save(
            actor=personas.staff_other,
            org=personas.tree.union,
            title="x",
            starts_at=soon(5),
            ends_at=soon(6),
            capacity=3,
            place="x",
        )


def test_database_refuses_negative_places_and_second_active_signup(personas, make_activity):
    activity = make_activity(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(remaining=-1)
    services.signup_create(user=personas.member_user, activity=activity)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signup.objects.create(activity=activity, member=personas.member, status="waiting", short_code="1")


def test_feedback_after_the_event_only_for_participants(personas, make_activity):
    activity = make_activity(capacity=1)
    row = services.signup_create(user=personas.member_user, activity=activity)
    with pytest.raises(Conflict):
        services.signup_feedback(user=personas.member_user, signup_row=row, rating=5)
    Activity.objects.filter(pk=activity.pk).update(starts_at=soon(-3), ends_at=soon(-1))
    row.refresh_from_db()
    services.signup_feedback(user=personas.member_user, signup_row=row, rating=4, text="很好")
    row.refresh_from_db()
    assert (row.rating, row.feedback) == (4, "很好")


def test_cancelling_an_activity_tells_everyone(personas, make_activity):
    activity = make_activity(capacity=1)
    services.signup_create(user=personas.member_user, activity=activity)
    services.signup_create(user=personas.other_user, activity=activity)
    services.activity_cancel(actor=personas.staff, activity=activity, reason="台风预警")
    assert Notification.objects.filter(title__contains="活动取消").count() == 2


# -- offers ------------------------------------------------------------------------------------


def test_first_come_claims_until_sold_out_then_waitlist(personas, make_offer):
    offer = make_offer(quantity=1)
    row = offers.offer_claim(user=personas.member_user, offer=offer)
    assert row.status == OfferClaimStatus.WON and len(row.short_code) == 10
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.member_user, offer=offer)
    assert exc.value.code == "already_claimed"
    offer.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.other_user, offer=offer)
    assert exc.value.code == "sold_out"
    # Now answered from the process's sold-out memo: the winner still hears "already claimed".
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.member_user, offer=offer)
    assert exc.value.code == "already_claimed"
    waiting = offers.waitlist_join(user=personas.other_user, offer=offer)
    assert offers.waiting_position(waiting) == 1
    # The winner gives the place back: it goes to the waiting member, not back to the burst.
    offers.claim_give_up(actor=personas.member_user, claim_row=row)
    waiting.refresh_from_db()
    offer.refresh_from_db()
    assert waiting.status == OfferClaimStatus.WON and offer.remaining == 0
    assert Notification.objects.filter(user=personas.other_user, title__contains="候补成功").exists()


def test_offer_window_and_per_member_limit(personas, make_offer):
    offer = make_offer(quantity=5, per_member=2, opens_at=soon(1), closes_at=soon(2))
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.member_user, offer=offer)
    assert exc.value.code == "not_open"
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.member_user, offer=offer, now=soon(3))
    assert exc.value.code == "closed"
    rows = [offers.offer_claim(user=personas.member_user, offer=offer, now=soon(1.5)) for _ in range(2)]
    assert sorted(r.slot for r in rows) == [1, 2]
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.member_user, offer=offer, now=soon(1.5))
    assert exc.value.code == "already_claimed"
    offer.refresh_from_db()
    assert offer.remaining == 3


@pytest.mark.parametrize("strategy", ["statement", "update", "lock"])
def test_every_strategy_sells_each_place_once(personas, make_offer, settings, strategy):
    settings.OFFER_CLAIM_STRATEGY = strategy
    offer = make_offer(quantity=1)
    with CaptureQueriesContext(connection) as seen:
        row = offers.offer_claim(user=personas.member_user, offer=offer)
    assert row.pk and OfferClaim.objects.get(pk=row.pk).member == personas.member
    (taking,) = [q["sql"] for q in seen if "remaining - 1" in q["sql"]]
    # PostgreSQL takes the place and writes the row in one statement; SQLite cannot.
    assert taking.startswith("WITH") == (strategy == "statement" and connection.vendor == "postgresql")
    # Pressed again while the offer is not yet known sold out here: the unique constraint says
    # no, and the place it would have taken is not lost.
    offers.forget_cached_offers()
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.member_user, offer=offer)
    assert exc.value.code == "already_claimed"
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.other_user, offer=offer)
    assert exc.value.code == "sold_out"
    # A holder asking after the count ran out still hears "already claimed".
    offers.forget_cached_offers()
    with pytest.raises(Conflict) as exc:
        offers.offer_claim(user=personas.member_user, offer=offer)
    assert exc.value.code == "already_claimed"
    assert OfferClaim.objects.filter(offer=offer).count() == 1
    assert Offer.objects.get(pk=offer.pk).remaining == 0


@pytest.mark.parametrize("strategy", ["statement", "update"])
def test_a_refused_duplicate_gives_its_place_back(personas, make_offer, settings, strategy):
    settings.OFFER_CLAIM_STRATEGY = strategy
    offer = make_offer(quantity=3)
    offers.offer_claim(user=personas.member_user, offer=offer)
    with pytest.raises(Conflict):
        offers.offer_claim(user=personas.member_user, offer=offer)
    # The enclosing transaction (the test's) is still usable, and only one place is gone.
    assert Offer.objects.get(pk=offer.pk).remaining == 2


def test_a_ticket_code_drawn_twice_is_drawn_again(personas, make_offer, monkeypatch):
    offer = make_offer(quantity=2)
    codes = iter(["1111111111", "1111111111", "2222222222"])
    monkeypatch.setattr(offers, "_code", lambda: next(codes))
    first = offers.offer_claim(user=personas.member_user, offer=offer)
    second = offers.offer_claim(user=personas.other_user, offer=offer)
    assert (first.short_code, second.short_code) == ("1111111111", "2222222222")
    assert Offer.objects.get(pk=offer.pk).remaining == 0


def test_the_offer_service_keeps_the_rules_that_span_fields(personas):
    with pytest.raises(DomainError) as exc:
        offers.offer_create(
            actor=personas.staff,
            org=personas.tree.union,
            title="x",
            quantity=5,
            opens_at=soon(2),
            closes_at=soon(1),
            mode="lottery",
            per_member=2,
        )
    assert set(exc.value.fields) == {"closes_at", "per_member"}


def test_database_refuses_oversale(personas, make_offer):
    offer = make_offer(quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(remaining=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(remaining=2)
    offers.offer_claim(user=personas.member_user, offer=offer)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferClaim.objects.create(offer=offer, member=personas.member, status="won", short_code="2")


# -- the lottery -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    entrants=st.lists(st.integers(min_value=1, max_value=10**6), unique=True, max_size=60),
    places=st.integers(min_value=0, max_value=80),
    seed=st.text(max_size=20),
)
def test_draw_is_reproducible_and_everyone_wins_once_or_waits(entrants, places, seed):
    winners, waiting = offers.lottery_pick(entrants, places, seed)
    assert (winners, waiting) == offers.lottery_pick(
        list(reversed(entrants)), places, seed
    )  # input order is irrelevant
    assert len(winners) == min(places, len(entrants))
    assert sorted(winners + waiting) == sorted(entrants)
    assert not set(winners) & set(waiting)


def test_draw_depends_on_the_seed():
    entrants = list(range(1, 101))
    assert offers.lottery_pick(entrants, 10, "a")[0] != offers.lottery_pick(entrants, 10, "b")[0]


def test_lottery_entry_draw_and_waiting_list(personas, make_offer):
    offer = make_offer(quantity=1, mode="lottery")
    users = [personas.member_user, personas.other_user] + [
        new_member(personas.tree.union, n) for n in range(3)
    ]
    entries = [offers.offer_claim(user=u, offer=offer) for u in users]
    assert {e.status for e in entries} == {"entered"}
    with pytest.raises(Conflict):
        offers.offer_claim(user=users[0], offer=offer)
    with pytest.raises(Conflict) as exc:
        offers.lottery_draw(offer=offer, actor=personas.staff)
    assert exc.value.code == "not_closed"
    Offer.objects.filter(pk=offer.pk).update(closes_at=soon(-0.1))
    offer.refresh_from_db()
    result = offers.lottery_draw(offer=offer, actor=personas.staff, seed="2026-公证")
    assert result == {"drawn": True, "seed": "2026-公证", "winners": 1, "waiting": 4}
    assert offers.lottery_draw(offer=offer, actor=personas.staff) == {"drawn": False}
    rows = list(OfferClaim.objects.filter(offer=offer))
    assert sum(r.status == "won" for r in rows) == 1
    assert sorted(r.position for r in rows if r.status == "waiting") == [1, 2, 3, 4]
    # Replaying the published draw gives the same winner.
    winner_member = next(r.member_id for r in rows if r.status == "won")
    assert offers.lottery_pick([r.member_id for r in rows], 1, "2026-公证")[0] == [winner_member]
    log = AuditLog.objects.get(action="activities.offer.drawn")
    assert log.data["seed"] == "2026-公证" and log.data["entrants"] == 5
    assert Notification.objects.filter(title__contains="恭喜中签").count() == 1
    assert Notification.objects.filter(title__contains="未中签").count() == 4
    # The winner gives up: the first of the waiting list gets the place.
    won = next(r for r in rows if r.status == "won")
    offers.claim_give_up(actor=won.member.user, claim_row=won)
    first = OfferClaim.objects.get(offer=offer, position=1)
    assert first.status == "won"


def test_periodic_job_draws_due_lotteries(personas, make_offer):
    offer = make_offer(quantity=1, mode="lottery")
    offers.offer_claim(user=personas.member_user, offer=offer)
    assert offers.draw_due_lotteries() == 0
    Offer.objects.filter(pk=offer.pk).update(closes_at=soon(-0.1))
    assert offers.draw_due_lotteries() == 1
    assert OfferClaim.objects.get(offer=offer).status == "won"


# -- tickets and check-in ----------------------------------------------------------------------


def test_checkin_by_token_then_already_checked_in(personas, make_activity):
    activity = make_activity()
    row = services.signup_create(user=personas.member_user, activity=activity)
    token = tickets.ticket_token(row)
    checked = tickets.ticket_checkin(actor=personas.staff, code=token)
    assert checked.checked_in_at is not None
    with pytest.raises(Conflict) as exc:
        tickets.ticket_checkin(actor=personas.staff, code=row.short_code)
    assert exc.value.code == "already_checked_in" and "checked_in_at" in exc.value.fields


def test_checkin_refuses_forged_foreign_and_waiting_tickets(personas, make_activity, make_offer):
    activity = make_activity(capacity=1)
    services.signup_create(user=personas.member_user, activity=activity)
    waiting = services.signup_create(user=personas.other_user, activity=activity)
    with pytest.raises(Conflict) as exc:
        tickets.ticket_checkin(actor=personas.staff, code=tickets.ticket_token(waiting))
    assert exc.value.code == "not_valid"
    with pytest.raises(NotFound):
        tickets.ticket_checkin(actor=personas.staff, code=tickets.ticket_token(waiting)[:-2] + "xx")
    with pytest.raises(NotFound):  # another union's staff cannot check our tickets in
        tickets.ticket_checkin(actor=personas.staff_other, code=waiting.short_code)
    claim = offers.offer_claim(user=personas.member_user, offer=make_offer())
    assert tickets.ticket_checkin(actor=personas.staff, code=tickets.ticket_token(claim)).pk == claim.pk


def test_release_unclaimed_place_goes_to_waiting_list(personas, make_offer):
    offer = make_offer(quantity=1)
    won = offers.offer_claim(user=personas.member_user, offer=offer)
    offer.refresh_from_db()
    waiting = offers.waitlist_join(user=personas.other_user, offer=offer)
    with pytest.raises(NotFound):
        offers.claim_give_up(actor=personas.staff_other, claim_row=won, release=True)
    offers.claim_give_up(actor=personas.staff, claim_row=won, release=True)
    won.refresh_from_db()
    waiting.refresh_from_db()
    assert won.status == OfferClaimStatus.RELEASED and waiting.status == OfferClaimStatus.WON


# -- venues ------------------------------------------------------------------------------------


@pytest.fixture
def venue(personas):
    return venues.venue_save(
        actor=personas.staff_other,
        org=personas.tree.other_union,
        name="洁美家政培训室",
        capacity=40,
        shared_under=personas.tree.street.pk,
    )


def at(day_offset: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=day_offset)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_shared_venue_booking_needs_owner_approval_and_slots_never_overlap(personas, venue):
    booking = venues.booking_create(
        actor=personas.staff,
        venue=venue,
        org=personas.tree.union,
        starts_at=at(2, 9),
        ends_at=at(2, 11),
        purpose="安全培训",
    )
    assert booking.status == BookingStatus.PENDING and booking.slots.count() == 4
    assert Notification.objects.filter(user=personas.staff_other, title__contains="待批准").exists()
    with pytest.raises(Conflict) as exc:
        venues.booking_create(
            actor=personas.staff_other,
            venue=venue,
            org=personas.tree.other_union,
            starts_at=at(2, 10, 30),
            ends_at=at(2, 12),
            purpose="例会",
        )
    assert exc.value.code == "slot_taken"
    # Back to back is fine.
    venues.booking_create(
        actor=personas.staff_other,
        venue=venue,
        org=personas.tree.other_union,
        starts_at=at(2, 11),
        ends_at=at(2, 12),
        purpose="例会",
    )
    with pytest.raises(NotFound):  # only the owner decides
        venues.booking_decide(actor=personas.staff, booking=booking, approve=True)
    with pytest.raises(DomainError):
        venues.booking_decide(actor=personas.staff_other, booking=booking, approve=False)
    venues.booking_decide(actor=personas.staff_other, booking=booking, approve=False, reason="设备检修")
    assert booking.slots.count() == 0
    again = venues.booking_create(
        actor=personas.staff,
        venue=venue,
        org=personas.tree.union,
        starts_at=at(2, 9),
        ends_at=at(2, 10),
        purpose="安全培训",
    )
    assert again.status == BookingStatus.PENDING


def test_booking_input_rules(personas, venue):
    def book(**kw):
        args = {"starts_at": at(2, 9), "ends_at": at(2, 10), "purpose": "培训", **kw}
        return venues.booking_create(actor=personas.staff, venue=venue, org=personas.tree.union, **args)

    for kw, field in (
        ({"starts_at": at(2, 9, 15)}, "starts_at"),
        ({"ends_at": at(2, 8)}, "ends_at"),
        ({"starts_at": at(-1, 9), "ends_at": at(-1, 10)}, "starts_at"),
        ({"starts_at": at(2, 6), "ends_at": at(2, 7)}, "starts_at"),
    ):
        with pytest.raises(DomainError) as exc:
            book(**kw)
        assert field in exc.value.fields, kw
    assert Booking.objects.count() == 0


def test_unshared_venue_is_invisible_to_other_unions(personas):
    own = venues.venue_save(actor=personas.staff_other, org=personas.tree.other_union, name="内部会议室")
    with pytest.raises(NotFound):
        venues.booking_create(
            actor=personas.staff,
            venue=own,
            org=personas.tree.union,
            starts_at=at(2, 9),
            ends_at=at(2, 10),
            purpose="x",
        )
    # Its owner's own bookings are approved at once.
    mine = venues.booking_create(
        actor=personas.staff_other,
        venue=own,
        org=personas.tree.other_union,
        starts_at=at(2, 9),
        ends_at=at(2, 10),
        purpose="x",
    )
    assert mine.status == BookingStatus.APPROVED


# -- discounts ---------------------------------------------------------------------------------


def test_discounts_listed_by_category_within_dates(personas):
    from unionhome.activities import selectors

    today = timezone.localdate()
    base = {"merchant": "惠民眼镜店", "category": "health"}
    discounts.discount_save(
        actor=personas.staff,
        org=personas.tree.union,
        **base,
        title="会员配镜八折",
        valid_from=today,
        valid_until=today,
    )
    discounts.discount_save(
        actor=personas.staff,
        org=personas.tree.union,
        **base,
        title="过期",
        valid_from=today - dt.timedelta(days=9),
        valid_until=today - dt.timedelta(days=1),
    )
    assert [d.title for d in selectors.discounts_for(personas.member_user)] == ["会员配镜八折"]
    assert list(selectors.discounts_for(personas.member_user, "dining")) == []
    with pytest.raises(DomainError) as exc:
        discounts.discount_save(
            actor=personas.staff,
            org=personas.tree.union,
            **base,
            title="会员配镜八折",
            valid_from=today,
            valid_until=today - dt.timedelta(days=1),
        )
    assert set(exc.value.fields) == {"valid_until"}
