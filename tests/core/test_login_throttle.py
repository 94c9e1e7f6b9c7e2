"""Login throttling (issue #19, item 4): the lockout is the account's, whether it is named by
username or phone; one address spraying many accounts is stopped; an account guessed at from many
addresses is stopped; a forwarded address is believed only from our own proxy."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ..factories import PASSWORD, UserFactory


def page_login(client: Client, username: str, password: str, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def token_login(client: Client, username: str, password: str, **extra):
    body = json.dumps({"username": username, "password": password})
    return client.post("/api/v1/auth/token", body, content_type="application/json", **extra)


@pytest.fixture
def guard(db):
    return UserFactory(username="guard01", phone="13912340000")


@pytest.mark.parametrize(("failed_as", "then_as"), [("username", "phone"), ("phone", "username")])
def test_a_locked_account_stays_locked_under_its_other_name(client, guard, settings, failed_as, then_as):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(client, getattr(guard, failed_as), "wrong")
    answer = page_login(client, getattr(guard, then_as), PASSWORD)
    assert answer.status_code == 429 and "暂时锁定" in answer.content.decode()
    assert token_login(client, getattr(guard, then_as), PASSWORD).status_code == 429


def test_the_lock_is_only_from_the_address_that_failed(guard, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login(attacker, "guard01", "wrong")
    assert page_login(attacker, "13912340000", PASSWORD).status_code == 429
    assert page_login(Client(REMOTE_ADDR="198.51.100.7"), "guard01", PASSWORD).status_code == 302


def test_one_address_spraying_many_accounts_is_stopped(db, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    users = [UserFactory(username=f"spray{i:02d}") for i in range(30)]
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    answers = [page_login(sprayer, u.username, "Password1").status_code for u in users[:25]]
    assert answers[:20] == [200] * 20  # wrong password, said so
    assert set(answers[20:]) == {429}
    # even a right password from that address waits, on the page and the API
    answer = page_login(sprayer, users[29].username, PASSWORD)
    assert answer.status_code == 429 and "操作太频繁" in answer.content.decode()
    assert 'value="spray29"' in answer.content.decode()  # what was typed is kept
    assert token_login(sprayer, users[29].username, PASSWORD).status_code == 429
    # another address is not affected
    assert page_login(Client(REMOTE_ADDR="198.51.100.7"), users[29].username, PASSWORD).status_code == 302


def test_one_account_guessed_at_from_many_addresses_is_stopped_but_its_owner_gets_in(guard, settings):
    """Past the account's hourly failures, every address that failed on it is refused, and a new
    address gets one try before it is too; the owner, from an address that never failed on the
    account, still logs in: nobody can lock a member out from elsewhere."""
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 12
    for i in range(12):
        client = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        page_login(client, "guard01" if i % 2 else "13912340000", "wrong")
    guesser = Client(REMOTE_ADDR="203.0.113.3")
    answer = token_login(guesser, "guard01", PASSWORD)
    assert answer.status_code == 429 and answer.json()["code"] == "throttled"
    newcomer = Client(REMOTE_ADDR="203.0.113.99")
    assert page_login(newcomer, "guard01", "wrong").status_code == 200  # one try
    assert page_login(newcomer, "guard01", PASSWORD).status_code == 429  # then none
    assert token_login(Client(REMOTE_ADDR="198.51.100.7"), "guard01", PASSWORD).status_code == 200
    UserFactory(username="cleaner02")
    assert token_login(Client(REMOTE_ADDR="203.0.113.3"), "cleaner02", PASSWORD).status_code == 200


def test_the_admin_login_is_limited_too(db, settings):
    """The limits sit in the first authentication backend, so a login page of its own (Django's
    admin) cannot be used to spray passwords."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    UserFactory(username="chair01", is_staff=True, is_superuser=True)
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(6):
        sprayer.post("/admin/login/", {"username": f"nobody{i}", "password": "wrong"})
    answer = sprayer.post("/admin/login/", {"username": "chair01", "password": PASSWORD})
    assert answer.status_code == 200  # the form again: not let in
    assert "_auth_user_id" not in sprayer.session
    assert (
        Client(REMOTE_ADDR="198.51.100.7")
        .post("/admin/login/", {"username": "chair01", "password": PASSWORD})
        .status_code
        == 302
    )


def test_an_ipv6_household_counts_as_one_address(db, settings):
    """A phone or a home line gets a whole /64: each of its addresses is the same sprayer."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    users = [UserFactory(username=f"spray{i:02d}") for i in range(7)]
    codes = [
        page_login(Client(REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}"), u.username, "wrong").status_code
        for i, u in enumerate(users)
    ]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}
    other_household = Client(REMOTE_ADDR="2001:db8:1:3::1")
    assert page_login(other_household, users[0].username, PASSWORD).status_code == 302


def test_a_forwarded_address_is_ignored_when_no_proxy_of_ours_wrote_it(db, settings):
    """Without BEHIND_PROXY, a client cannot dodge the address limit by inventing X-Forwarded-For."""
    settings.BEHIND_PROXY = False
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    users = [UserFactory(username=f"spray{i:02d}") for i in range(8)]
    codes = [
        page_login(Client(), u.username, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i, u in enumerate(users)
    ]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}


def test_behind_our_proxy_each_member_has_their_own_address(db, settings):
    """Behind the proxy every request comes from its address: read the entry our proxy appended,
    so one member's failures do not lock the whole site out, and a forged entry to its left
    changes nothing."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    users = [UserFactory(username=f"spray{i:02d}") for i in range(7)]
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for u in users[:5]:
        page_login(Client(**proxy), u.username, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    forged = page_login(
        Client(**proxy), users[5].username, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
    )
    assert forged.status_code == 429
    neighbour = page_login(Client(**proxy), users[6].username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert neighbour.status_code == 302


def test_a_good_login_is_not_slowed_by_others_failures_elsewhere(guard, settings):
    for i in range(3):
        page_login(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), "nobody-here", "wrong")
    assert page_login(Client(), "guard01", PASSWORD).status_code == 302
