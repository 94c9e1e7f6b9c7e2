"""The hot endpoints served before the framework (core.fastpath) answer exactly as their ordinary
routes do: the same status codes, the same JSON, the same security headers, in the caller's
language; anything the fast path does not handle (no token, a bad token, a page session, a bad
host) goes to Django."""

from __future__ import annotations

import pytest

from unionhome.activities.models import OfferClaim

from ..conftest import bearer as bearer_header
from ..factories import MemberFactory, UserFactory
from ..wsgi import SECURITY_HEADERS, Recorder, call, fast_app
from .conftest import soon

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    return fast_app()


@pytest.fixture
def bearer(client):
    return lambda username: bearer_header(client, username)


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
    assert OfferClaim.objects.get(pk=won["id"]).short_code  # the member's place is held


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
    assert not OfferClaim.objects.filter(offer=offer).exists()


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
    assert not OfferClaim.objects.filter(offer=offer).exists()
