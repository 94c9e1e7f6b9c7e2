import pytest

from unionhome.core.audit import object_ref
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.models import AuditLog
from unionhome.members import services
from unionhome.members.models import MemberStatus, TransferStatus


def test_transfer_keeps_membership_across_employers(personas):
    p = personas
    number, joined = p.member.member_no, p.member.joined_on
    transfer = services.transfer_request(
        member=p.member,
        to_org=p.tree.other_union,
        actor=p.member_user,
        new_employer="洁美家政",
        new_employee_no="JM900",
    )
    services.transfer_accept(transfer=transfer, actor=p.staff_other, note="欢迎")
    p.member.refresh_from_db()
    assert p.member.org == p.tree.other_union
    assert (p.member.member_no, p.member.joined_on, p.member.status) == (number, joined, MemberStatus.ACTIVE)
    assert p.member.employee_no == "JM900"
    actions = [e.action for e in timeline_rows(p.member)]
    assert "members.transfer.requested" in actions and "members.member.employer_changed" in actions
    assert transfer.status == TransferStatus.ACCEPTED


def test_only_the_receiving_union_accepts(personas):
    p = personas
    transfer = services.transfer_request(member=p.member, to_org=p.tree.other_union, actor=p.member_user)
    with pytest.raises(NotFound):
        services.transfer_accept(transfer=transfer, actor=p.staff)
    with pytest.raises(DomainError):
        services.transfer_reject(transfer=transfer, actor=p.staff_other, note="")
    services.transfer_reject(transfer=transfer, actor=p.staff_other, note="无此岗位")
    p.member.refresh_from_db()
    assert p.member.org == p.tree.branch


def test_one_open_transfer_and_cancel(personas):
    p = personas
    transfer = services.transfer_request(member=p.member, to_org=p.tree.other_union, actor=p.member_user)
    with pytest.raises(DomainError) as err:
        services.transfer_request(member=p.member, to_org=p.tree.other_union, actor=p.member_user)
    assert err.value.code == "duplicate"
    with pytest.raises(NotFound):
        services.transfer_cancel(transfer=transfer, actor=p.other_user)
    services.transfer_cancel(transfer=transfer, actor=p.member_user)
    assert transfer.status == TransferStatus.CANCELLED


def test_transfer_api_round_trip(personas, as_user):
    p = personas
    r = as_user(p.member_user).post(
        "/api/v1/transfers",
        {"to_org_id": p.tree.other_union.pk, "reason": "换工作"},
        content_type="application/json",
    )
    assert r.status_code == 201
    tid = r.json()["id"]
    assert (
        as_user(p.staff)
        .post(f"/api/v1/transfers/{tid}/accept", {}, content_type="application/json")
        .status_code
        == 404
    )
    assert as_user(p.other_user).post(f"/api/v1/transfers/{tid}/cancel").status_code == 404
    r = as_user(p.staff_other).post(
        f"/api/v1/transfers/{tid}/accept", {"note": "好"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"


def test_leaving_keeps_the_record(personas, as_user):
    r = as_user(personas.member_user).post(
        "/api/v1/me/leave", {"reason": "退休"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "left"
    personas.member.refresh_from_db()
    assert personas.member.member_no and personas.member.status == MemberStatus.LEFT


def test_transfer_page(personas, as_user):
    client = as_user(personas.member_user)
    assert client.get("/transfer/").status_code == 200
    r = client.post("/transfer/", {"to_org": personas.tree.other_union.pk, "reason": "搬家"})
    assert r.status_code == 302
    assert "等待对方工会接收" in client.get("/transfer/").content.decode()
    staff_page = as_user(personas.staff_other).get("/staff/transfers/").content.decode()
    assert "王建国" in staff_page and "接收" in staff_page


def timeline_rows(obj):
    """The audit rows of `obj`'s timeline, as written."""
    object_type, object_id = object_ref(obj)
    return AuditLog.objects.filter(object_type=object_type, object_id=object_id, timeline=True)
