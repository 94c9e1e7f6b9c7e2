"""Personal answers are never stored by a cache (issue #19, item 15): an ID number revealed to
staff, a member's export, a claim's revealed bank account — and every other answer to a signed-in
person, on the ordinary path and the fast path alike."""

from __future__ import annotations

import json

from django.test import Client

from ..conftest import bearer
from ..wsgi import call, fast_app

NO_STORE = "private, no-store"


def test_revealed_and_exported_personal_data_is_not_stored(personas, as_user):
    client = Client()
    staff = bearer(client, "staff")
    reveal = client.post(
        f"/api/v1/members/{personas.member.pk}/id-number",
        json.dumps({"reason": "核对补贴发放"}),
        content_type="application/json",
        **staff,
    )
    assert reveal.status_code == 200 and reveal["Cache-Control"] == NO_STORE
    export = client.get("/api/v1/me/export", **bearer(client, "member"))
    assert export.status_code == 200 and export["Cache-Control"] == NO_STORE
    page = as_user(personas.member_user).get("/profile/export/")
    assert page.status_code == 200 and page["Cache-Control"] == NO_STORE
    staff_page = as_user(personas.staff).get(f"/staff/members/{personas.member.pk}/")
    assert staff_page["Cache-Control"] == NO_STORE


def test_every_answer_to_a_signed_in_person_is_private(personas, as_user):
    assert as_user(personas.member_user).get("/")["Cache-Control"] == NO_STORE
    client = Client()
    assert client.get("/api/v1/me", **bearer(client, "member"))["Cache-Control"] == NO_STORE


def test_the_fast_path_says_the_same(personas, client):
    member = bearer(client, "member")
    created = client.post(
        "/api/v1/appeals",
        json.dumps({"text": "宿舍热水器坏了一周了，请帮忙联系维修"}),
        content_type="application/json",
        **member,
    ).json()
    status, _body, headers = call(fast_app(), f"/api/v1/appeals/{created['id']}", member, method="GET")
    assert status == 200 and headers["Cache-Control"] == NO_STORE


def test_public_answers_may_be_kept(db):
    client = Client()
    assert "no-store" not in client.get("/api/v1/health").get("Cache-Control", "")
