"""Rate limits: how often one address, or one target (an account, a phone, an employee number),
may try something in a window.

Counts live in core.limits (Redis when configured, else a SQLite file of their own), so every
server process counts the same hits, each count is raised atomically, and it stands even when the
request's transaction rolls back. A limit is fixed-window: the first hit opens a window of
`window` seconds; hits past `limit` inside it are refused until it closes.

An address is counted by its network where one holder has many: an IPv6 address by its /64 (one
household or phone gets a whole /64), an IPv4 address as it is."""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.utils.translation import gettext as _

from . import limits
from .errors import DomainError


class Throttled(DomainError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(
            "throttled",
            _("操作太频繁，请 %(minutes)d 分钟后再试") % {"minutes": max(1, -(-retry_after // 60))},
        )
        self.retry_after = retry_after


def client_ip(request) -> str:
    """The address the request came from. X-Forwarded-For is believed only when settings say a
    proxy we run writes it (BEHIND_PROXY), and then only the entry our own proxies appended:
    anything to its left was written by the client and proves nothing."""
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 — a key, never bound
    if not settings.BEHIND_PROXY:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < settings.TRUSTED_PROXIES:
        return remote
    candidate = hops[-settings.TRUSTED_PROXIES]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_key(request) -> str:
    """What a limit per address counts: `client_ip`, an IPv6 address narrowed to its /64 (written
    as the /64's first address)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:a.b.c.d is an IPv4 client
        return str(parsed.ipv4_mapped)
    # The /64's first address: still an address, as django-axes stores it in an address column.
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)


def _key(scope: str, key: str) -> str:
    # Hashed: the store may be shared, and a target may be a phone number.
    return "t:" + scope + ":" + hashlib.sha256(str(key).encode()).hexdigest()[:32]


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the count in this window is within `limit`."""
    return limits.store().incr(_key(scope, key), window) <= limit


def count(scope: str, key: str) -> int:
    return limits.store().count(_key(scope, key))


def over(scope: str, key: str, *, limit: int) -> bool:
    """Whether the limit is already used up, without counting an attempt."""
    return count(scope, key) >= limit


def require(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt, or refuse it with a 429 that says when to come back."""
    if not hit(scope, key, limit=limit, window=window):
        raise Throttled(window)


def forget(scope: str, key: str) -> None:
    limits.store().forget(_key(scope, key))
