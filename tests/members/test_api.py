import pytest

from ..conftest import api_token


def test_openapi_and_docs(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/auth/token",
        "/api/v1/health",
        "/api/v1/me",
        "/api/v1/members",
        "/api/v1/cards/verify",
        "/api/v1/join",
    ):
        assert path in spec["paths"], path
    assert client.get("/api/v1/docs").status_code == 200


def test_me_is_masked_and_local_time(personas, as_user):
    body = as_user(personas.member_user).get("/api/v1/me").json()
    m = body["member"]
    assert m["name"] == "王建国" and m["phone"] == personas.member.phone_masked and "*" in m["id_number"]
    assert body["elder_mode"] is False


def test_token_auth(personas, client):
    token = api_token(client, "member")
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200 and r.json()["username"] == "member"
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_token_by_phone_and_wrong_password(personas, client):
    r = client.post(
        "/api/v1/auth/token",
        {"username": personas.member_user.phone, "password": "wrong"},
        content_type="application/json",
    )
    assert r.status_code == 401 and r.json() == {"code": "invalid_credentials", "message": "用户名或密码错误"}
    assert api_token(client, personas.member_user.phone)


def test_staff_list_is_scoped_and_searchable(personas, as_user):
    client = as_user(personas.staff)
    names = lambda **q: {m["name"] for m in client.get("/api/v1/members", q).json()["items"]}  # noqa: E731
    assert names() == {"王建国", "李秀英"}
    assert names(q="wjg") == {"王建国"}
    assert names(q="李秀") == {"李秀英"}
    assert names(q=personas.member.phone[-4:]) == {"王建国"}  # 尾号: what the mask shows
    assert names(q=personas.other.employee_no) == {"李秀英"}
    assert as_user(personas.staff_other).get("/api/v1/members").json()["count"] == 0
    assert as_user(personas.member_user).get("/api/v1/members").status_code == 403


def test_staff_update_with_field_errors(personas, as_user):
    client = as_user(personas.staff)
    url = f"/api/v1/members/{personas.member.pk}"
    r = client.patch(url, {"phone": "abc", "post": "chef"}, content_type="application/json")
    assert r.status_code == 422 and "post" in r.json()["fields"]
    r = client.patch(url, {"phone": "abc"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["fields"]["phone"].startswith("手机号")
    r = client.patch(url, {"shift": "night", "site_id": 999999}, content_type="application/json")
    assert r.status_code == 422 and r.json()["fields"] == {"site_id": "未知的工作地点"}
    r = client.patch(url, {"shift": "night"}, content_type="application/json")
    assert r.status_code == 200 and "frontline_shift" in r.json()["service_groups"]


@pytest.mark.parametrize("body", ["{not json", "[]", '{"username": 5}', "null"])
def test_malformed_json_is_a_4xx_never_a_500(client, db, body):
    r = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert 400 <= r.status_code < 500
    assert "code" in r.json()


def test_english_errors_when_chosen(personas, as_user):
    client = as_user(personas.staff)
    client.cookies["django_language"] = "en"
    r = client.patch(
        f"/api/v1/members/{personas.member.pk}", {"phone": "abc"}, content_type="application/json"
    )
    assert r.json()["fields"]["phone"] == "The mobile number must be 11 digits starting with 1"


def test_staff_cannot_read_a_masked_phone_digit_by_digit(personas, client):
    """The search matches a whole phone or its last four (which the mask shows): a part from the
    middle finds nobody, so the hidden digits cannot be recovered by searching."""
    from ..conftest import bearer

    staff = bearer(client, "staff")
    phone = personas.member.phone

    def found(q):
        return [m["id"] for m in client.get("/api/v1/members", {"q": q}, **staff).json()["items"]]

    assert personas.member.pk in found(phone)
    assert personas.member.pk in found(phone[-4:])
    assert personas.member.pk not in found(phone[3:7])
    assert personas.member.pk not in found(phone[:7])


@pytest.mark.parametrize(
    "field", ["name", "phone", "post", "shift", "employment_type", "posted_away", "skills"]
)
def test_a_null_for_a_field_that_cannot_be_empty_is_refused_on_that_field(personas, client, field):
    """A null used to reach the database: a 500 for the name, a 409 'duplicate' for the rest."""
    import json

    from ..conftest import bearer

    answer = client.patch(
        f"/api/v1/members/{personas.member.pk}",
        json.dumps({field: None}),
        content_type="application/json",
        **bearer(client, "staff"),
    )
    assert answer.status_code == 400 and field in answer.json()["fields"]
