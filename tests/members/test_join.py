import re

import pytest

from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import Notification
from unionhome.members import joining
from unionhome.members.models import ConsentPurpose, JoinStatus, Member, MemberStatus

from ..factories import MemberFactory, UserFactory, make_id


@pytest.fixture
def roster_entry(personas):
    return MemberFactory(
        org=personas.tree.branch,
        user=None,
        status=MemberStatus.ROSTER,
        member_no=None,
        joined_on=None,
        name="赵铁柱",
        employee_no="AJ0100",
        identity=make_id(40),
    )


def test_employee_on_roster_is_approved_at_once(personas, roster_entry):
    user = UserFactory(phone=None)
    application = joining.join_submit(
        user=user,
        org=personas.tree.union,
        name="赵铁柱",
        phone="13611112222",
        phone_verified=True,
        employee_no="AJ0100",
        id_number=make_id(40),
        id_consent=True,
    )
    assert application.status == JoinStatus.APPROVED
    roster_entry.refresh_from_db()
    assert roster_entry.user == user
    assert roster_entry.status == MemberStatus.ACTIVE
    assert roster_entry.member_no == f"UH{roster_entry.pk:08d}"
    assert Notification.objects.filter(user=user, title="入会申请已通过").exists()
    assert set(roster_entry.consents.values_list("purpose", flat=True)) == {
        ConsentPurpose.SERVICE,
        ConsentPurpose.ID_NUMBER,
    }


@pytest.mark.parametrize(
    ("name", "employee_no", "id_number", "reason"),
    [
        ("赵铁柱", "", "", "未填写工号"),
        ("赵铁柱", "AJ9999", "", "不在花名册"),
        ("赵铁锤", "AJ0100", "", "姓名与花名册不一致"),
        ("赵铁柱", "AJ0100", make_id(41), "身份证号与花名册不一致"),
        ("赵铁柱", "AJ0100", "", "花名册登记了身份证号，申请人未填写"),
    ],
)
def test_anything_else_goes_to_the_staff_queue_with_the_reason(
    personas, roster_entry, name, employee_no, id_number, reason
):
    application = joining.join_submit(
        user=UserFactory(),
        org=personas.tree.union,
        name=name,
        phone="13611112222",
        employee_no=employee_no,
        id_number=id_number,
        id_consent=True,
    )
    assert application.status == JoinStatus.SUBMITTED
    assert reason in application.auto_note
    roster_entry.refresh_from_db()
    assert roster_entry.user is None


def test_staff_approve_creates_the_member(personas):
    user = UserFactory()
    application = joining.join_submit(
        user=user, org=personas.tree.union, name="新来的", phone="13611112223", site=personas.tree.site
    )
    member = joining.join_approve(application=application, actor=personas.staff, note="核实无误")
    assert member.status == MemberStatus.ACTIVE and member.user == user and member.site == personas.tree.site
    application.refresh_from_db()
    assert application.status == JoinStatus.APPROVED and application.decided_by == personas.staff


def test_staff_of_another_union_cannot_decide(personas):
    application = joining.join_submit(
        user=UserFactory(), org=personas.tree.union, name="新来的", phone="13611112223"
    )
    with pytest.raises(NotFound):
        joining.join_approve(application=application, actor=personas.staff_other)
    with pytest.raises(NotFound):
        joining.join_reject(application=application, actor=personas.member_user, note="不行")


def test_reject_needs_a_reason(personas):
    application = joining.join_submit(
        user=UserFactory(), org=personas.tree.union, name="新来的", phone="13611112223"
    )
    with pytest.raises(DomainError) as err:
        joining.join_reject(application=application, actor=personas.staff, note=" ")
    assert "note" in err.value.fields


def test_id_number_needs_its_own_consent_and_a_valid_check_digit(personas):
    bad = make_id(3)[:-1] + ("0" if make_id(3)[-1] != "0" else "1")
    with pytest.raises(DomainError) as err:
        joining.join_submit(
            user=UserFactory(),
            org=personas.tree.union,
            name="甲",
            phone="13611112223",
            id_number=bad,
            id_consent=True,
        )
    assert err.value.fields["id_number"] == "身份证号校验位不正确"
    with pytest.raises(DomainError) as err:
        joining.join_submit(
            user=UserFactory(), org=personas.tree.union, name="甲", phone="13611112223", id_number=make_id(9)
        )
    assert "id_consent" in err.value.fields


def test_one_open_application_per_person(personas):
    user = UserFactory()
    joining.join_submit(user=user, org=personas.tree.union, name="甲", phone="13611112223")
    with pytest.raises(DomainError) as err:
        joining.join_submit(user=user, org=personas.tree.union, name="甲", phone="13611112223")
    assert err.value.code == "duplicate"


def test_join_page_creates_account_and_logs_in(personas, client, roster_entry, settings):
    settings.SMS_DEV_ECHO, settings.SMS_GATEWAY_URL = True, ""
    form = {
        "org": personas.tree.union.pk,
        "name": "赵铁柱",
        "phone": "13611112222",
        "employee_no": "AJ0100",
        "id_number": make_id(40),
        "id_consent": "on",
        "post": "security",
        "service_consent": "on",
        "acct-password1": "a-Good-pass-77",
        "acct-password2": "a-Good-pass-77",
    }
    r = client.post("/join/", form | {"send_code": "1"})
    html = r.content.decode()
    assert r.status_code == 200 and 'value="AJ0100"' in html  # what was typed stays
    code = re.search(r"验证码是 (\d{6})", html).group(1)
    r = client.post("/join/", form | {"code": code})
    assert r.status_code == 302 and r["Location"] == "/card/"
    assert client.get("/card/").status_code == 200
    assert Member.objects.get(pk=roster_entry.pk).user.phone == "13611112222"


def test_join_form_keeps_what_was_typed_and_says_why_in_chinese(personas, client):
    r = client.post(
        "/join/",
        {
            "org": personas.tree.union.pk,
            "name": "赵铁柱",
            "phone": "12345",
            "employee_no": "AJ7",
            "id_number": "123",
            "acct-password1": "x",
            "acct-password2": "y",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="赵铁柱"' in html and 'value="AJ7"' in html
    assert "手机号应为11位数字" in html
    assert "身份证号应为18位" in html
    assert "两次输入的密码不一致" in html
    assert 'aria-invalid="true"' in html


def test_join_form_in_english(personas, client):
    client.cookies["django_language"] = "en"
    r = client.post("/join/", {"org": personas.tree.union.pk, "name": "X", "phone": "12345"})
    html = r.content.decode()
    assert "The mobile number must be 11 digits" in html
    assert "Apply to join" in html


def test_join_api_and_field_level_errors(personas, as_user):
    client = as_user(UserFactory())
    r = client.post(
        "/api/v1/join",
        {"org_id": personas.tree.union.pk, "name": "", "phone": "1"},
        content_type="application/json",
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid" and body["fields"]["name"] == "至少 1 个字"
    r = client.post(
        "/api/v1/join",
        {"org_id": personas.tree.union.pk, "name": "甲", "phone": "1"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["fields"]["phone"] == "手机号应为11位数字，以1开头"
    r = client.post(
        "/api/v1/join",
        {"org_id": personas.tree.union.pk, "name": "甲", "phone": "13611112223"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "submitted"


def test_staff_join_queue_page_approves(personas, as_user):
    application = joining.join_submit(
        user=UserFactory(), org=personas.tree.union, name="排队的", phone="13611112223"
    )
    client = as_user(personas.staff)
    assert "排队的" in client.get("/staff/joins/").content.decode()
    assert "排队的" not in as_user(personas.staff_other).get("/staff/joins/").content.decode()
    assert (
        as_user(personas.staff_other)
        .post("/staff/joins/", {"id": application.pk, "decision": "approve"})
        .status_code
        == 404
    )
    client.post("/staff/joins/", {"id": application.pk, "decision": "approve"})
    application.refresh_from_db()
    assert application.status == JoinStatus.APPROVED
