import pytest
from django.contrib.auth import get_user_model

from ..factories import PASSWORD, UserFactory


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = get_user_model().objects.create_user("argon", password="long-enough-pass")
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("login", ["username", "phone"])
def test_page_login_by_username_or_phone(client, db, login):
    user = UserFactory(username="guard01", phone="13912340000")
    r = client.post("/login/", {"username": getattr(user, login), "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_keeps_username_and_says_why(client, db):
    UserFactory(username="guard01")
    r = client.post("/login/", {"username": "guard01", "password": "nope"})
    html = r.content.decode()
    assert r.status_code == 200 and 'value="guard01"' in html and "对不上" in html


def test_lockout_after_repeated_failures(client, db, settings):
    UserFactory(username="guard01")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "guard01", "password": "nope"})
    r = client.post("/login/", {"username": "guard01", "password": PASSWORD})
    assert r.status_code == 429 and "暂时锁定" in r.content.decode()
    api = client.post(
        "/api/v1/auth/token", {"username": "guard01", "password": PASSWORD}, content_type="application/json"
    )
    assert api.status_code == 429 and api.json()["code"] == "locked_out"


def test_expired_token_is_refused(client, db):
    import datetime as dt

    from django.utils import timezone

    from unionhome.core.models import ApiToken

    UserFactory(username="guard01")
    token = client.post(
        "/api/v1/auth/token", {"username": "guard01", "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_session_api_writes_need_csrf(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.member_user)
    r = client.post("/api/v1/me/leave", {}, content_type="application/json")
    assert r.status_code in (401, 403)
    personas.member.refresh_from_db()
    assert personas.member.status == "active"
