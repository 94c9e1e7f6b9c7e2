"""The attacker, end to end (issue #19). Each test plays one person the platform must not trust —
a stranger, a curious member, a volunteer, someone with a stolen phone — through the same pages
and API a real one would use, and checks they get nothing. The narrower tests of each rule live
beside its code; these hold the whole way through together. `.ci/run` runs them on SQLite and on
PostgreSQL with the rest of the suite."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.test import Client
from PIL import Image

from unionhome.benefits.catalogue import catalogue_install
from unionhome.benefits.demo import sample_png, signature_png
from unionhome.benefits.models import Fund, HardshipCase
from unionhome.core.models import Role, User
from unionhome.members import proxy as proxies
from unionhome.members.models import MemberStatus, ProxyConsent

from ..conftest import code_to
from ..factories import PASSWORD, MemberFactory, UserFactory, grant, make_id


def token_of(client: Client, username: str, password: str = PASSWORD, **extra) -> str | None:
    body = json.dumps({"username": username, "password": password})
    answer = client.post("/api/v1/auth/token", body, content_type="application/json", **extra)
    return answer.json()["token"] if answer.status_code == 200 else None


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def roster(personas):
    """Three roster employees with sequential numbers, as a union's spreadsheet has them: the
    first with an ID number on file, the others with a phone only."""
    return [
        MemberFactory(
            org=personas.tree.branch,
            user=None,
            status=MemberStatus.ROSTER,
            member_no=None,
            joined_on=None,
            name=name,
            employee_no=f"AJ{i:04d}",
            phone=f"1390000000{i}",
            identity=make_id(40) if i == 1 else None,
        )  # fmt: skip
        for i, name in enumerate(["赵铁柱", "钱大勇", "孙小美"], start=1)
    ]


def test_a_stranger_walking_the_employee_numbers_takes_over_nobody(personas, roster, sms):
    """The critical hole: name + a sequential employee number + a new phone used to be approved
    at once, and the stranger then downloaded the victim's full ID number."""
    for i, victim in enumerate(roster):
        stranger = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        form = {
            "org": personas.tree.union.pk,
            "name": victim.name,
            "employee_no": victim.employee_no,
            "phone": f"1351111000{i}",
            "post": "security",
            "service_consent": "on",
            "acct-password1": "a-Good-pass-77",
            "acct-password2": "a-Good-pass-77",
        }
        stranger.post("/join/", form | {"send_code": "1"})
        stranger.post("/join/", form | {"code": code_to(sms, form["phone"])})
        stranger.post("/join/", {"code": "000000"})  # a guess at the code the roster phone got
        export = stranger.get("/api/v1/me/export")
        assert export.status_code in (401, 403, 404)
        assert str(victim.id_number or "-") not in export.content.decode()
        token = token_of(stranger, form["phone"], "a-Good-pass-77")
        answer = stranger.get("/api/v1/me/export", **bearer(token))
        assert answer.status_code == 404 and str(victim.id_number or "-") not in answer.content.decode()
    for victim in roster:
        victim.refresh_from_db()
        assert victim.user is None and victim.status == MemberStatus.ROSTER
        assert victim.phone == f"1390000000{roster.index(victim) + 1}"  # the roster's phone is untouched
    assert all(to != roster[0].phone for to, _ in sms)  # an entry with an ID number texts nobody


def test_a_volunteer_cannot_forge_a_members_consent(personas, as_user):
    """A blank PNG used to stand for a signature and write permanent consent to health and income."""
    volunteer = grant(
        UserFactory(username="volunteer", first_name="小刘"), personas.tree.union, Role.VOLUNTEER
    )
    blank = io.BytesIO()
    Image.new("RGB", (600, 240), "white").save(blank, format="PNG")
    client = Client()
    token = token_of(client, "volunteer")
    attempts = [
        {"signature_png": base64.b64encode(blank.getvalue()).decode()},  # nothing drawn
        {"signature_png": base64.b64encode(sample_png()).decode()},  # a speck, not a signature
        {"signature_png": base64.b64encode(signature_png()).decode(), "purposes": ["health", "financial"]},
    ]
    for extra in attempts:
        answer = client.post(
            "/api/v1/proxy/consents",
            json.dumps({"member": personas.member.phone, "method": "signature", **extra}),
            content_type="application/json",
            **bearer(token),
        )
        assert answer.status_code == 400, answer.content
    assert not ProxyConsent.objects.filter(granted_at__isnull=False).exists()
    # A real signature lets them file, but not with the member's income
    consent = proxies.proxy_sign(actor=volunteer, member=personas.member, png=signature_png())
    answer = client.post(
        "/api/v1/hardship/cases",
        json.dumps(
            {
                "kind": "illness",
                "summary": "爱人住院",
                "details": {"annual_income": "20000", "household_size": 3},
                "proxy_consent": consent.pk,
            }
        ),
        content_type="application/json",
        **bearer(token),
    )
    assert answer.status_code == 400 and "annual_income" in answer.json()["fields"]
    assert not HardshipCase.objects.exists()
    # and the member sees the consent, and ends it
    assert "代办授权" in as_user(personas.member_user).get("/benefits/").content.decode()
    as_user(personas.member_user).post(f"/benefits/proxy-consents/{consent.pk}/revoke/")
    consent.refresh_from_db()
    assert not consent.live


def test_a_stolen_token_dies_when_the_owner_changes_the_password(personas):
    thief = Client(REMOTE_ADDR="203.0.113.9")
    stolen = token_of(Client(), "member")
    assert thief.get("/api/v1/me/export", **bearer(stolen)).status_code == 200
    owner = Client()
    owner.post("/login/", {"username": "member", "password": PASSWORD})
    owner.post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-pass-2026",
            "new_password2": "brand-new-pass-2026",
        },
    )
    assert thief.get("/api/v1/me/export", **bearer(stolen)).status_code == 401
    answer = thief.post(
        "/api/v1/appeals",
        json.dumps({"text": "宿舍热水器坏了一周了，请帮忙联系维修"}),
        content_type="application/json",
        **bearer(stolen),
    )
    assert answer.status_code == 401  # on the fast path's route too, and not a CSRF complaint


def test_a_locked_account_cannot_be_entered_by_its_phone(personas, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/login/", {"username": "member", "password": "guess"})
    assert token_of(attacker, personas.member_user.phone) is None
    assert (
        attacker.post("/login/", {"username": personas.member_user.phone, "password": PASSWORD}).status_code
        == 429
    )


def test_spraying_one_password_over_many_accounts_is_stopped(db, settings):
    accounts = [UserFactory(username=f"guard{i:02d}") for i in range(30)]
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    codes = [
        sprayer.post("/api/v1/auth/token", json.dumps({"username": u.username, "password": "Password1"}),
                     content_type="application/json").status_code
        for u in accounts
    ]  # fmt: skip
    assert 429 in codes and codes.index(429) <= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def test_member_a_cannot_reach_member_b(personas):
    """Every kind of record of B, asked for by A by its number, answers as if it did not exist."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from unionhome.appeals import services as appeals
    from unionhome.appeals.models import Attachment

    fund = Fund.objects.create(org=personas.tree.union, name="经费", year=2026, budget=1000)
    catalogue_install(org=personas.tree.union, fund=fund)
    photo = SimpleUploadedFile("p.png", sample_png(), content_type="image/png")
    appeal = appeals.appeal_submit(
        actor=personas.other_user, text="宿舍热水器坏了一周了，请帮忙联系维修", photos=[photo]
    )
    attachment = Attachment.objects.get(appeal=appeal)
    b_token = token_of(Client(), "other")
    a = Client()
    a.post("/login/", {"username": "member", "password": PASSWORD})
    a_token = token_of(Client(), "member")
    pages = [
        f"/appeals/{appeal.pk}/",
        f"/appeals/files/{attachment.pk}/",
        f"/staff/members/{personas.other.pk}/",
    ]
    for url in pages:
        assert a.get(url).status_code in (403, 404), url
    api = [
        ("get", f"/api/v1/appeals/{appeal.pk}"),
        ("get", f"/api/v1/members/{personas.other.pk}"),
        ("post", f"/api/v1/appeals/{appeal.pk}/rate"),
        ("post", f"/api/v1/members/{personas.other.pk}/id-number"),
    ]
    body = json.dumps({"rating": 5, "reason": "核对"})
    for method, url in api:
        if method == "get":
            answer = a.get(url, **bearer(a_token))
        else:
            answer = a.post(url, body, content_type="application/json", **bearer(a_token))
        assert answer.status_code in (403, 404), (url, answer.status_code)
        assert personas.other.id_number not in answer.content.decode()
    b_token_row = json.loads(Client().get("/api/v1/me/devices", **bearer(b_token)).content)[0]
    assert a.delete(f"/api/v1/me/devices/token/{b_token_row['id']}", **bearer(a_token)).status_code == 404
    assert Client().get("/api/v1/me", **bearer(b_token)).status_code == 200


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/offers", {"title": "票", "quantity": 5, "opens_at": "2026-12-01T09:00:00+08:00",
                            "closes_at": "9999-12-31T23:59:00+08:00"}),
        ("/api/v1/funds", {"name": "经费", "year": 9999, "budget": "1000"}),
        ("/api/v1/funds", {"name": "经费", "year": 2026, "budget": 1e40}),
        ("/api/v1/news", {"title": "通知", "column": "news", "body": "正文", "published_at": "0001-01-01T00:00:00+08:00"}),
    ],
)  # fmt: skip
def test_absurd_values_are_refused_and_every_list_still_answers(personas, url, body):
    client = Client()
    staff = bearer(token_of(client, "staff"))
    answer = client.post(url, json.dumps(body), content_type="application/json", **staff)
    assert answer.status_code == 422 and answer.json()["fields"]
    for listing in ("/api/v1/offers", "/api/v1/funds", "/api/v1/news"):
        assert client.get(listing, **staff).status_code == 200
    assert User.objects.filter(username="staff").exists()
