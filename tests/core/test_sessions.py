"""Tokens and sessions end when they should (issue #19, item 3): a new password, deactivation
and signing out end them; a person sees where they are signed in and ends any of it; nobody
ends anyone else's."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from unionhome.core.models import ApiToken, LoginSession

from ..conftest import api_token
from ..factories import PASSWORD

APPEAL = {"text": "小区门岗的工资拖欠了两个月没有发"}


def auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def alive(token: str) -> bool:
    return Client().get("/api/v1/me", **auth(token)).status_code == 200


def browser(
    username: str, agent: str = "Mozilla/5.0 (Linux; Android 10) Chrome/120 Mobile Safari/537"
) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_a_token_lives_two_weeks_by_default(personas):
    token = api_token(Client(), "member")
    row = ApiToken.objects.get()
    assert settings.API_TOKEN_DAYS == 14
    assert abs((row.expires_at - timezone.now()).days - 14) <= 1
    assert alive(token)


def test_a_new_password_ends_every_token_and_other_session(personas):
    token = api_token(Client(), "member")
    other_phone = browser("member")
    user = personas.member_user
    user.set_password("another-long-password-2026")
    user.save()
    assert not alive(token)
    assert other_phone.get("/profile/").status_code == 302  # back to the login page
    assert not ApiToken.objects.filter(user=user).exists()
    assert not LoginSession.objects.filter(user=user).exists()


def test_the_password_page_keeps_this_browser_and_ends_the_rest(personas):
    token = api_token(Client(), "member")
    here, elsewhere = browser("member"), browser("member")
    page = here.post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-2026",
            "new_password2": "another-long-password-2026",
        },
    )
    assert page.status_code == 302
    assert here.get("/profile/").status_code == 200
    assert elsewhere.get("/profile/").status_code == 302
    assert not alive(token)
    assert LoginSession.objects.filter(user=personas.member_user).count() == 1  # this browser, again


def test_the_password_page_keeps_what_was_typed_when_the_old_password_is_wrong(personas):
    here = browser("member")
    token = api_token(Client(), "member")
    page = here.post(
        "/profile/password/",
        {"old_password": "wrong", "new_password1": "another-long-password-2026", "new_password2": "x"},
    )
    assert page.status_code == 200 and page.context["form"].errors
    assert alive(token)


def test_deactivation_ends_every_token(personas):
    token = api_token(Client(), "member")
    personas.member_user.is_active = False
    personas.member_user.save()
    assert not alive(token)
    assert not ApiToken.objects.filter(user=personas.member_user).exists()


def test_an_app_signs_itself_out(personas):
    client = Client()
    token, kept = api_token(client, "member"), api_token(client, "member")
    answer = client.delete("/api/v1/auth/token", **auth(token))
    assert answer.status_code == 204
    assert not alive(token) and alive(kept)
    # the fast path (an appeal, a claim) refuses it too
    answer = client.post(
        "/api/v1/appeals", json.dumps(APPEAL), content_type="application/json", **auth(token)
    )
    assert answer.status_code == 401
    assert client.delete("/api/v1/auth/token", **auth(token)).status_code == 401


def test_a_page_session_cannot_delete_a_token_it_does_not_hold(personas, as_user):
    answer = as_user(personas.member_user).delete("/api/v1/auth/token")
    assert answer.status_code in (400, 403)  # no token to end (or the page's CSRF check first)


def test_page_logout_forgets_the_session(personas):
    client = browser("member")
    assert LoginSession.objects.filter(user=personas.member_user).count() == 1
    client.post("/logout/")
    assert not LoginSession.objects.filter(user=personas.member_user).exists()


def test_the_profile_lists_devices_and_ends_one(personas):
    token = api_token(Client(HTTP_USER_AGENT="UnionHomeApp/2.1 (iPhone; iOS 17)"), "member")
    here = browser("member")
    elsewhere = browser("member", agent="Mozilla/5.0 (Windows NT 10.0) Edg/120")
    page = here.get("/profile/").content.decode()
    assert "登录设备" in page and "本机" in page and "Edge · Windows" in page and "iPhone" in page
    other = LoginSession.objects.exclude(session_key=here.session.session_key).get()
    assert here.post("/profile/devices/end/", {"kind": "session", "id": other.pk}).status_code == 302
    assert elsewhere.get("/profile/").status_code == 302
    row = ApiToken.objects.get()
    assert here.post("/profile/devices/end/", {"kind": "token", "id": row.pk}).status_code == 302
    assert not alive(token)
    assert here.get("/profile/").status_code == 200


def test_sign_out_everywhere_else_keeps_only_this_browser(personas):
    tokens = [api_token(Client(), "member") for _ in range(2)]
    here, elsewhere = browser("member"), browser("member")
    assert here.post("/profile/devices/end-others/").status_code == 302
    assert here.get("/profile/").status_code == 200 and elsewhere.get("/profile/").status_code == 302
    assert not any(alive(t) for t in tokens)


def test_nobody_ends_anyone_elses_session_or_token(personas):
    victim_token = api_token(Client(), "other")
    victim_browser = browser("other")
    attacker = browser("member")
    token_row = ApiToken.objects.get(user=personas.other_user)
    session_row = LoginSession.objects.get(user=personas.other_user)
    assert attacker.post("/profile/devices/end/", {"kind": "token", "id": token_row.pk}).status_code == 404
    assert (
        attacker.post("/profile/devices/end/", {"kind": "session", "id": session_row.pk}).status_code == 404
    )
    api = Client()
    headers = auth(api_token(api, "member"))
    assert api.delete(f"/api/v1/me/devices/token/{token_row.pk}", **headers).status_code == 404
    assert api.delete(f"/api/v1/me/devices/session/{session_row.pk}", **headers).status_code == 404
    assert alive(victim_token) and victim_browser.get("/profile/").status_code == 200
    listed = api.get("/api/v1/me/devices", **headers).json()
    assert all(d["id"] != token_row.pk or d["kind"] != "token" for d in listed)


def test_an_app_lists_its_devices_and_marks_itself(personas):
    api = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) MicroMessenger/8.0")
    token = api_token(api, "member")
    browser("member")
    listed = api.get("/api/v1/me/devices", **auth(token)).json()
    assert [d["kind"] for d in listed] == ["session", "token"]
    mine = listed[1]
    assert mine["current"] and mine["label"] == "微信 · iPhone"
    assert api.delete(f"/api/v1/me/devices/session/{listed[0]['id']}", **auth(token)).status_code == 204
    assert not LoginSession.objects.exists()


@pytest.mark.parametrize("agent", ["", "curl/8.5.0", "x" * 500])
def test_any_user_agent_makes_a_label(personas, agent):
    api_token(Client(HTTP_USER_AGENT=agent), "member")
    label = ApiToken.objects.get().label
    assert 0 < len(label) <= 100


def test_a_borrowed_session_cannot_guess_the_password(personas):
    """Someone at a member's unlocked phone gets five guesses at the current password, then none
    for a quarter of an hour — not even the right one."""
    here = browser("member")
    for _ in range(5):
        page = here.post(
            "/profile/password/",
            {
                "old_password": "guess",
                "new_password1": "brand-new-pass-2026",
                "new_password2": "brand-new-pass-2026",
            },
        )
        assert page.status_code == 200
    page = here.post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-pass-2026",
            "new_password2": "brand-new-pass-2026",
        },
    )
    assert page.status_code == 429 and "操作太频繁" in page.content.decode()
    personas.member_user.refresh_from_db()
    assert personas.member_user.check_password(PASSWORD)
