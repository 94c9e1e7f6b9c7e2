"""In-process cost of whole requests, without a server: the production WSGI application
(`unionhome.wsgi`, with its fast path) called directly, in milliseconds per request. The same
views as the HTTP rows of `make bench`, plus a claim refused on a sold-out offer, and one user
read through the ORM against the same read by hand (`core.rows`).

Run against a migrated database with the demo union (as `make bench` prepares one):
    UNIONHOME_DATA_DIR=$(mktemp -d) sh -c 'unionhome migrate && unionhome demo && python -m bench.profile_requests'
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import secrets
import time

INTAKE = json.dumps(
    {"text": "这个月的加班费又没有按排班表上的夜班算，少了两百多块，问主管也说不清楚，请工会帮忙核实。"},
    ensure_ascii=False,
).encode()


def main() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.utils import timezone

    import unionhome.wsgi
    from unionhome.activities import offers
    from unionhome.activities.models import Offer
    from unionhome.appeals.services import appeal_submit
    from unionhome.core.auth import token_digest as _digest
    from unionhome.core.models import ApiToken
    from unionhome.members.selectors import member_of

    app = unionhome.wsgi.application
    user = get_user_model().objects.get(username="m0100")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "unionhome.core.auth.PhoneOrUsernameBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, digest=_digest(token), expires_at=timezone.now() + dt.timedelta(days=1)
    )
    appeal = appeal_submit(actor=user, text="宿舍热水器坏了，报修好几次都没人来修，下夜班洗不了澡。")
    staff = get_user_model().objects.filter(roles__role="staff").first()
    org = member_of(user).org
    offer = offers.offer_create(
        actor=staff,
        org=org.enterprise() or org,
        title="bench",
        quantity=1,
        opens_at=timezone.now() - dt.timedelta(hours=1),
        closes_at=timezone.now() + dt.timedelta(hours=1),
    )
    Offer.objects.filter(pk=offer.pk).update(remaining=0)

    cookie = {"HTTP_COOKIE": f"sessionid={session.session_key}"}
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    targets = {
        "hello": ("GET", "/bench/hello", {}, b"", 1000),
        "home": ("GET", "/", cookie, b"", 500),
        "me": ("GET", "/api/v1/me", cookie, b"", 500),
        "appeal_intake": ("POST", "/api/v1/appeals", bearer, INTAKE, 50),
        "appeal_status": ("GET", f"/api/v1/appeals/{appeal.pk}", bearer, b"", 500),
        "claim_refused": ("POST", f"/api/v1/offers/{offer.pk}/claims", bearer, b"{}", 1000),
    }

    def call(method, path, headers, body):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            **headers,
        }
        statuses = []
        b"".join(app(environ, lambda status, hdrs, exc_info=None: statuses.append(status)))
        return int(statuses[0].split()[0])

    time.sleep(5)  # the assistant's index is built in a background thread as the app loads
    result = {}
    for name, (method, path, headers, body, n) in targets.items():
        for _ in range(20):
            status = call(method, path, headers, body)
        assert status in (200, 201, 409), (name, status)
        started = time.perf_counter()
        for _ in range(n):
            call(method, path, headers, body)
        result[name] = round((time.perf_counter() - started) / n * 1000, 2)
    # What the hand-written reads save: the same user read through the ORM and by hand.
    from unionhome.core.auth import load_user

    reads = {
        "orm_user_get": lambda: get_user_model().objects.get(pk=user.pk),
        "hand_user_get": lambda: load_user(user.pk),
    }
    for name, read in reads.items():
        started = time.perf_counter()
        for _ in range(1000):
            read()
        result[name] = round((time.perf_counter() - started), 3)  # ms per call: seconds / 1000 × 1000
    print(f"\nwhole requests in process, ms: {result}")
    return result


if __name__ == "__main__":
    main()
