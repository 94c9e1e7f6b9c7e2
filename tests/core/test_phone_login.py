"""Logging in by a texted code and setting a new password the same way; the answer never tells
whether a number is registered; plain words on the password login."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from ..conftest import code_to, login_client
from ..factories import PASSWORD


def _send(client, url, phone):
    return client.post(url, {"phone": phone, "action": "send"})


def test_a_member_logs_in_with_a_texted_code(client, personas, sms):
    phone = personas.member_user.phone
    sent = _send(client, "/login/sms/", f"+86 {phone[:3]}-{phone[3:]}")
    assert "验证码已经发出" in sent.content.decode()
    response = client.post("/login/sms/", {"phone": phone, "code": code_to(sms, phone), "action": "login"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/profile/").status_code == 200


def test_staff_land_on_the_workbench_and_a_next_link_is_kept_safe(client, personas, sms):
    phone = personas.staff.phone
    _send(client, "/login/sms/", phone)
    response = client.post(
        "/login/sms/?next=https://evil.example/",
        {"phone": phone, "code": code_to(sms, phone), "action": "login"},
    )
    assert response["Location"] == "/staff/"


def test_an_unknown_number_gets_the_same_answer_and_no_text(client, personas, sms):
    stranger = "13912345678"
    answer = _send(client, "/login/sms/", stranger).content.decode()
    assert "如果这个号码已经注册，验证码已经发出" in answer
    assert [to for to, _ in sms] == []
    refused = client.post("/login/sms/", {"phone": stranger, "code": "123456", "action": "login"})
    assert refused.status_code == 400 and "验证码不对或已过期" in refused.content.decode()


def test_a_wrong_code_is_refused_and_enough_wrong_codes_void_the_right_one(client, personas, sms):
    phone = personas.member_user.phone
    _send(client, "/login/sms/", phone)
    right = code_to(sms, phone)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(settings.OTP_ATTEMPTS):
        assert (
            client.post("/login/sms/", {"phone": phone, "code": wrong, "action": "login"}).status_code == 400
        )
    assert client.post("/login/sms/", {"phone": phone, "code": right, "action": "login"}).status_code == 400


def test_a_bad_phone_is_refused_by_its_field(client, personas):
    response = client.post("/login/sms/", {"phone": "12345", "action": "send"})
    assert response.status_code == 400 and "手机号应为11位数字" in response.content.decode()


def test_a_new_password_by_code_ends_the_old_one_and_other_sessions(client, personas, sms):
    user = personas.member_user
    elsewhere = login_client(user)
    _send(client, "/login/reset/", user.phone)
    code = code_to(sms, user.phone)
    weak = client.post(
        "/login/reset/",
        {
            "phone": user.phone,
            "code": code,
            "new_password1": "12345678",
            "new_password2": "12345678",
            "action": "reset",
        },
    )
    assert weak.status_code == 400 and "这个密码太常见了" in weak.content.decode()
    done = client.post(
        "/login/reset/",  # the same code still works: a weak password did not use it up
        {
            "phone": user.phone,
            "code": code,
            "new_password1": "58203917",
            "new_password2": "58203917",
            "action": "reset",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password("58203917") and not user.check_password(PASSWORD)
    assert elsewhere.get("/profile/").status_code == 302  # the other phone is logged out


def test_the_password_login_speaks_plainly(client, personas):
    page = client.post("/login/", {"username": "member", "password": "wrong-one"}).content.decode()
    assert "对不上" in page and "区分大小写" not in page
    login_page = client.get("/login/").content.decode()
    assert 'href="/login/sms/"' in login_page and 'href="/login/reset/"' in login_page


def test_the_privacy_notice_is_there_and_the_join_form_points_to_it(client, db):
    assert "个人信息保护说明" in client.get("/privacy/").content.decode()
    assert 'href="/privacy/"' in client.get("/join/").content.decode()


def test_an_all_digit_password_of_eight_is_allowed(db):
    from django.contrib.auth import password_validation

    password_validation.validate_password("58203917", get_user_model()(username="x", phone="13800000000"))
