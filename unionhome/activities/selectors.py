"""Reads: what a member may see and join, what staff manage, a member's tickets."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from unionhome.core.errors import NotFound
from unionhome.core.scoping import by_rule, own, require_staff, role_paths, scope
from unionhome.members.audience import audience_includes
from unionhome.members.models import Member
from unionhome.members.selectors import published_to

from .models import Activity, Booking, BookingStatus, Discount, Offer, OfferClaim, Signup, Venue


def _member(user) -> Member | None:
    return own(Member.objects.select_related("org"), user, field="user").first()


def _reaching(qs: QuerySet, user, member: Member | None) -> list:
    """Rows of the member's union and the unions above it whose audience includes the member:
    one query for the rows, one per distinct non-empty audience."""
    if member is None:
        return []
    rows = list(published_to(qs, user, member.org.path).select_related("org"))
    verdict: dict[tuple, bool] = {}
    out = []
    for row in rows:
        if not row.audience:
            out.append(row)
            continue
        key = (row.org_id, repr(sorted(row.audience.items())))
        if key not in verdict:
            verdict[key] = audience_includes(
                row.org, row.audience, member_id=member.pk, org_path=member.org.path
            )
        if verdict[key]:
            out.append(row)
    return out


def activities_for(user, *, past: bool = False) -> list[Activity]:
    now = timezone.now()
    qs = Activity.objects.filter(cancelled=False)
    qs = qs.filter(ends_at__lt=now).order_by("-starts_at") if past else qs.filter(ends_at__gte=now)
    return _reaching(qs, user, _member(user))[:100]


def activity_get(user, pk: int) -> Activity:
    """An activity the member may see (cancelled ones too, so a link in a notice still opens)."""
    member = _member(user)
    found = _reaching(Activity.objects.filter(pk=pk), user, member)
    if not found:
        raise NotFound()
    return found[0]


def offers_for(user) -> list[Offer]:
    now = timezone.now()
    qs = Offer.objects.filter(closes_at__gte=now - timezone.timedelta(days=7)).order_by("opens_at")
    return _reaching(qs, user, _member(user))[:100]


def offer_get(user, pk: int) -> Offer:
    found = _reaching(Offer.objects.filter(pk=pk), user, _member(user))
    if not found:
        raise NotFound()
    return found[0]


def my_signup(user, activity: Activity) -> Signup | None:
    return (
        own(Signup.objects, user, field="member__user")
        .filter(activity=activity, status__in=["confirmed", "waiting"])
        .order_by("-pk")
        .first()
    )


def my_claims(user, offer: Offer) -> list[OfferClaim]:
    return list(
        own(OfferClaim.objects, user, field="member__user")
        .filter(offer=offer)
        .exclude(status="cancelled")
        .order_by("pk")
    )


def tickets_of(user) -> dict:
    """A member's sign-ups and places, current first."""
    signups = (
        own(Signup.objects, user, field="member__user")
        .exclude(status="cancelled")
        .select_related("activity")
        .order_by("-activity__starts_at")
    )
    claims = (
        own(OfferClaim.objects, user, field="member__user")
        .exclude(status="cancelled")
        .select_related("offer")
    )
    return {"signups": list(signups[:50]), "claims": list(claims.order_by("-pk")[:50])}


def own_signup(user, pk: int) -> Signup:
    row = (
        own(Signup.objects, user, field="member__user")
        .select_related("activity__org", "member")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def own_claim(user, pk: int) -> OfferClaim:
    row = (
        own(OfferClaim.objects, user, field="member__user")
        .select_related("offer__org", "member")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


# -- staff -------------------------------------------------------------------------------------


def activities_managed(user) -> QuerySet[Activity]:
    require_staff(user)
    return scope(Activity.objects.select_related("org"), user).order_by("-starts_at")


def activity_managed(user, pk: int) -> Activity:
    require_staff(user)
    row = scope(Activity.objects.select_related("org"), user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def offers_managed(user) -> QuerySet[Offer]:
    require_staff(user)
    return scope(Offer.objects.select_related("org"), user).order_by("-opens_at")


def offer_managed(user, pk: int) -> Offer:
    require_staff(user)
    row = scope(Offer.objects.select_related("org"), user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def claim_managed(user, pk: int) -> OfferClaim:
    row = (
        scope(OfferClaim.objects.select_related("offer__org", "member"), user, field="offer__org")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def attendance(activity: Activity) -> QuerySet[Signup]:
    return activity.signups.select_related("member", "member__site").order_by("status", "pk")


def venues_for(user) -> list[Venue]:
    """Venues the caller's unions may book: their own, and those shared under an org above them."""
    require_staff(user)
    venues = by_rule(Venue.objects, "the caller's unions' venues and those shared under a union over them")
    venues = venues.filter(active=True).select_related("org", "shared_under")
    if user.is_superuser:
        return list(venues)
    q = Q(pk__in=[])
    for path in role_paths(user):
        q |= Q(org__path__startswith=path)
        ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
        q |= Q(shared_under__path__in=ancestors) | Q(shared_under__path__startswith=path)
    return list(venues.filter(q).distinct())


def venue_get(user, pk: int) -> Venue:
    for venue in venues_for(user):
        if venue.pk == pk:
            return venue
    raise NotFound()


def venue_bookings(venue: Venue, start, end) -> QuerySet[Booking]:
    return (
        venue.bookings.filter(
            starts_at__lt=end, ends_at__gt=start, status__in=[BookingStatus.PENDING, BookingStatus.APPROVED]
        )
        .select_related("org")
        .order_by("starts_at")
    )


def booking_managed(user, pk: int) -> Booking:
    """A booking its owner venue's staff or the booking union's staff may act on."""
    require_staff(user)
    row = (
        (
            scope(Booking.objects.select_related("venue__org", "org", "booked_by"), user, field="venue__org")
            | scope(Booking.objects.select_related("venue__org", "org", "booked_by"), user, field="org")
        )
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def bookings_to_decide(user) -> QuerySet[Booking]:
    return scope(Booking.objects.select_related("venue", "org"), user, field="venue__org").filter(
        status=BookingStatus.PENDING
    )


def discounts_for(user, category: str = "") -> QuerySet[Discount]:
    today = timezone.localdate()
    member = _member(user)
    path = member.org.path if member else None
    qs = published_to(Discount.objects, user, path).filter(valid_from__lte=today, valid_until__gte=today)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("org")


def discounts_managed(user) -> QuerySet[Discount]:
    require_staff(user)
    return scope(Discount.objects.select_related("org"), user).order_by("-valid_until")
