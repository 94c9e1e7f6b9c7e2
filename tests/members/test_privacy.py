"""M7: consent, masking, audit of sensitive reads, export, deletion; and nobody sees another's record."""

import pytest

from unionhome.core.models import AuditLog
from unionhome.members import joining, services
from unionhome.members.models import ConsentPurpose, DeletionStatus, JoinApplication, Member, MemberStatus


def test_id_number_is_masked_on_every_page_and_endpoint(personas, as_user):
    full, masked = personas.member.id_number, personas.member.id_number_masked
    assert masked.startswith("110***") and masked.endswith(full[-4:])
    client = as_user(personas.member_user)
    for url in ("/profile/", "/api/v1/me"):
        body = client.get(url).content.decode()
        assert full not in body and masked in body
    staff = as_user(personas.staff)
    for url in (
        f"/staff/members/{personas.member.pk}/",
        f"/api/v1/members/{personas.member.pk}",
        "/staff/members/",
    ):
        body = staff.get(url).content.decode()
        assert full not in body, url


def test_staff_reveal_needs_a_reason_and_is_audited(personas, as_user):
    client = as_user(personas.staff)
    url = f"/api/v1/members/{personas.member.pk}/id-number"
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 422
    r = client.post(url, {"reason": "法律援助申请核验"}, content_type="application/json")
    assert r.json()["id_number"] == personas.member.id_number
    log = AuditLog.objects.get(action="members.member.viewed_sensitive")
    assert log.actor == personas.staff and log.data == {"field": "id_number", "reason": "法律援助申请核验"}
    assert (
        as_user(personas.staff_other)
        .post(url, {"reason": "看看"}, content_type="application/json")
        .status_code
        == 404
    )


def test_profile_change_is_audited_without_the_values(personas):
    services.member_update(member=personas.member, actor=personas.staff, changes={"phone": "13800001111"})
    log = AuditLog.objects.get(action="members.member.updated")
    assert log.data == {"fields": ["phone"]} and "13800001111" not in str(log.data)


def test_consent_is_recorded_per_purpose_and_sensitive_withdrawal_removes_the_data(personas, as_user):
    client = as_user(personas.member_user)
    r = client.post(
        "/api/v1/me/consents", {"purpose": "health", "granted": True}, content_type="application/json"
    )
    assert r.json()["health"] is True
    client.post(
        "/api/v1/me/consents", {"purpose": "id_number", "granted": False}, content_type="application/json"
    )
    member = Member.objects.get(pk=personas.member.pk)
    assert member.id_number == "" and member.id_digest is None
    purposes = list(member.consents.values_list("purpose", "granted"))
    assert (ConsentPurpose.HEALTH, True) in purposes and (ConsentPurpose.ID_NUMBER, False) in purposes
    assert AuditLog.objects.filter(action="members.consent.withdrawn", data__purpose="id_number").exists()
    bad = client.post(
        "/api/v1/me/consents", {"purpose": "everything", "granted": True}, content_type="application/json"
    )
    assert bad.status_code == 400 and "purpose" in bad.json()["fields"]


def test_member_exports_their_own_data(personas, as_user):
    r = as_user(personas.member_user).get("/profile/export/")
    assert r["Content-Disposition"].startswith("attachment")
    data = r.json()
    assert data["name"] == "王建国" and data["id_number"] == personas.member.id_number
    assert AuditLog.objects.filter(action="members.member.exported", actor=personas.member_user).exists()
    assert as_user(personas.staff).get("/profile/export/").status_code == 404


def test_deletion_request_approved_by_staff_anonymises_but_keeps_what_the_law_requires(personas, as_user):
    p = personas
    JoinApplication.objects.create(
        user=p.member_user,
        org=p.tree.union,
        name="王建国",
        phone=p.member.phone,
        status="approved",
        member=p.member,
    )
    services.consent_set(member=p.member, purpose=ConsentPurpose.SERVICE, granted=True, actor=p.member_user)
    r = as_user(p.member_user).post(
        "/api/v1/me/deletion-request", {"reason": "离职"}, content_type="application/json"
    )
    assert r.status_code == 201
    req_id = r.json()["id"]
    assert (
        as_user(p.staff_other)
        .post(f"/api/v1/deletion-requests/{req_id}/approve", {}, content_type="application/json")
        .status_code
        == 404
    )
    r = as_user(p.staff).post(
        f"/api/v1/deletion-requests/{req_id}/approve", {"note": "已核实"}, content_type="application/json"
    )
    assert r.json()["status"] == DeletionStatus.APPROVED
    member = Member.objects.get(pk=p.member.pk)
    assert member.status == MemberStatus.ANONYMISED and member.name == "已注销会员"
    assert (member.phone, member.id_number, member.employee_no, member.birth_date, member.user) == (
        None,
        "",
        None,
        None,
        None,
    )
    assert member.member_no == p.member.member_no  # the membership record stays
    p.member_user.refresh_from_db()
    assert not p.member_user.is_active and not p.member_user.has_usable_password()
    assert JoinApplication.objects.get(member=member).name == ""
    assert AuditLog.objects.filter(object_id=str(member.pk), action="members.member.anonymised").exists()
    assert member.consents.exists()  # proof of what was agreed is kept


def test_rejected_deletion_needs_a_reason(personas):
    req = services.deletion_request(member=personas.member, actor=personas.member_user)
    from unionhome.core.errors import DomainError

    with pytest.raises(DomainError):
        services.deletion_reject(request=req, actor=personas.staff, note="")


@pytest.mark.parametrize("url", ["/api/v1/members/{pk}", "/staff/members/{pk}/"])
def test_member_a_cannot_see_member_b(personas, as_user, url):
    r = as_user(personas.member_user).get(url.format(pk=personas.other.pk))
    assert r.status_code in (403, 404)
    assert "李秀英" not in r.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/members/{pk}", "/staff/members/{pk}/"],
)
def test_outsider_staff_gets_404_on_member_records(personas, as_user, url):
    r = as_user(personas.staff_other).get(url.format(pk=personas.member.pk))
    assert r.status_code == 404
    assert "王建国" not in r.content.decode()


def test_handler_is_not_staff(personas, as_user):
    assert as_user(personas.handler).get(f"/api/v1/members/{personas.member.pk}").status_code == 404
    assert as_user(personas.handler).get("/staff/members/").status_code == 403


def test_anonymous_gets_nothing(personas, client):
    assert client.get(f"/api/v1/members/{personas.member.pk}").status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    r = client.get(f"/staff/members/{personas.member.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_outsider_staff_gets_404_on_every_record_action(
    personas, as_user, django_capture_on_commit_callbacks
):
    """Staff of another union, for each endpoint and page that reads or changes one record."""
    from unionhome.members import roster

    from ..factories import UserFactory
    from .test_roster import good, workbook

    p = personas
    application = joining.join_submit(
        user=UserFactory(), org=p.tree.union, name="申请人", phone="13611112223"
    )
    deletion = services.deletion_request(member=p.member, actor=p.member_user)
    with django_capture_on_commit_callbacks(execute=True):
        job = roster.roster_import_start(
            org=p.tree.union, filename="r.xlsx", data=workbook([good(1)]), actor=p.staff
        )
    outsider = as_user(p.staff_other)
    json = "application/json"
    checks = [
        outsider.patch(f"/api/v1/members/{p.member.pk}", {"shift": "night"}, content_type=json),
        outsider.post(f"/api/v1/joins/{application.pk}/approve", {}, content_type=json),
        outsider.post(f"/api/v1/joins/{application.pk}/reject", {"note": "不"}, content_type=json),
        outsider.post(f"/api/v1/deletion-requests/{deletion.pk}/reject", {"note": "不"}, content_type=json),
        outsider.post("/staff/deletions/", {"id": deletion.pk, "decision": "approve"}),
        outsider.get(f"/staff/roster/imports/{job.pk}/"),
        outsider.post(f"/staff/members/{p.member.pk}/", {"r-reason": "看看", "reveal": "1"}),
    ]
    assert [r.status_code for r in checks] == [404] * len(checks)
    p.member.refresh_from_db()
    assert p.member.shift == "day" and p.member.status == "active"
