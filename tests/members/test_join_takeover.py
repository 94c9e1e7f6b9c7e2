"""Joining cannot take over a roster entry: a name and an employee number (printed on rosters,
badges and shift lists) are never enough. The entry's ID number must match, or its own phone
must agree by a code; the applicant's phone is proved before an account is made; refusals read
the same whatever the reason; and every code and submission is limited."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from unionhome.core.models import AuditLog, User
from unionhome.members import joining
from unionhome.members.api.joining import JoinOut
from unionhome.members.models import JoinApplication, JoinStatus, Member, MemberStatus

from ..conftest import code_to as _code_to
from ..factories import MemberFactory, UserFactory, make_id

PASSWORD = "a-Good-pass-77"


@pytest.fixture
def with_id(personas):
    """A roster entry whose ID number the union holds."""
    return MemberFactory(
        org=personas.tree.branch, user=None, status=MemberStatus.ROSTER, member_no=None, joined_on=None,
        name="赵铁柱", employee_no="AJ0001", phone="13900000001", identity=make_id(40),
    )  # fmt: skip


@pytest.fixture
def phone_only(personas):
    """A roster entry with a phone and no ID number."""
    return MemberFactory(
        org=personas.tree.branch, user=None, status=MemberStatus.ROSTER, member_no=None, joined_on=None,
        name="钱大勇", employee_no="AJ0002", phone="13900000002",
    )  # fmt: skip


def _form(personas, **over):
    return {
        "org": personas.tree.union.pk,
        "name": "赵铁柱",
        "phone": "13511110000",
        "employee_no": "AJ0001",
        "post": "security",
        "service_consent": "on",
        "acct-password1": PASSWORD,
        "acct-password2": PASSWORD,
    } | over


def _join_with_own_phone(client, sms, form) -> object:
    """A stranger who holds the phone they type (their own) and knows the rest."""
    client.post("/join/", form | {"send_code": "1"})
    return client.post("/join/", form | {"code": _code_to(sms, form["phone"])})


def test_no_account_is_made_for_a_phone_not_proved(personas, client, with_id, sms):
    r = client.post("/join/", _form(personas))
    assert r.status_code == 200
    assert "请先点“发送验证码”" in r.content.decode()
    r = client.post("/join/", _form(personas, code="123456"))
    assert "验证码不正确或已失效" in r.content.decode()
    assert not User.objects.filter(phone="13511110000").exists()


def test_name_and_employee_number_do_not_take_an_entry_with_an_id(personas, client, with_id, sms):
    r = _join_with_own_phone(client, sms, _form(personas))
    assert r.status_code == 302 and r["Location"] == "/join/"
    with_id.refresh_from_db()
    assert with_id.user is None and with_id.status == MemberStatus.ROSTER
    assert with_id.phone == "13900000001"  # the roster's phone is not overwritten
    application = JoinApplication.objects.get(user__phone="13511110000")
    assert application.status == JoinStatus.SUBMITTED
    assert "身份证号" in application.auto_note  # staff see why
    assert client.get("/api/v1/me/export").status_code in (403, 404)
    assert not [to for to, _ in sms if to == "13900000001"]  # an ID on the roster: no code route


def test_the_right_id_number_claims_the_entry_at_once(personas, client, with_id, sms):
    form = _form(personas, id_number=make_id(40), id_consent="on")
    r = _join_with_own_phone(client, sms, form)
    assert r["Location"] == "/card/"
    with_id.refresh_from_db()
    assert with_id.status == MemberStatus.ACTIVE and with_id.user.phone == "13511110000"


def test_an_entry_without_an_id_asks_its_own_phone(personas, client, phone_only, sms):
    form = _form(personas, name="钱大勇", employee_no="AJ0002")
    r = _join_with_own_phone(client, sms, form)
    assert r["Location"] == "/join/"
    assert [to for to, _ in sms][-1] == "13900000002"  # the roster's phone, not the applicant's
    code = _code_to(sms, "13900000002")
    page = client.get("/join/").content.decode()
    assert "13900000002" not in page and "0002" not in page  # the roster phone is not shown
    wrong = "000000" if code != "000000" else "111111"
    assert "验证码不正确或已失效" in client.post("/join/", {"code": wrong}).content.decode()
    r = client.post("/join/", {"code": code})
    assert r.status_code == 302 and r["Location"] == "/card/"
    phone_only.refresh_from_db()
    assert phone_only.status == MemberStatus.ACTIVE and phone_only.user.phone == "13511110000"


def test_guessing_the_roster_code_runs_out(personas, client, phone_only, sms, settings):
    _join_with_own_phone(client, sms, _form(personas, name="钱大勇", employee_no="AJ0002"))
    code = _code_to(sms, "13900000002")
    wrong = [f"{n:06d}" for n in range(settings.OTP_ATTEMPTS + 1) if f"{n:06d}" != code][
        : settings.OTP_ATTEMPTS
    ]
    for guess in wrong:
        client.post("/join/", {"code": guess})
    client.post("/join/", {"code": code})  # too late: the code is void
    phone_only.refresh_from_db()
    assert phone_only.user is None and phone_only.status == MemberStatus.ROSTER


def test_ones_own_proved_phone_being_the_roster_phone_is_enough(personas, client, phone_only, sms):
    form = _form(personas, name="钱大勇", employee_no="AJ0002", phone="13900000002")
    assert _join_with_own_phone(client, sms, form)["Location"] == "/card/"


def test_refusals_read_the_same_whatever_the_reason(personas, with_id, phone_only, sms):
    """No employee number, one not on the roster, the wrong name, the wrong ID, a roster phone
    to confirm: the applicant sees one text, on the page and in the API."""
    cases = [
        {"employee_no": ""},
        {"employee_no": "AJ9999"},
        {"name": "赵铁锤"},
        {"id_number": make_id(41), "id_consent": "on"},
        {"name": "钱大勇", "employee_no": "AJ0002"},
    ]
    pages, notes = set(), set()
    for i, over in enumerate(cases):
        client = Client()
        form = _form(personas, phone=f"1351111{i:04d}", **over)
        _join_with_own_phone(client, sms, form)
        html = client.get("/join/").content.decode()
        main = re.search(r"<main.*?</main>", html, re.S).group(0)
        pages.add(
            re.sub(r"申请人：[^<]+|<time[^>]*>[^<]*</time>|csrfmiddlewaretoken\" value=\"[^\"]+", "", main)
        )
        user = User.objects.get(phone=form["phone"])
        client.force_login(user)
        notes.add(client.get("/api/v1/me").status_code)
        application = JoinApplication.objects.get(user=user)
        notes.add(JoinOut.from_orm(application).note)
    assert len(pages) == 1, pages
    assert len(notes) == 2  # one status code, one text


def test_a_registered_phone_is_told_only_to_its_holder(personas, client, sms):
    taken = personas.member_user.phone
    fresh = client.post("/join/", _form(personas, phone="13511119999", send_code="1")).content.decode()
    known = client.post("/join/", _form(personas, phone=taken, send_code="1")).content.decode()
    assert "已有账号" not in fresh and "已有账号" not in known
    r = client.post("/join/", _form(personas, phone=taken, code=_code_to(sms, taken)))
    assert "这个手机号已有账号，请直接登录" in r.content.decode()


def test_codes_and_submissions_are_limited(personas, client, sms):
    for _ in range(5):
        client.post("/join/", _form(personas, send_code="1"))
    r = client.post("/join/", _form(personas, send_code="1"))
    assert r.status_code == 429 and "操作太频繁" in r.content.decode()
    assert len(sms) == 5
    for _ in range(joining.JOIN_SUBMITS_PER_ADDRESS):
        client.post("/join/", _form(personas, code="000000"))
    r = client.post("/join/", _form(personas, code="000000"))
    assert r.status_code == 429


def test_the_api_does_not_trust_a_phone_the_account_never_proved(personas, with_id, phone_only, as_user, sms):
    user = UserFactory(phone="13522220000")
    client = as_user(user)
    r = client.post(
        "/api/v1/join",
        {"org_id": personas.tree.union.pk, "name": "钱大勇", "phone": "13900000002", "employee_no": "AJ0002"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    code = _code_to(sms, "13900000002")
    wrong = "000000" if code != "000000" else "111111"
    r = client.post("/api/v1/join/confirm", {"code": wrong}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_code"
    r = client.post("/api/v1/join/confirm", {"code": code}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    phone_only.refresh_from_db()
    assert phone_only.user == user
    user.refresh_from_db()
    assert user.phone == "13522220000"  # the unproved phone did not become the login


def test_one_application_cannot_confirm_with_another_entrys_code(personas, as_user, phone_only, sms):
    other_entry = MemberFactory(
        org=personas.tree.branch, user=None, status=MemberStatus.ROSTER, member_no=None, joined_on=None,
        name="孙小美", employee_no="AJ0003", phone="13900000003",
    )  # fmt: skip
    mine, theirs = as_user(UserFactory()), as_user(UserFactory())
    body = {"org_id": personas.tree.union.pk, "phone": "13511112345"}
    mine.post(
        "/api/v1/join", body | {"name": "钱大勇", "employee_no": "AJ0002"}, content_type="application/json"
    )
    theirs.post(
        "/api/v1/join", body | {"name": "孙小美", "employee_no": "AJ0003"}, content_type="application/json"
    )
    r = mine.post(
        "/api/v1/join/confirm", {"code": _code_to(sms, "13900000003")}, content_type="application/json"
    )
    assert r.status_code == 400
    assert Member.objects.get(pk=other_entry.pk).user is None


def test_staff_see_masked_phones_and_reveal_on_purpose(personas, as_user):
    joining.join_submit(user=UserFactory(), org=personas.tree.union, name="排队的", phone="13611112223")
    staff = as_user(personas.staff)
    assert "13611112223" not in staff.get("/staff/joins/").content.decode()
    assert "136****2223" in staff.get("/staff/joins/").content.decode()
    body = staff.get("/api/v1/joins").json()
    assert body[0]["phone"] == "136****2223" and body[0]["reason"]
    page = staff.get(f"/staff/members/{personas.member.pk}/").content.decode()
    assert personas.member.phone not in page
    r = staff.post(f"/staff/members/{personas.member.pk}/", {"r-reason": "电话回访", "reveal": "phone"})
    assert personas.member.phone in r.content.decode()
    log = AuditLog.objects.filter(action="members.member.viewed_sensitive").latest("pk")
    assert log.data == {"field": "phone", "reason": "电话回访"}
    r = staff.post(
        f"/api/v1/members/{personas.member.pk}/phone", {"reason": "电话回访"}, content_type="application/json"
    )
    assert r.json() == {"phone": personas.member.phone}
    outsider = as_user(personas.staff_other)
    r = outsider.post(
        f"/api/v1/members/{personas.member.pk}/phone", {"reason": "看看"}, content_type="application/json"
    )
    assert r.status_code == 404


def test_saving_the_staff_form_with_the_phone_box_empty_keeps_the_phone(personas, as_user):
    staff = as_user(personas.staff)
    page = staff.get(f"/staff/members/{personas.member.pk}/").content.decode()
    assert 'name="m-phone"' in page
    staff.post(f"/staff/members/{personas.member.pk}/", {"m-name": "王建国", "m-phone": "", "m-post": "security",
               "m-employment_type": personas.member.employment_type, "m-shift": personas.member.shift})  # fmt: skip
    personas.member.refresh_from_db()
    assert personas.member.phone == personas.member_user.phone


def test_the_roster_phone_is_texted_after_the_request(personas, client, phone_only, sms):
    """How long the request takes must not tell a stranger the entry exists: the text to a roster
    phone goes through the task queue, the request only writes it down."""
    from unionhome.core.models import OutboxTask

    _join_with_own_phone(client, sms, _form(personas, name="钱大勇", employee_no="AJ0002"))
    queued = OutboxTask.objects.filter(task="unionhome.core.tasks.send_code")
    assert queued.count() == 1
    assert "13900000002" in str(queued.get().args) and not re.search(r"\b\d{6}\b", str(queued.get().args))
    assert list.__len__(sms) == 1  # only the applicant's own phone was texted in the request
    assert [to for to, _ in sms] == ["13511110000", "13900000002"]  # then the queue sends the other


def test_the_same_phone_proved_twice_at_once_makes_one_account(personas, client, sms, monkeypatch):
    """Two submissions with the same code, a moment apart: the second finds the account the first
    just made (the unique phone) and is told so, instead of a server error."""
    form = _form(personas, name="周敏", employee_no="", phone="13511118888")
    client.post("/join/", form | {"send_code": "1"})
    original = User.objects.create_user

    def raced(*args, **kwargs):
        original(username="13511118888", phone="13511118888")  # the other request got there first
        return original(*args, **kwargs)

    monkeypatch.setattr(User.objects, "create_user", raced)
    r = client.post("/join/", form | {"code": _code_to(sms, "13511118888")})
    assert r.status_code == 200 and "这个手机号已有账号，请直接登录" in r.content.decode()
