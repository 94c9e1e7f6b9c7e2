"""The appeals API: shapes of the issue, field-level 4xx, and 404 for anyone who may not see."""

import datetime as dt

import pytest

from unionhome.appeals.models import Appeal

from ..conftest import login_client

TEXT = "上个月替同事顶了四个夜班，排班表上都有记录，但工资里一分加班费都没有。"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def member(personas):
    return login_client(personas.member_user)


@pytest.fixture
def staff(personas):
    return login_client(personas.staff)


def test_member_submits_and_reads_back(member, personas):
    r = post(member, "/api/v1/appeals", {"text": TEXT, "title": "加班费"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) >= {"id", "number", "status", "category", "urgent", "received_at", "due_on"}
    assert body["due_on"] is None and body["status"] == "submitted" and body["category"] == "wages"
    detail = member.get(f"/api/v1/appeals/{body['id']}").json()
    assert detail["timeline"][0]["text"] == "诉求已提交" and detail["member"] == "王建国"
    assert [a["id"] for a in member.get("/api/v1/appeals").json()] == [body["id"]]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "text"),
        ({"text": "短"}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"text": TEXT, "channel": "fax"}, "channel"),
    ],
)
def test_bad_input_gets_a_field_reason(member, payload, field):
    r = post(member, "/api/v1/appeals", payload)
    assert r.status_code in (400, 422)
    assert field in r.json()["fields"]
    assert not Appeal.objects.exists()


def test_staff_fields_are_refused_to_members(member):
    r = post(member, "/api/v1/appeals", {"text": TEXT, "channel": "hotline"})
    assert r.status_code == 403


def test_classify(member):
    r = post(member, "/api/v1/appeals/classify", {"text": "工友从脚手架上摔下来昏迷了，现场没有安全网"})
    assert r.status_code == 200
    body = r.json()
    assert body["urgent"] is True and body["category"] in {"safety", "other"} and 0 < body["confidence"] <= 1


def test_classify_needs_login(client):
    assert post(client, "/api/v1/appeals/classify", {"text": "工资没发"}).status_code == 401


def test_hotline_entry_route_and_the_loop_over_the_api(staff, member, personas):
    received = "2025-11-07T16:30:00+08:00"  # a Friday
    r = post(
        staff,
        "/api/v1/appeals",
        {"text": TEXT, "channel": "hotline", "received_at": received, "on_behalf_of": "member"},
    )
    assert r.status_code == 201, r.content
    appeal_id = r.json()["id"]
    assert r.json()["received_at"] == received
    r = post(staff, f"/api/v1/appeals/{appeal_id}/route", {"route": "policy"})
    assert r.status_code == 200 and r.json()["due_on"] == "2025-11-10"
    r = post(staff, f"/api/v1/appeals/{appeal_id}/route", {"route": "coordination", "workdays": 9})
    assert r.status_code in (400, 422) and "workdays" in r.json()["fields"]
    r = post(
        staff,
        f"/api/v1/appeals/{appeal_id}/dispatch",
        {"steps": [{"department": "人力资源部", "evidence": "排班表"}]},
    )
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    handler = login_client(personas.handler)
    queue = handler.get("/api/v1/dispatches").json()
    assert [q["department"] for q in queue] == ["人力资源部"]
    r = post(handler, f"/api/v1/dispatches/{queue[0]['id']}/answer", {"answer": "核实属实，下月补发"})
    assert r.status_code == 200 and r.json()["status"] == "answered"
    r = post(
        staff, f"/api/v1/appeals/{appeal_id}/close", {"outcome": "resolved", "reply": "下月工资补发加班费"}
    )
    assert r.json()["status"] == "closed"
    r = post(staff, f"/api/v1/appeals/{appeal_id}/follow-up", {"knows_result": True, "accepts_result": True})
    assert r.json()["knows_result"] is True
    r = post(member, f"/api/v1/appeals/{appeal_id}/rate", {"rating": 1, "comment": "还没发"})
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["round"] == 2
    r = post(member, f"/api/v1/appeals/{appeal_id}/rate", {"rating": 9})
    assert r.status_code in (400, 422) and "rating" in r.json()["fields"]


def test_nobody_else_sees_an_appeal(member, personas):
    appeal_id = post(member, "/api/v1/appeals", {"text": TEXT, "anonymous": True}).json()["id"]
    for user in (personas.other_user, personas.staff_other, personas.handler):
        client = login_client(user)
        assert client.get(f"/api/v1/appeals/{appeal_id}").status_code == 404
        assert post(client, f"/api/v1/appeals/{appeal_id}/route", {"route": "policy"}).status_code == 404
        assert post(client, f"/api/v1/appeals/{appeal_id}/rate", {"rating": 5}).status_code == 404
    # Once dispatched, the handler sees it — without the anonymous member's name.
    staff = login_client(personas.staff)
    post(staff, f"/api/v1/appeals/{appeal_id}/route", {"route": "coordination"})
    post(staff, f"/api/v1/appeals/{appeal_id}/dispatch", {"steps": [{"department": "人力资源部"}]})
    seen = login_client(personas.handler).get(f"/api/v1/appeals/{appeal_id}").json()
    assert seen["member"] is None and seen["anonymous"] is True
    assert staff.get(f"/api/v1/appeals/{appeal_id}").json()["member"] == "王建国"


def test_member_cannot_use_staff_lists(member):
    assert member.get("/api/v1/appeals?tab=new").status_code == 403
    assert member.get("/api/v1/insights/appeals").status_code == 403
    assert member.get("/api/v1/risks").status_code == 403


def test_insights(staff, member):
    post(member, "/api/v1/appeals", {"text": TEXT})
    r = staff.get("/api/v1/insights/appeals?by=category")
    assert r.status_code == 200
    body = r.json()
    assert body["overall"]["count"] == 1 and body["rows"][0]["key"] == "wages"
    assert "办结率" in body["definitions"]["closure_rate"]
    assert staff.get("/api/v1/insights/appeals?by=colour").status_code in (400, 422)
    today = dt.date.today()
    r = staff.get(f"/api/v1/insights/appeals?start={today}&end={today - dt.timedelta(days=3)}")
    assert r.status_code == 400 and "start" in r.json()["fields"]


def test_legal_case_over_the_api(member, staff, personas):
    r = post(
        member,
        "/api/v1/legal-cases",
        {"kind": "legal_aid", "summary": "公司拖欠工资三个月", "eligibility": {"is_member": True}},
    )
    assert r.status_code == 201 and r.json()["eligible"] is False
    r = post(
        staff,
        "/api/v1/legal-cases",
        {
            "kind": "rights",
            "issue": "excess_overtime",
            "summary": "保安每月加班超过 36 小时",
            "member": personas.member.pk,
        },
    )
    case_id = r.json()["id"]
    assert r.json()["next_step"] == "remind"
    r = post(staff, f"/api/v1/legal-cases/{case_id}/steps", {"step": "letter"})
    assert r.status_code == 409 and r.json()["code"] == "out_of_order"
    assert (
        post(staff, f"/api/v1/legal-cases/{case_id}/steps", {"step": "remind"}).json()["next_step"]
        == "consult"
    )
    assert login_client(personas.staff_other).get(f"/api/v1/legal-cases/{case_id}").status_code == 404
    assert member.get(f"/api/v1/legal-cases/{case_id}").status_code == 200


def test_outsiders_get_404_on_every_other_action(member, staff, personas):
    from unionhome.appeals.models import RiskItem

    from ..factories import UserFactory, grant

    appeal_id = post(member, "/api/v1/appeals", {"text": TEXT}).json()["id"]
    post(staff, f"/api/v1/appeals/{appeal_id}/route", {"route": "coordination"})
    post(staff, f"/api/v1/appeals/{appeal_id}/dispatch", {"steps": [{"department": "人力资源部"}]})
    step_id = login_client(personas.handler).get("/api/v1/dispatches").json()[0]["id"]
    safety = login_client(grant(UserFactory(username="safety"), personas.tree.union, "handler", "安全部"))
    assert post(safety, f"/api/v1/dispatches/{step_id}/answer", {"answer": "不是我们的"}).status_code == 404
    assert safety.get("/api/v1/dispatches").json() == []
    assert member.get("/api/v1/dispatches").json() == []
    outsider = login_client(personas.staff_other)
    for action, body in (
        ("confirm", {"category": "wages"}),
        ("dispatch", {"steps": [{"department": "人力资源部"}]}),
        ("close", {"outcome": "resolved", "reply": "好了"}),
        ("follow-up", {"knows_result": True, "accepts_result": True}),
        ("reopen", {}),
    ):
        assert post(outsider, f"/api/v1/appeals/{appeal_id}/{action}", body).status_code == 404, action
    risk = RiskItem.objects.create(
        org=personas.tree.union, site=personas.tree.site, kind="complaints", week="2026W47", detail="x"
    )
    r = outsider.patch(f"/api/v1/risks/{risk.pk}", {"next_step": "x"}, content_type="application/json")
    assert r.status_code == 404
    assert outsider.get("/api/v1/risks").json() == []
    case_id = post(
        member, "/api/v1/legal-cases", {"kind": "mediation", "summary": "与主管因调岗发生争议"}
    ).json()["id"]
    for path, body in (
        ("steps", {"step": "remind"}),
        ("evidence", {"collected": {}}),
        ("agreement", {"agreement": "双方同意恢复原岗位"}),
    ):
        assert post(outsider, f"/api/v1/legal-cases/{case_id}/{path}", body).status_code == 404, path
