"""Real concurrent requests against a live server (SQLite and PostgreSQL alike): a burst of
members for a few places, the last seat of an activity, one venue slot booked twice at once,
one member pressing the button many times. Exactly the places there are, never one member
twice, every request answered 201 or 409."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import secrets
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from unionhome.activities import tickets, venues
from unionhome.activities.models import Booking, BookingSlot, Offer, OfferClaim, Signup
from unionhome.core.auth import token_digest as _digest
from unionhome.core.models import ApiToken
from unionhome.members.identity import token_caller, token_identity
from unionhome.members.models import Member, MemberStatus

from .conftest import soon

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 32
# Django's own stack with the default strategy; the fast path with every strategy.
SERVERS_AND_STRATEGIES = [
    ("live_server", "statement"),
    ("fast_server", "statement"),
    ("fast_server", "update"),
    ("fast_server", "lock"),
]


def tokens_for(org, count: int, prefix: str) -> list[str]:
    """`count` members of `org` with an API token each, written in bulk."""
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i}", password="!", first_name=f"会员{i}") for i in range(count)]
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    Member.objects.bulk_create(
        [
            Member(
                org=org,
                user=u,
                name=u.first_name,
                status=MemberStatus.ACTIVE,
                member_no=f"B{prefix}{i:07d}",
                employee_no=f"{prefix}{i}",
                phone=f"1380{i:07d}",
            )
            for i, u in enumerate(users)
        ]
    )
    tokens = [secrets.token_urlsafe(24) for _ in users]
    expires = timezone.now() + dt.timedelta(hours=1)
    ApiToken.objects.bulk_create(
        [ApiToken(user=u, digest=_digest(t), expires_at=expires) for u, t in zip(users, tokens, strict=True)]
    )
    return tokens


def post(base: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        payload = json.dumps(body or {}).encode()
        conn.request(
            "POST",
            path,
            body=payload,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def fire(base: str, path: str, tokens: list[str], body=None) -> list[tuple[int, dict]]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda t: post(base, path, t, body), tokens))


@pytest.fixture
def fast_server():
    """The production WSGI application (core.fastpath in front of Django) on a threaded server."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connections

    from unionhome.core.fastpath import FastPathApp

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 128

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    app = FastPathApp(WSGIHandler(), identity=token_identity, caller=token_caller)

    def serve(environ, start_response):
        try:
            return list(app(environ, start_response))
        finally:
            connections.close_all()  # each request's thread ends here

    server = make_server("127.0.0.1", 0, serve, server_class=Server, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("server", "strategy"), SERVERS_AND_STRATEGIES)
def test_thousand_members_race_for_fifty_places(personas, make_offer, server, strategy, request, settings):
    settings.OFFER_CLAIM_STRATEGY = strategy
    base = request.getfixturevalue(server).url
    offer = make_offer(quantity=50)
    tokens = tokens_for(personas.tree.union, 1000, "race")
    results = fire(base, f"/api/v1/offers/{offer.pk}/claims", tokens)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 50, 409: 950}, statuses
    assert Counter(body["code"] for status, body in results if status == 409) == {"sold_out": 950}
    claims = OfferClaim.objects.filter(offer=offer)
    assert claims.count() == 50
    assert claims.values("member").distinct().count() == 50
    assert Offer.objects.get(pk=offer.pk).remaining == 0
    assert {body["code"] for status, body in results if status == 201} == {
        tickets.ticket_token(c) for c in claims
    }


@pytest.mark.parametrize(("server", "strategy"), SERVERS_AND_STRATEGIES)
def test_one_member_pressing_many_times_gets_one_place(
    personas, make_offer, server, strategy, request, settings
):
    settings.OFFER_CLAIM_STRATEGY = strategy
    base = request.getfixturevalue(server).url
    offer = make_offer(quantity=10)
    token = tokens_for(personas.tree.union, 1, "same")[0]
    results = fire(base, f"/api/v1/offers/{offer.pk}/claims", [token] * 40)
    assert Counter(status for status, _ in results) == {201: 1, 409: 39}
    assert {body["code"] for status, body in results if status == 409} == {"already_claimed"}
    assert Offer.objects.get(pk=offer.pk).remaining == 9


def test_last_seat_of_an_activity(personas, make_activity, live_server):
    activity = make_activity(capacity=1)
    tokens = tokens_for(personas.tree.union, 60, "seat")
    results = fire(live_server.url, f"/api/v1/activities/{activity.pk}/signups", tokens)
    assert Counter(status for status, _ in results) == {201: 1, 409: 59}
    full = [body for status, body in results if status == 409]
    assert {b["code"] for b in full} == {"full"}
    # Each loser learns a place in the queue (counted as their request commits).
    assert all(1 <= int(b["fields"]["waiting_position"]) <= 59 for b in full)
    assert Signup.objects.filter(activity=activity, status="confirmed").count() == 1
    assert Signup.objects.filter(activity=activity, status="waiting").count() == 59


def test_two_unions_book_one_slot_at_the_same_moment(personas, live_server):
    venue = venues.venue_save(
        actor=personas.staff_other,
        org=personas.tree.other_union,
        name="共享礼堂",
        shared_under=personas.tree.street.pk,
        auto_approve=True,
    )
    staff_tokens = []
    for user in (personas.staff, personas.staff_other):
        token = secrets.token_urlsafe(24)
        ApiToken.objects.create(
            user=user, digest=_digest(token), expires_at=timezone.now() + dt.timedelta(hours=1)
        )
        staff_tokens.append(token)
    day = timezone.localdate() + dt.timedelta(days=3)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(14)))
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "purpose": "职工大会",
    }
    results = fire(live_server.url, f"/api/v1/venues/{venue.pk}/bookings", staff_tokens * 10, body)
    assert Counter(status for status, _ in results) == {201: 1, 409: 19}
    assert {b["code"] for s, b in results if s == 409} == {"slot_taken"}
    assert Booking.objects.count() == 1 and BookingSlot.objects.count() == 4


def test_not_yet_open_is_a_409_not_a_place(personas, make_offer, live_server):
    offer = make_offer(quantity=5, opens_at=soon(1), closes_at=soon(2))
    tokens = tokens_for(personas.tree.union, 20, "early")
    results = fire(live_server.url, f"/api/v1/offers/{offer.pk}/claims", tokens)
    assert {(s, b["code"]) for s, b in results} == {(409, "not_open")}
    assert not OfferClaim.objects.filter(offer=offer).exists()


def test_a_booking_decided_twice_at_once_is_decided_once(personas, live_server):
    """Approve and refuse sent together, ten times each: one wins (core.workflow's conditional
    UPDATE); the rest hear 409, and the slots match the one decision."""
    venue = venues.venue_save(actor=personas.staff_other, org=personas.tree.other_union, name="礼堂")
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(9)))
    booking = venues.booking_create(
        actor=personas.staff_other,
        venue=venue,
        org=personas.tree.other_union,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        purpose="会议",
    )
    Booking.objects.filter(pk=booking.pk).update(status="pending")
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(
        user=personas.staff_other, digest=_digest(token), expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    base = live_server.url
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(
            pool.map(
                lambda i: post(
                    base,
                    f"/api/v1/bookings/{booking.pk}/{'approve' if i % 2 else 'reject'}",
                    token,
                    {} if i % 2 else {"reason": "已被占用"},
                ),
                range(20),
            )
        )
    assert Counter(status for status, _ in results) == {200: 1, 409: 19}
    booking.refresh_from_db()
    won = next(b for s, b in results if s == 200)
    assert booking.status == won["status"]
    assert BookingSlot.objects.filter(booking=booking).exists() == (booking.status == "approved")
