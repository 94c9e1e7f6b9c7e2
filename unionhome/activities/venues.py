"""Shared venues (C6): booked by half-hour slots, held in rows unique per venue and start."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.notifications import Message, notify, notify_many
from unionhome.core.scoping import STAFF_ROLES, ensure_role_over, has_role_over, holders_over
from unionhome.core.workflow import Workflow

from .models import (
    Booking,
    BookingSlot,
    BookingStatus,
    Venue,
)

SLOT = dt.timedelta(minutes=30)
BOOKING_MAX = dt.timedelta(hours=12)


# -- venues ------------------------------------------------------------------------------------


# A booking waits for the venue's union, which approves or refuses it; either side cancels one
# not yet refused. Each step is one conditional UPDATE (core.workflow): two decisions at once
# cannot both pass.
BOOKING_FLOW = Workflow(
    "activities.booking",
    {
        "approve": ({BookingStatus.PENDING}, BookingStatus.APPROVED),
        "reject": ({BookingStatus.PENDING}, BookingStatus.REJECTED),
        "cancel": ({BookingStatus.PENDING, BookingStatus.APPROVED}, BookingStatus.CANCELLED),
    },
)


def venue_save(
    *,
    actor,
    org: Org,
    name: str,
    address: str = "",
    description: str = "",
    capacity: int = 0,
    shared_under: int | None = None,
    auto_approve: bool = False,
    venue: Venue | None = None,
) -> Venue:
    """Add or edit a venue; `shared_under` (an org's id) lends it to every union under that org,
    which must be its own union or one above it."""
    owner = venue.org if venue else org
    ensure_role_over(actor, owner)
    sharing = None
    if shared_under:
        sharing = Org.objects.filter(pk=shared_under, path__in=owner.ancestor_paths()).first()
        if sharing is None:
            refuse({"shared_under": _("只能共享给本工会或其上级工会下的单位")})
    venue = venue or Venue(org=org)
    venue.name, venue.address, venue.description, venue.capacity = name, address, description, capacity
    venue.shared_under, venue.auto_approve = sharing, auto_approve
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
    if not approve and not reason.strip():
        raise DomainError("invalid", _("请说明原因"), fields={"reason": _("不能为空")})
    BOOKING_FLOW.apply(
        booking,
        "approve" if approve else "reject",
        actor=actor,
        note=reason.strip()[:200],
        action=f"activities.booking.{'approved' if approve else 'rejected'}",
        extra={"decided_by": actor, "reason": reason.strip()[:200]},
    )
    if not approve:
        booking.slots.all().delete()
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
    BOOKING_FLOW.apply(booking, "cancel", actor=actor, action="activities.booking.cancelled")
    booking.slots.all().delete()
