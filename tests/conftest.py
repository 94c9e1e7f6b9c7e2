"""Shared personas: a member, another member of the same union, staff of this union, staff of
another union, a department handler, an admin — on a small org tree with two enterprises."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test import Client

from unionhome.core.models import OrgKind, Role

from .factories import PASSWORD, MemberFactory, OrgFactory, SiteFactory, UserFactory, grant, make_id

# The concurrency tests open 32 connections to the live server at once; Django's test server
# listens with a backlog of 10, and a connection the kernel drops is reset under load.
WSGIServer.request_queue_size = 128


@pytest.fixture(autouse=True, scope="session")
def _compiled_translations(django_db_setup):
    from unionhome.core.management.commands.compiletranslations import compile_all

    compile_all()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Argon2 is deliberately slow; tests other than the hashing test use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches():
    from django.core.cache import cache

    from unionhome.activities.offers import forget_cached_offers
    from unionhome.core import limits
    from unionhome.democracy.polls import forget_cached_polls

    cache.clear()
    limits.store().clear()
    forget_cached_offers()
    forget_cached_polls()
    yield


@pytest.fixture
def tree(db):
    street = OrgFactory(name="春晖街道总工会", kind=OrgKind.HIGHER)
    union = OrgFactory(name="安居物业工会", parent=street)
    branch = OrgFactory(name="保安分会", kind=OrgKind.BRANCH, parent=union)
    other_union = OrgFactory(name="洁美家政工会", parent=street)
    site = SiteFactory(org=union, name="翠湖小区")
    other_site = SiteFactory(org=other_union, name="家政站")
    return SimpleNamespace(
        street=street, union=union, branch=branch, other_union=other_union, site=site, other_site=other_site
    )


@pytest.fixture
def personas(tree):
    member_user = UserFactory(username="member", first_name="王建国")
    member = MemberFactory(
        org=tree.branch,
        site=tree.site,
        user=member_user,
        name="王建国",
        identity=make_id(1),
        phone=member_user.phone,
    )
    other_user = UserFactory(username="other", first_name="李秀英")
    other = MemberFactory(
        org=tree.union,
        site=tree.site,
        user=other_user,
        name="李秀英",
        identity=make_id(2, "F"),
        phone=other_user.phone,
    )
    staff = grant(UserFactory(username="staff"), tree.union, Role.STAFF)
    staff_other = grant(UserFactory(username="staff_other"), tree.other_union, Role.STAFF)
    handler = grant(UserFactory(username="handler"), tree.union, Role.HANDLER, "人力资源部")
    admin = grant(UserFactory(username="admin"), tree.street, Role.ADMIN)
    return SimpleNamespace(
        tree=tree,
        member=member,
        member_user=member_user,
        other=other,
        other_user=other_user,
        staff=staff,
        staff_other=staff_other,
        handler=handler,
        admin=admin,
    )


def login_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    return login_client


@pytest.fixture
def password():
    return PASSWORD


def api_token(client: Client, username: str, password: str = PASSWORD) -> str:
    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(client: Client, username: str) -> dict:
    """The Authorization header of a fresh API token for `username`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, username)}"}


@pytest.fixture
def stub_server():
    """A local HTTP server that records JSON POSTs and answers with `reply` (a dict, or an int
    status to fail with): stands in for SMS/WeChat gateways and a language-model endpoint."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = SimpleNamespace(requests=[], reply={})

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — the http.server interface
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            if isinstance(state.reply, int):
                self.send_response(state.reply)
                self.end_headers()
                return
            body = json.dumps(state.reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


class Sent(list):
    """The texts sent, as (to, body). A text to a roster phone is sent by the task queue after
    the request's commit; a test's transaction never commits, so reading runs the queue first."""

    def __iter__(self):
        from unionhome.core.outbox import relay

        relay()
        return super().__iter__()


@pytest.fixture
def sms(settings, monkeypatch):
    """The SMS gateway: every text sent, as (to, body)."""
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    settings.SMS_DEV_ECHO = False
    sent = Sent()
    monkeypatch.setattr(
        "unionhome.core.http.post_json", lambda url, p, **kw: sent.append((p["to"], p["body"]))
    )
    return sent


def code_to(sent, phone: str) -> str:
    """The last code texted to `phone`."""
    import re

    return re.search(r"(\d{6})", [body for to, body in sent if to == phone][-1]).group(1)
