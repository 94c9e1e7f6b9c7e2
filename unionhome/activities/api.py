"""Activities, offers, tickets, check-in, venues and discounts API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from unionhome.core import fastpath
from unionhome.core.api import ErrorOut, caller_identity, local_iso, staff_org
from unionhome.core.bounds import Day, Id, Moment
from unionhome.core.crypto import mask_name
from unionhome.core.errors import Conflict
from unionhome.core.fields import InSchema, schema_field
from unionhome.core.openapi import refuses
from unionhome.members.audience import AudienceIn
from unionhome.members.identity import member_identity

from . import discounts, offers, selectors, services, tickets, venues
from .models import Activity, Booking, Discount, DiscountCategory, Offer, OfferClaim, OfferMode, Signup, Venue

router = Router(tags=["activities"])


# -- activities --------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    org: str
    starts_at: str
    ends_at: str
    place: str
    online_url: str
    capacity: int
    remaining: int
    signup_closes_at: str
    cancelled: bool
    materials: str | None

    @staticmethod
    def resolve_org(a):
        return a.org.name

    @staticmethod
    def resolve_starts_at(a):
        return local_iso(a.starts_at)

    @staticmethod
    def resolve_ends_at(a):
        return local_iso(a.ends_at)

    @staticmethod
    def resolve_signup_closes_at(a):
        return local_iso(a.signup_closes_at)

    @staticmethod
    def resolve_materials(a):
        return f"/activities/{a.pk}/materials/" if a.materials else None


class ActivityIn(InSchema):
    title: str = schema_field(Activity, "title")
    description: str = schema_field(Activity, "description")
    starts_at: Moment
    ends_at: Moment
    signup_closes_at: Moment | None = None
    place: str = schema_field(Activity, "place")
    online_url: str = schema_field(Activity, "online_url")
    capacity: int = schema_field(Activity, "capacity")
    audience: AudienceIn = Field(default_factory=AudienceIn)
    org: Id | None = None


@router.get("/activities", response=list[ActivityOut])
def activity_list(request, past: bool = False):
    """Activities open to the caller (their union and the unions above, their audience)."""
    return selectors.activities_for(request.user, past=past)


@router.post("/activities", response={201: ActivityOut})
@refuses(404)
def activity_create(request, payload: ActivityIn):
    org = staff_org(request, payload.org)
    return Status(201, services.activity_save(actor=request.user, org=org, **payload.dict(exclude={"org"})))


@router.get("/activities/{activity_id}", response=ActivityOut)
def activity_get(request, activity_id: Id):
    return selectors.activity_get(request.user, activity_id)


class SignupOut(Schema):
    id: int
    status: str
    code: str
    waiting_position: int | None = None


def _signup_out(row: Signup) -> dict:
    return {
        "id": row.pk,
        "status": row.status,
        "code": tickets.ticket_token(row),
        "waiting_position": services.waiting_position(row),
    }


@router.post("/activities/{activity_id}/signups", response={201: SignupOut, 409: ErrorOut})
def signup_create(request, activity_id: Id):
    """我要报名. 201 with a ticket; 409 `full` (you are on the waiting list: `fields.id`,
    `fields.waiting_position`), `closed` or `duplicate`."""
    activity = selectors.activity_get(request.user, activity_id)
    row = services.signup_create(user=request.user, activity=activity)
    if row.status == "waiting":
        position = services.waiting_position(row)
        raise Conflict(
            "full",
            _("名额已满，您已进入候补，排第 %(n)s 位") % {"n": position},
            fields={"id": str(row.pk), "waiting_position": str(position)},
        )
    return Status(201, _signup_out(row))


@router.post("/signups/{signup_id}/cancel", response=SignupOut)
@refuses(409)
def signup_cancel(request, signup_id: Id):
    row = selectors.own_signup(request.user, signup_id)
    services.signup_cancel(user=request.user, signup_row=row)
    row.refresh_from_db()
    return _signup_out(row)


class SignupFeedbackIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    text: str = Field("", max_length=1000)


@router.post("/signups/{signup_id}/feedback")
@refuses(409)
def signup_feedback(request, signup_id: Id, payload: SignupFeedbackIn):
    row = selectors.own_signup(request.user, signup_id)
    services.signup_feedback(user=request.user, signup_row=row, rating=payload.rating, text=payload.text)
    return {"rating": payload.rating}


class AttendeeOut(Schema):
    id: int
    name: str
    site: str | None
    status: str
    checked_in_at: str | None
    rating: int | None

    @staticmethod
    def resolve_name(s):
        return s.member.name

    @staticmethod
    def resolve_site(s):
        return s.member.site.name if s.member.site_id else None

    @staticmethod
    def resolve_checked_in_at(s):
        return local_iso(s.checked_in_at)


@router.get("/activities/{activity_id}/attendance", response=list[AttendeeOut])
@refuses(403)
def attendance(request, activity_id: Id):
    """Staff: everyone signed up, waiting or cancelled, with check-in times and ratings."""
    return list(selectors.attendance(selectors.activity_managed(request.user, activity_id)))


# -- offers ------------------------------------------------------------------------------------


class OfferIn(InSchema):
    title: str = schema_field(Offer, "title")
    description: str = schema_field(Offer, "description")
    quantity: int = schema_field(Offer, "quantity")
    opens_at: Moment
    closes_at: Moment
    mode: Literal["first_come", "lottery"] = OfferMode.FIRST_COME
    per_member: int = schema_field(Offer, "per_member")
    audience: AudienceIn = Field(default_factory=AudienceIn)
    org: Id | None = None


class OfferOut(Schema):
    id: int
    title: str
    description: str
    org: str
    quantity: int
    remaining: int
    status: str
    mode: str
    per_member: int
    opens_at: str
    closes_at: str
    seed: str | None

    @staticmethod
    def resolve_org(o):
        return o.org.name

    @staticmethod
    def resolve_status(o):
        return offers.offer_status(o)

    @staticmethod
    def resolve_opens_at(o):
        return local_iso(o.opens_at)

    @staticmethod
    def resolve_closes_at(o):
        return local_iso(o.closes_at)

    @staticmethod
    def resolve_seed(o):
        return o.seed or None


@router.post("/offers", response={201: OfferOut})
@refuses(404)
def offer_create(request, payload: OfferIn):
    """Staff: a limited offer, first come or by lottery."""
    org = staff_org(request, payload.org)
    offer = offers.offer_create(actor=request.user, org=org, **payload.dict(exclude={"org"}))
    return Status(201, offer)


@router.get("/offers", response=list[OfferOut])
def offer_list(request):
    return selectors.offers_for(request.user)


@router.get("/offers/{offer_id}", response=OfferOut)
def offer_get(request, offer_id: Id):
    return selectors.offer_get(request.user, offer_id)


class OfferClaimOut(Schema):
    id: int
    code: str
    status: str


def _claim_out(row: OfferClaim) -> dict:
    return {"id": row.pk, "code": tickets.ticket_token(row), "status": row.status}


def _claim(who, offer_id: int) -> dict:
    return _claim_out(offers.offer_claim(offer=offers.offer_snapshot(offer_id), who=who))


@router.post("/offers/{offer_id}/claims", response={201: OfferClaimOut, 409: ErrorOut})
def claim_create(request, offer_id: Id):
    """Take a place (first come) or enter the draw (lottery). 409 `sold_out`,
    `already_claimed`, `not_open` or `closed`. With a bearer token, the WSGI server answers
    this before the framework (core.fastpath): an offer's opening second is a burst."""
    return Status(201, _claim(caller_identity(request) or member_identity(request.user.pk), offer_id))


@fastpath.route("POST", r"/api/v1/offers/(?P<offer_id>[0-9]{1,18})/claims")
def claim_create_fast(request, offer_id: str):
    return 201, _claim(request.identity, int(offer_id))


@router.post("/offers/{offer_id}/waitlist", response={201: OfferClaimOut, 409: ErrorOut})
def waitlist_join(request, offer_id: Id):
    """After a first-come offer sold out: queue for a place given back."""
    offer = selectors.offer_get(request.user, offer_id)
    return Status(201, _claim_out(offers.waitlist_join(user=request.user, offer=offer)))


class DrawIn(Schema):
    seed: str | None = Field(None, max_length=64, description="omit for a random seed")


@router.post("/offers/{offer_id}/draw")
@refuses(409)
def offer_draw(request, offer_id: Id, payload: DrawIn):
    """Staff: draw a closed lottery (the periodic job also draws due ones)."""
    offer = selectors.offer_managed(request.user, offer_id)
    return offers.lottery_draw(offer=offer, actor=request.user, seed=payload.seed)


@router.post("/offer-claims/{claim_id}/cancel", response=OfferClaimOut)
@refuses(409)
def claim_cancel(request, claim_id: Id):
    row = selectors.own_claim(request.user, claim_id)
    offers.claim_give_up(actor=request.user, claim_row=row)
    row.refresh_from_db()
    return _claim_out(row)


@router.post("/offer-claims/{claim_id}/release", response=OfferClaimOut)
@refuses(409)
def claim_release(request, claim_id: Id):
    """Staff: free a place that was never picked up; it goes to the waiting list."""
    row = selectors.claim_managed(request.user, claim_id)
    offers.claim_give_up(actor=request.user, claim_row=row, release=True)
    row.refresh_from_db()
    return _claim_out(row)


class TicketOut(Schema):
    id: int
    kind: Literal["signup", "claim"]
    title: str
    status: str
    starts_at: str | None
    code: str
    short_code: str
    checked_in_at: str | None
    waiting_position: int | None


def _ticket(row: Signup | OfferClaim) -> dict:
    event = tickets.ticket_event(row)
    return {
        "id": row.pk,
        "kind": row.kind,
        "title": event.title,
        "status": row.status,
        "starts_at": local_iso(getattr(event, "starts_at", None) or getattr(event, "opens_at", None)),
        "code": tickets.ticket_token(row),
        "short_code": row.short_code,
        "checked_in_at": local_iso(row.checked_in_at),
        "waiting_position": tickets.waiting_position(row),
    }


@router.get("/tickets", response=list[TicketOut])
def ticket_list(request):
    """The caller's sign-ups and places, each with its QR token and typed code."""
    mine = selectors.tickets_of(request.user)
    return [_ticket(r) for r in mine["signups"] + mine["claims"]]


class CheckinIn(Schema):
    token: str = Field(..., min_length=1, max_length=200, description="the QR token or the 10-digit code")


class CheckinOut(Schema):
    kind: str
    id: int
    title: str
    name: str
    checked_in_at: str


@router.post("/checkins", response={200: CheckinOut, 409: ErrorOut})
@refuses(404)
def checkin(request, payload: CheckinIn):
    """Staff: check a ticket in. 409 `already_checked_in` (with the time) on a second scan."""
    row = tickets.ticket_checkin(actor=request.user, code=payload.token)
    return {
        "kind": row.kind,
        "id": row.pk,
        "title": tickets.ticket_event(row).title,
        "name": mask_name(row.member.name),
        "checked_in_at": local_iso(row.checked_in_at),
    }


# -- venues ------------------------------------------------------------------------------------


class VenueIn(InSchema):
    name: str = schema_field(Venue, "name")
    address: str = schema_field(Venue, "address")
    capacity: int = schema_field(Venue, "capacity")
    description: str = schema_field(Venue, "description")
    shared_under: Id | None = Field(None, description="org id above the owner: every union under it may book")
    auto_approve: bool = False
    org: Id | None = None


class VenueOut(Schema):
    id: int
    name: str
    org: str
    address: str
    capacity: int
    shared_under: str | None
    auto_approve: bool
    opens: str
    closes: str

    @staticmethod
    def resolve_org(v):
        return v.org.name

    @staticmethod
    def resolve_shared_under(v):
        return v.shared_under.name if v.shared_under_id else None

    @staticmethod
    def resolve_opens(v):
        return v.opens.strftime("%H:%M") if hasattr(v.opens, "strftime") else str(v.opens)

    @staticmethod
    def resolve_closes(v):
        return v.closes.strftime("%H:%M") if hasattr(v.closes, "strftime") else str(v.closes)


@router.get("/venues", response=list[VenueOut])
@refuses(403)
def venue_list(request):
    """Staff: venues the caller's union may book (its own and those shared with it)."""
    return selectors.venues_for(request.user)


@router.post("/venues", response={201: VenueOut})
@refuses(404)
def venue_create(request, payload: VenueIn):
    org = staff_org(request, payload.org)
    return Status(201, venues.venue_save(actor=request.user, org=org, **payload.dict(exclude={"org"})))


class BookingIn(InSchema):
    starts_at: Moment
    ends_at: Moment
    purpose: str = schema_field(Booking, "purpose")
    org: Id | None = Field(None, description="the booking union; default the caller's")


class BookingOut(Schema):
    id: int
    venue: str
    org: str
    starts_at: str
    ends_at: str
    purpose: str
    status: str

    @staticmethod
    def resolve_venue(b):
        return b.venue.name

    @staticmethod
    def resolve_org(b):
        return b.org.name

    @staticmethod
    def resolve_starts_at(b):
        return local_iso(b.starts_at)

    @staticmethod
    def resolve_ends_at(b):
        return local_iso(b.ends_at)


@router.get("/venues/{venue_id}/bookings", response=list[BookingOut])
@refuses(403)
def venue_bookings(request, venue_id: Id, start: Day | None = None, days: int = Query(7, ge=1, le=62)):
    venue = selectors.venue_get(request.user, venue_id)
    first = timezone.make_aware(dt.datetime.combine(start or timezone.localdate(), dt.time()))
    return list(selectors.venue_bookings(venue, first, first + dt.timedelta(days=days)))


@router.post("/venues/{venue_id}/bookings", response={201: BookingOut, 409: ErrorOut})
def booking_create(request, venue_id: Id, payload: BookingIn):
    """Book half-hour slots; 409 `slot_taken` when any slot is held by another booking."""
    venue = selectors.venue_get(request.user, venue_id)
    org = staff_org(request, payload.org)
    booking = venues.booking_create(
        actor=request.user,
        venue=venue,
        org=org,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        purpose=payload.purpose,
    )
    return Status(201, booking)


class BookingDecisionIn(Schema):
    reason: str = Field("", max_length=200)


@router.post("/bookings/{booking_id}/approve", response=BookingOut)
@refuses(409)
def booking_approve(request, booking_id: Id):
    booking = selectors.booking_managed(request.user, booking_id)
    return venues.booking_decide(actor=request.user, booking=booking, approve=True)


@router.post("/bookings/{booking_id}/reject", response=BookingOut)
@refuses(409)
def booking_reject(request, booking_id: Id, payload: BookingDecisionIn):
    booking = selectors.booking_managed(request.user, booking_id)
    return venues.booking_decide(actor=request.user, booking=booking, approve=False, reason=payload.reason)


@router.post("/bookings/{booking_id}/cancel", response=BookingOut)
@refuses(409)
def booking_cancel(request, booking_id: Id):
    booking = selectors.booking_managed(request.user, booking_id)
    venues.booking_cancel(actor=request.user, booking=booking)
    booking.refresh_from_db()
    return booking


# -- discounts ---------------------------------------------------------------------------------

CategoryCode = Literal[tuple(DiscountCategory.values)]  # type: ignore[valid-type]


class DiscountIn(InSchema):
    merchant: str = schema_field(Discount, "merchant")
    category: CategoryCode  # type: ignore[valid-type]
    title: str = schema_field(Discount, "title")
    description: str = schema_field(Discount, "description")
    address: str = schema_field(Discount, "address")
    phone: str = schema_field(Discount, "phone")
    valid_from: Day
    valid_until: Day
    org: Id | None = None


class DiscountOut(Schema):
    id: int
    merchant: str
    category: str
    category_name: str
    title: str
    description: str
    address: str
    phone: str
    valid_from: dt.date
    valid_until: dt.date

    @staticmethod
    def resolve_category_name(d):
        return str(DiscountCategory(d.category).label)


@router.get("/discounts", response=list[DiscountOut])
def discount_list(request, category: CategoryCode | None = None):  # type: ignore[valid-type]
    """Member discounts valid today, by category."""
    return list(selectors.discounts_for(request.user, category or "")[:200])


@router.post("/discounts", response={201: DiscountOut})
@refuses(404)
def discount_create(request, payload: DiscountIn):
    org = staff_org(request, payload.org)
    return Status(201, discounts.discount_save(actor=request.user, org=org, **payload.dict(exclude={"org"})))
