"""The hot endpoints served before the framework (core.fastpath) answer exactly as their ordinary
routes do: the same status codes, the same JSON, the same security headers, in the caller's
language; anything the fast path does not handle (no token, a bad token, a page session, a bad
host) goes to Django."""

from __future__ import annotations

import io
import json
from unittest import mock

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from unionhome.activities.models import Claim
from unionhome.core.fastpath import FastPathApp

from ..conftest import api_token
from ..factories import MemberFactory, UserFactory
from .conftest import soon

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Type",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
    "Content-Security-Policy",
    "Content-Language",
)


class Recorder(WSGIHandler):
    """Django's WSGI application, counting the requests that reach it."""

    calls = 0

    def __call__(self, environ, start_response):
        type(self).calls += 1
        return super().__call__(environ, start_response)


@pytest.fixture
def app():
    Recorder.calls = 0
    return FastPathApp(Recorder())


def call(app, path: str, headers: dict | None = None, method: str = "POST", host: str = "testserver"):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": "0",
        **(headers or {}),
    }
    seen = {}

    def start_response(status, hdrs, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(hdrs)

    # As Django's test client does: the test's transaction must survive the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with mock.patch("unionhome.core.fastpath.close_old_connections"):
            body = b"".join(app(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    is_json = seen["headers"].get("Content-Type", "").startswith("application/json")
    return seen["status"], json.loads(body) if is_json else body, seen["headers"]


@pytest.fixture
def bearer(client):
    def make(username):
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, username)}"}

    return make


def test_claims_answer_as_the_ordinary_route(app, client, bearer, make_offer):
    member, other = bearer("member"), bearer("other")
    answers = {}
    for way in ("fast", "django"):
        offer = make_offer(quantity=1)
        path = f"/api/v1/offers/{offer.pk}/claims"
        if way == "fast":
            before = Recorder.calls
            got = [call(app, path, member), call(app, path, member), call(app, path, other)]
            # Only the first call's one probe of the shared headers reached Django.
            assert Recorder.calls - before <= 1
        else:
            got = [
                (r.status_code, r.json(), dict(r.headers))
                for r in (
                    client.post(path, **member),
                    client.post(path, **member),
                    client.post(path, **other),
                )
            ]
        answers[way] = got
    for (fs, fb, fh), (ds, db, dh) in zip(answers["fast"], answers["django"], strict=True):
        assert fs == ds
        assert set(fb) == set(db)
        assert fb.get("code") == db.get("code") or fs == 201
        assert fb.get("message") == db.get("message")
        for name in SECURITY_HEADERS:
            assert fh.get(name) == dh.get(name), name
    assert [s for s, _, _ in answers["fast"]] == [201, 409, 409]
    assert [b["code"] for _, b, _ in answers["fast"][1:]] == ["already_claimed", "sold_out"]
    status, won, _ = answers["fast"][0]
    assert won["status"] == "won"
    assert Claim.objects.get(pk=won["id"]).short_code  # the member's place is held


def test_language_cookie_and_refusals(app, bearer, make_offer, personas):
    offer = make_offer(quantity=1, opens_at=soon(2))
    path = f"/api/v1/offers/{offer.pk}/claims"
    status, body, headers = call(app, path, {**bearer("member"), "HTTP_COOKIE": "django_language=en"})
    assert (status, body["code"], headers["Content-Language"]) == (409, "not_open", "en")
    assert body["message"].startswith("Not open yet")
    status, body, _ = call(app, path, bearer("member"))
    assert body["message"].startswith("还没开始")
    # Not a member: 403; an offer that does not exist: 404.
    UserFactory(username="outsider")
    status, body, _ = call(app, path, bearer("outsider"))
    assert (status, body["code"]) == (403, "not_member")
    status, body, _ = call(app, "/api/v1/offers/999999/claims", bearer("member"))
    assert (status, body["code"]) == (404, "not_found")


def test_a_member_of_another_union_gets_404(app, bearer, make_offer, personas):
    offer = make_offer(quantity=5)
    MemberFactory(org=personas.tree.other_union, user=UserFactory(username="elsewhere"), name="赵六")
    status, body, _ = call(app, f"/api/v1/offers/{offer.pk}/claims", bearer("elsewhere"))
    assert (status, body["code"]) == (404, "not_found")
    assert not Claim.objects.filter(offer=offer).exists()


def test_what_the_fast_path_leaves_to_django(app, personas, make_offer):
    offer = make_offer(quantity=1)
    path = f"/api/v1/offers/{offer.pk}/claims"
    django = Recorder()
    cases = [
        ({}, "POST", "testserver"),  # no token: the session route (CSRF) answers
        ({"HTTP_AUTHORIZATION": "Bearer not-a-token"}, "POST", "testserver"),
        ({"HTTP_AUTHORIZATION": "Bearer x"}, "POST", "evil.example"),  # a host not allowed
        ({"HTTP_AUTHORIZATION": "Bearer x"}, "GET", "testserver"),  # another method
    ]
    for headers, method, host in cases:
        before = Recorder.calls
        fast = call(app, path, headers, method=method, host=host)
        assert Recorder.calls > before  # it went to Django
        plain = call(django, path, headers, method=method, host=host)
        assert fast[:2] == plain[:2] and fast[0] in (400, 401, 403, 405)
    assert not Claim.objects.filter(offer=offer).exists()
