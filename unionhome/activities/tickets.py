"""Tickets and check-in (C3): a signed QR token and a typed code per place, scanned once."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import Conflict, NotFound
from unionhome.core.qr import qr_svg
from unionhome.core.scoping import held, scope

from . import offers, services
from .models import (
    OfferClaim,
    OfferClaimStatus,
    Signup,
    SignupStatus,
)
from .services import local_time

TOKEN_SALT = "unionhome.activities.ticket"


# -- tickets and check-in ----------------------------------------------------------------------


def waiting_position(row: Signup | OfferClaim) -> int | None:
    """A ticket's place on its waiting list, whichever kind it is."""
    if isinstance(row, Signup):
        return services.waiting_position(row)
    return offers.waiting_position(row)


def ticket_token(row: Signup | OfferClaim) -> str:
    """What the QR code holds: the record, signed so a forged code is refused without a lookup."""
    return signing.Signer(salt=TOKEN_SALT).sign(f"{row.kind[0]}{row.pk}")


def ticket_qr_svg(row: Signup | OfferClaim, title: str) -> str:
    return qr_svg(ticket_token(row), title=title)


def _find_ticket(actor, code: str) -> Signup | OfferClaim | None:
    """A ticket of an event under the actor's unions, by its short code or its QR token."""
    signups = scope(Signup.objects.select_related("activity__org", "member"), actor, field="activity__org")
    claims = scope(OfferClaim.objects.select_related("offer__org", "member"), actor, field="offer__org")
    code = (code or "").strip()
    if code.isdigit():
        return signups.filter(short_code=code).first() or claims.filter(short_code=code).first()
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(code)
    except signing.BadSignature:
        return None
    kind, pk = value[:1], value[1:]
    if not pk.isdigit():
        return None
    if kind == "s":
        return signups.filter(pk=pk).first()
    if kind == "c":
        return claims.filter(pk=pk).first()
    return None


def ticket_event(row: Signup | OfferClaim):
    return row.activity if isinstance(row, Signup) else row.offer


def ticket_checkin(*, actor, code: str, now: dt.datetime | None = None) -> Signup | OfferClaim:
    """Check a ticket in (staff of the organising union). A second scan is refused with the time
    of the first; a forged, unknown or other union's code is 404."""
    now = now or timezone.now()
    row = _find_ticket(actor, code)
    if row is None:
        raise NotFound(_("无效的票券码"))
    if row.status not in (SignupStatus.CONFIRMED, OfferClaimStatus.WON):
        raise Conflict("not_valid", _("该票券已取消或尚未生效（%(s)s）") % {"s": row.get_status_display()})
    if not held(row).filter(checked_in_at__isnull=True).update(checked_in_at=now, checked_in_by=actor):
        row.refresh_from_db(fields=["checked_in_at"])
        raise Conflict(
            "already_checked_in",
            _("已经签到过了（%(t)s）") % {"t": local_time(row.checked_in_at)},
            fields={"checked_in_at": timezone.localtime(row.checked_in_at).isoformat()},
        )
    row.checked_in_at, row.checked_in_by = now, actor
    return row
