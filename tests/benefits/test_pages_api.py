from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from unionhome.benefits import campaigns, funds, hardship, services
from unionhome.benefits.models import Claim, ClaimStatus, ClaimType, HardshipCase
from unionhome.core.models import AuditLog, Notification
from unionhome.members import proxy as proxies
from unionhome.members.models import ConsentPurpose, ProxyConsent

from ..conftest import bearer, login_client
from .conftest import consent, signature, upload

# -- API ---------------------------------------------------------------------------------------


def test_claim_types_lists_what_the_caller_may_claim(client, bb):
    rows = client.get("/api/v1/claim-types", **bearer(client, "member")).json()
    codes = {r["code"] for r in rows}
    assert {"overtime", "supplies", "transport", "health_check"} <= codes
    overtime = next(r for r in rows if r["code"] == "overtime")
    assert overtime["name"] == "加班补贴申报"
    assert {"name": "amount", "kind": "number", "required": True, "max": 2000.0}.items() <= overtime[
        "fields"
    ][2].items()
    other = {r["code"] for r in client.get("/api/v1/claim-types", **bearer(client, "other")).json()}
    assert "overtime" not in other and "festival" in other  # 李秀英 is not a front-line post


def test_claim_api_flow_with_draft_files_and_staff_actions(client, bb):
    member = bearer(client, "member")
    staff = bearer(client, "staff")
    body = {"type": "overtime", "fields": {"month": "2026-07-01", "hours": 20, "amount": "300"}}
    missing = client.post("/api/v1/claims", body, content_type="application/json", **member)
    assert missing.status_code == 400
    assert missing.json()["fields"] == {"attendance": "请上传考勤记录（照片或 PDF）"}
    draft = client.post("/api/v1/claims", {**body, "draft": True}, content_type="application/json", **member)
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    claim_id = draft.json()["id"]
    wrong = client.post(
        f"/api/v1/claims/{claim_id}/files?field=attendance",
        {"file": upload("a.txt", b"hello", "text/plain")},
        **member,
    )
    assert wrong.status_code == 400 and wrong.json()["fields"] == {"attendance": "只能上传图片或 PDF"}
    ok = client.post(f"/api/v1/claims/{claim_id}/files?field=attendance", {"file": upload()}, **member)
    assert ok.status_code == 200 and ok.json()["materials"] == ["attendance"]
    submitted = client.post(f"/api/v1/claims/{claim_id}/submit", **member).json()
    assert submitted["status"] == "submitted" and submitted["due_on"]
    assert client.get(f"/api/v1/claims/{claim_id}", **member).json()["fields"]["hours"] == "20"
    # Staff: return needs a note, then approve and deliver.
    assert (
        client.post(
            f"/api/v1/claims/{claim_id}/return", {}, content_type="application/json", **staff
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/api/v1/claims/{claim_id}/approve", {"note": "同意"}, content_type="application/json", **staff
        ).json()["status"]
        == "approved"
    )
    out = client.post(
        f"/api/v1/claims/{claim_id}/deliver", {"note": ""}, content_type="application/json", **staff
    ).json()
    assert out["status"] == "delivered"
    assert [e["text"] for e in out["timeline"]][-1] == "已发放"
    ledger = client.get(f"/api/v1/funds/{bb.fund.pk}/ledger", **staff).json()
    assert ledger[0]["amount"] == 300.0 and ledger[0]["balance"] == 9700.0


def test_claim_refusals_are_field_level_and_never_500(client, bb):
    member = bearer(client, "member")
    body = {
        "type": "overtime",
        "fields": {"month": "yesterday", "hours": "-1", "amount": "99999", "colour": "red"},
    }
    response = client.post("/api/v1/claims", body, content_type="application/json", **member)
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["month"] == "月份格式应为 2026-07"
    assert fields["hours"] == "请填写不小于 0 的数字"
    assert fields["amount"] == "不能超过 2000"
    assert fields["colour"] == "没有这个字段"
    nope = client.post("/api/v1/claims", {"type": "nonexistent"}, content_type="application/json", **member)
    assert nope.status_code == 400 and nope.json()["fields"] == {"type": "不在可申领范围内"}
    no_type = client.post("/api/v1/claims", {"fields": {}}, content_type="application/json", **member)
    assert no_type.status_code == 422 and "type" in no_type.json()["fields"]


def test_member_b_and_other_union_get_404(client, bb, overtime_claim):
    claim = overtime_claim()
    for who in ("other", "staff_other"):
        headers = bearer(client, who)
        assert client.get(f"/api/v1/claims/{claim.pk}", **headers).status_code == 404
        assert (
            client.patch(
                f"/api/v1/claims/{claim.pk}", {"fields": {}}, content_type="application/json", **headers
            ).status_code
            == 404
        )
    assert (
        client.post(
            f"/api/v1/claims/{claim.pk}/approve",
            {},
            content_type="application/json",
            **bearer(client, "staff_other"),
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/claims/{claim.pk}/approve",
            {},
            content_type="application/json",
            **bearer(client, "other"),
        ).status_code
        == 404
    )
    file_id = claim.files.get().pk
    assert login_client(bb.other_user).get(f"/benefits/files/{file_id}/").status_code == 404
    assert login_client(bb.other_user).get(f"/benefits/claims/{claim.pk}/").status_code == 404
    assert login_client(bb.staff_other).get(f"/staff/benefits/claims/{claim.pk}/").status_code == 404
    assert login_client(bb.member_user).get(f"/benefits/files/{file_id}/").status_code == 200


def test_signer_and_budget_refusals_over_the_api(client, bb, overtime_claim):
    big = overtime_claim(amount="1500")
    staff = bearer(client, "staff")
    refused = client.post(f"/api/v1/claims/{big.pk}/approve", {}, content_type="application/json", **staff)
    assert refused.status_code == 403 and refused.json()["code"] == "signer_required"
    bb.fund.budget = Decimal("100")
    bb.fund.save()
    small = overtime_claim(amount="300")
    over = client.post(f"/api/v1/claims/{small.pk}/approve", {}, content_type="application/json", **staff)
    assert over.status_code == 409 and over.json()["code"] == "over_budget"


def test_sensitive_fields_masked_and_reveal_logged(client, bb):
    consent(bb.member, ConsentPurpose.FINANCIAL)
    claim = services.claim_save(
        actor=bb.member_user,
        ctype=bb.transport,
        values={
            "trip_on": "2026-02-01",
            "route": "北京—信阳",
            "amount": "320",
            "bank_account": "6222020200112233445",
        },
        files={"ticket": upload()},
        submit=True,
    )
    staff = bearer(client, "staff")
    assert client.get(f"/api/v1/claims/{claim.pk}", **staff).json()["fields"]["bank_account"] == "****3445"
    assert client.get("/api/v1/staff/claims", **staff).json()[0]["fields"]["bank_account"] == "****3445"
    assert not AuditLog.objects.filter(action="benefits.claim.viewed_sensitive").exists()
    full = client.get(f"/api/v1/claims/{claim.pk}?reveal=true", **staff).json()
    assert full["fields"]["bank_account"] == "6222020200112233445"
    assert AuditLog.objects.filter(action="benefits.claim.viewed_sensitive", actor=bb.staff).count() == 1
    page = login_client(bb.staff).get(f"/staff/benefits/claims/{claim.pk}/")
    assert "6222020200112233445" not in page.content.decode() and "****3445" in page.content.decode()
    revealed = login_client(bb.staff).post(f"/staff/benefits/claims/{claim.pk}/", {"action": "reveal"})
    assert "6222020200112233445" in revealed.content.decode()
    assert AuditLog.objects.filter(action="benefits.claim.viewed_sensitive").count() == 2


def test_self_test_api(client, bb):
    member = bearer(client, "member")
    deep = client.post(
        "/api/v1/hardship/self-test",
        {"household_size": 3, "annual_income": 48000, "unavoidable_costs": 0},
        content_type="application/json",
        **member,
    ).json()
    assert deep["level"] == "deep" and "1450.00" in deep["explanation"]
    local = client.post(
        "/api/v1/hardship/self-test",
        {"household_size": 3, "annual_income": 48000, "local_min_living_monthly": 1000},
        content_type="application/json",
        **member,
    ).json()
    assert local["level"] == "relative" and local["local_min_living_monthly"] == "1000"
    bad = client.post(
        "/api/v1/hardship/self-test",
        {"household_size": 0, "annual_income": -5},
        content_type="application/json",
        **member,
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"household_size", "annual_income"}


def test_hardship_api_and_outsiders(client, bb):
    staff = bearer(client, "staff")
    created = client.post(
        "/api/v1/hardship/cases",
        {"kind": "emergency", "summary": "家中失火", "urgent": True, "member_id": bb.member.pk},
        content_type="application/json",
        **staff,
    )
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["urgent"] and case["stage"] == "intake" and case["due_on"] == timezone.localdate().isoformat()
    advanced = client.post(
        f"/api/v1/hardship/cases/{case['id']}/advance",
        {"note": "受理"},
        content_type="application/json",
        **staff,
    ).json()
    assert advanced["stage"] == "verification"
    no_file = client.post(
        f"/api/v1/hardship/cases/{case['id']}/advance",
        {"note": "核实"},
        content_type="application/json",
        **staff,
    )
    assert no_file.status_code == 400 and "attachment" in no_file.json()["fields"]
    with_file = client.post(
        f"/api/v1/hardship/cases/{case['id']}/advance-with-file?note=入户核实", {"file": upload()}, **staff
    )
    assert with_file.json()["stage"] == "consultation"
    mine = client.get("/api/v1/hardship/cases", **bearer(client, "member")).json()
    assert [c["number"] for c in mine] == [case["number"]]
    assert client.get(f"/api/v1/hardship/cases/{case['id']}", **bearer(client, "other")).status_code == 404
    assert (
        client.get(f"/api/v1/hardship/cases/{case['id']}", **bearer(client, "staff_other")).status_code == 404
    )
    assert (
        client.post(
            "/api/v1/hardship/cases",
            {"kind": "illness", "summary": "x", "member_id": bb.member.pk},
            content_type="application/json",
            **bearer(client, "staff_other"),
        ).status_code
        == 404
    )


def test_proxy_api_code_then_claim(client, bb):
    volunteer = bearer(client, "volunteer")
    started = client.post(
        "/api/v1/proxy/consents",
        {"member": bb.member.phone, "method": "code"},
        content_type="application/json",
        **volunteer,
    )
    assert (
        started.status_code == 201
        and started.json()["granted"] is False
        and started.json()["member"] == "王**"
    )
    consent_id = started.json()["id"]
    code = Notification.objects.filter(user=bb.member_user, title__startswith="代办验证码").get().title[-6:]
    early = client.post(
        "/api/v1/claims",
        {"type": "supplies", "fields": {"item": "手套", "quantity": 1}, "proxy_consent": consent_id},
        content_type="application/json",
        **volunteer,
    )
    assert early.status_code == 403 and early.json()["code"] == "consent_required"
    assert client.post(
        f"/api/v1/proxy/consents/{consent_id}/confirm",
        {"code": code},
        content_type="application/json",
        **volunteer,
    ).json()["granted"]
    filed = client.post(
        "/api/v1/claims",
        {"type": "supplies", "fields": {"item": "手套", "quantity": 1}, "proxy_consent": consent_id},
        content_type="application/json",
        **volunteer,
    )
    assert filed.status_code == 201 and filed.json()["filed_by_proxy"] == "小刘"
    mine = client.get("/api/v1/claims", **bearer(client, "member")).json()
    assert mine[0]["id"] == filed.json()["id"] and mine[0]["filed_by_proxy"] == "小刘"
    # Someone else's consent is not usable.
    assert (
        client.post(
            "/api/v1/claims",
            {"type": "supplies", "fields": {}, "proxy_consent": consent_id},
            content_type="application/json",
            **bearer(client, "staff"),
        ).status_code
        == 404
    )


def test_proxy_signature_over_api(client, bb):
    volunteer = bearer(client, "volunteer")
    png = base64.b64encode(signature()).decode()
    sensitive = client.post(
        "/api/v1/proxy/consents",
        {"member": bb.member.member_no, "method": "signature", "signature_png": png, "purposes": ["health"]},
        content_type="application/json",
        **volunteer,
    )
    assert sensitive.status_code == 400 and "purposes" in sensitive.json()["fields"]
    ok = client.post(
        "/api/v1/proxy/consents",
        {"member": bb.member.member_no, "method": "signature", "signature_png": png},
        content_type="application/json",
        **volunteer,
    )
    assert ok.status_code == 201 and ok.json()["granted"] is True and ok.json()["purposes"] == []
    bad = client.post(
        "/api/v1/proxy/consents",
        {"member": bb.member.member_no, "method": "signature", "signature_png": "???"},
        content_type="application/json",
        **volunteer,
    )
    assert bad.status_code == 400 and "signature" in bad.json()["fields"]
    outsider = client.post(
        "/api/v1/proxy/consents",
        {"member": bb.member.phone, "method": "code"},
        content_type="application/json",
        **bearer(client, "staff_other"),
    )
    assert outsider.status_code == 400 and outsider.json()["fields"] == {
        "member": "请填写会员的手机号、用户名或会员号"
    }
    assert (
        client.post(
            "/api/v1/proxy/consents",
            {"member": bb.member.phone},
            content_type="application/json",
            **bearer(client, "other"),
        ).status_code
        == 400
    )


def test_campaign_api(client, bb, django_capture_on_commit_callbacks):
    staff = bearer(client, "staff")
    created = client.post(
        "/api/v1/campaigns",
        {
            "name": "送清凉",
            "kind": "cool",
            "items": "绿豆汤",
            "audience": {"posts": ["security"]},
            "starts_on": "2026-07-01",
            "ends_on": "2026-08-31",
        },
        content_type="application/json",
        **staff,
    )
    assert created.status_code == 201
    cid = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        launched = client.post(f"/api/v1/campaigns/{cid}/launch", **staff)
    assert launched.status_code == 202
    assert (
        client.get(f"/api/v1/campaigns/{cid}", **staff).json()["total"] == 1
    )  # the queue is immediate in tests
    mine = client.get("/api/v1/entitlements", **bearer(client, "member")).json()
    assert mine == [{"campaign": "送清凉", "items": "绿豆汤", "site": "翠湖小区", "delivered_at": None}]
    assert client.get(f"/api/v1/campaigns/{cid}", **bearer(client, "staff_other")).status_code == 404
    done = client.post(
        f"/api/v1/campaigns/{cid}/deliveries",
        {"member": bb.member.member_no},
        content_type="application/json",
        **staff,
    )
    assert done.status_code == 200 and done.json()["member"] == "王建国"
    form = {"name": "x", "kind": "cool", "items": "y", "starts_on": "2026-07-01", "ends_on": "2026-06-01"}
    bad = client.post("/api/v1/campaigns", form, content_type="application/json", **staff)
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"ends_on"}  # the service's rule
    bad = client.post("/api/v1/campaigns", form | {"kind": "hot"}, content_type="application/json", **staff)
    assert bad.status_code == 422 and set(bad.json()["fields"]) == {"kind"}  # the schema's


def test_service_items_api_follow_groups(client, bb):
    campaigns.service_items_default(org=bb.tree.union)
    from unionhome.members.groups import recompute

    bb.member.shift = "night"
    bb.member.save()
    recompute(bb.member)
    items = client.get("/api/v1/service-items", **bearer(client, "member")).json()
    assert any(i["title"] == "劳保用品" and i["link"] == "/benefits/new/supplies/" for i in items)
    listed = client.get("/api/v1/service-groups/frontline_shift/members", **bearer(client, "staff")).json()
    assert [m["name"] for m in listed] == ["王建国"]
    assert (
        client.get("/api/v1/service-groups/frontline_shift/members", **bearer(client, "staff_other")).json()
        == []
    )
    assert (
        client.get("/api/v1/service-groups/frontline_shift/members", **bearer(client, "member")).status_code
        == 403
    )


# -- pages -------------------------------------------------------------------------------------


def test_member_pages_render(bb, overtime_claim):
    claim = overtime_claim()
    client = login_client(bb.member_user)
    home = client.get("/benefits/").content.decode()
    assert "加班补贴申报" in home and claim.number in home
    form = client.get("/benefits/new/overtime/").content.decode()
    assert "考勤记录" in form and 'type="file"' in form
    assert client.get(f"/benefits/claims/{claim.pk}/").status_code == 200
    assert "自测" in client.get("/care/").content.decode()
    assert client.get("/benefits/new/recuperation-x/").status_code == 404


def test_claim_page_keeps_input_on_error_and_resubmits(bb):
    client = login_client(bb.member_user)
    response = client.post(
        "/benefits/new/overtime/",
        {"month": "2026-07-01", "hours": "20", "amount": "5000", "action": "submit"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "不能超过 2000" in page and "请上传考勤记录" in page
    assert 'value="20"' in page  # what was typed stays
    draft = Claim.objects.get()
    assert draft.status == ClaimStatus.DRAFT and draft.values == {"month": "2026-07", "hours": "20"}
    response = client.post(
        f"/benefits/claims/{draft.pk}/", {"amount": "300", "attendance": upload(), "action": "submit"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.SUBMITTED and draft.values["hours"] == "20"


def test_staff_pages_and_ledger_export(bb, overtime_claim):
    claim = overtime_claim()
    staff = login_client(bb.staff)
    assert claim.number in staff.get("/staff/benefits/").content.decode()
    response = staff.post(f"/staff/benefits/claims/{claim.pk}/", {"action": "reject", "note": ""})
    assert "必填" in response.content.decode()
    staff.post(f"/staff/benefits/claims/{claim.pk}/", {"action": "approve", "note": "同意"})
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED
    for url in (
        "/staff/benefits/types/",
        f"/staff/benefits/types/{bb.overtime.pk}/",
        "/staff/funds/",
        f"/staff/funds/{bb.fund.pk}/",
        "/staff/hardship/",
        "/staff/visits/",
        "/staff/groups/",
        "/staff/groups/hardship/",
        "/staff/campaigns/",
    ):
        assert staff.get(url).status_code == 200, url
    export = staff.get(f"/staff/funds/{bb.fund.pk}/ledger.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == funds.LEDGER_COLUMNS
    assert (
        rows[1][2] == f"加班补贴申报 {claim.number}"
        and rows[1][3] == "王建国"
        and rows[1][4] == 300
        and rows[1][7] == 9700
    )
    assert AuditLog.objects.filter(action="benefits.fund.exported").exists()
    assert login_client(bb.staff_other).get(f"/staff/funds/{bb.fund.pk}/ledger.xlsx").status_code == 404
    assert login_client(bb.member_user).get("/staff/funds/").status_code == 403


def _questions(*rows: dict) -> dict:
    data = {"f-TOTAL_FORMS": str(len(rows)), "f-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data |= {f"f-{i}-{k}": v for k, v in row.items()}
    return data


TYPE = {
    "name": "高温补贴",
    "category": "frontline",
    "approver_role": "staff",
    "deadline_days": 3,
    "delivery": "online",
    "posts": ["security"],
    "active": "on",
    "action": "save",
}


def test_staff_build_a_claim_type_question_by_question(bb):
    staff = login_client(bb.staff)
    bad = staff.post(
        "/staff/benefits/types/new/",
        TYPE
        | _questions(
            {"label": "班组", "kind": "choice"}, {"label": "天数", "kind": "text", "is_amount": "on"}
        ),
    )
    page = bad.content.decode()
    assert bad.status_code == 400 and "请列出可选的答案" in page and "申请金额要选“数字”" in page
    assert "高温补贴" in page  # what was typed stays

    more = staff.post(
        "/staff/benefits/types/new/", TYPE | _questions({"label": "高温天数"}) | {"action": "more"}
    )
    assert more.status_code == 200 and 'name="f-2-label"' in more.content.decode()

    ok = staff.post(
        "/staff/benefits/types/new/",
        TYPE
        | _questions(
            {"label": "高温天数", "kind": "number", "required": "on", "max": "60"},
            {"label": "补贴金额", "kind": "number", "required": "on", "is_amount": "on"},
            {"label": "排班表", "kind": "file", "required": "on"},
            {"label": "", "kind": "text"},
        ),
    )
    assert ok.status_code == 302
    heat = ClaimType.objects.get(name="高温补贴")
    assert heat.code == "gao-wen-bu-tie"
    assert heat.fields[0] == {
        "name": "gao_wen_tian_shu",
        "label": "高温天数",
        "kind": "number",
        "required": True,
        "max": 60.0,
    }
    assert heat.amount_field == "bu_tie_jin_e" and len(heat.fields) == 3
    assert heat.audience == {"posts": ["security"]}

    # Editing keeps each question's name, so claims already filed keep their answers.
    edit = staff.get(f"/staff/benefits/types/{heat.pk}/").content.decode()
    assert 'value="gao_wen_tian_shu"' in edit and "Delete" not in edit and "删除这一项" in edit


def test_hardship_pages_walk_a_case(bb):
    member = login_client(bb.member_user)
    result = member.post("/care/", {"form": "test", "household_size": 3, "annual_income": "96000"})
    assert "相对困难" in result.content.decode()
    member.post("/care/", {"form": "case", "kind": "illness", "summary": "爱人住院"})
    case = HardshipCase.objects.get()
    staff = login_client(bb.staff)
    page = staff.get(f"/staff/hardship/{case.pk}/").content.decode()
    assert case.number in page
    staff.post(f"/staff/hardship/{case.pk}/", {"action": "advance", "note": "已电话联系本人"})
    refused = staff.post(f"/staff/hardship/{case.pk}/", {"action": "advance", "note": "入户"})
    assert "授权书" in refused.content.decode()
    staff.post(
        f"/staff/hardship/{case.pk}/", {"action": "advance", "note": "入户核实", "attachment": upload()}
    )
    case.refresh_from_db()
    assert case.stage == "consultation"
    assert login_client(bb.staff_other).get(f"/staff/hardship/{case.pk}/").status_code == 404
    step = case.steps.exclude(attachment="").get()
    assert login_client(bb.staff_other).get(f"/staff/hardship/files/{step.pk}/").status_code == 404
    assert staff.get(f"/staff/hardship/files/{step.pk}/").status_code == 200
    assert "已电话联系本人" not in member.get("/care/").content.decode()  # internal records stay internal


def test_proxy_pages_and_appeal_by_proxy(bb):
    volunteer = login_client(bb.volunteer)
    png = "data:image/png;base64," + base64.b64encode(signature()).decode()
    response = volunteer.post("/proxy/", {"member": bb.member.phone, "method": "signature", "signature": png})
    consent_row = ProxyConsent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/proxy/{consent_row.pk}/"
    page = volunteer.get(f"/proxy/{consent_row.pk}/").content.decode()
    assert "劳保用品申领" in page and "反映诉求" in page
    empty = volunteer.post("/proxy/", {"member": bb.member.phone, "method": "signature", "signature": ""})
    assert "请让会员在框内签名" in empty.content.decode()
    response = volunteer.post(
        f"/benefits/new/supplies/?proxy={consent_row.pk}",
        {"proxy": consent_row.pk, "item": "雨衣", "quantity": "1", "action": "submit"},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and claim.member == bb.member and claim.proxy == consent_row
    response = volunteer.post(
        f"/appeals/new/?proxy={consent_row.pk}",
        {"proxy": consent_row.pk, "text": "宿舍热水器坏了一周了，请帮忙联系维修"},
    )
    from unionhome.appeals.models import Appeal

    appeal = Appeal.objects.get()
    assert appeal.member == bb.member and appeal.submitted_by == bb.volunteer
    assert AuditLog.objects.get(action="appeals.appeal.submitted").data["proxy"] == consent_row.pk
    member_home = login_client(bb.member_user).get("/benefits/").content.decode()
    assert "小刘 代办" in member_home
    assert login_client(bb.member_user).get("/proxy/").status_code == 403
    assert login_client(bb.staff).get(f"/proxy/{consent_row.pk}/").status_code == 404


def test_campaign_pages(bb, django_capture_on_commit_callbacks):
    staff = login_client(bb.staff)
    response = staff.post(
        "/staff/campaigns/",
        {
            "name": "夜班送清凉",
            "kind": "cool",
            "items": "绿豆汤",
            "starts_on": "2026-07-01",
            "ends_on": "2026-08-31",
            "posts": ["security"],
        },
    )
    assert response.status_code == 302
    page = staff.get(response["Location"]).content.decode()
    assert "1 人" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(response["Location"], {"action": "launch"})
    page = staff.get(response["Location"]).content.decode()
    assert "翠湖小区" in page
    staff.post(response["Location"], {"action": "deliver", "member": "nobody"})
    staff.post(response["Location"], {"action": "deliver", "member": bb.member.member_no})
    assert "待领取" not in login_client(bb.member_user).get("/benefits/").content.decode()


def test_visit_rating_by_the_member(bb):
    visit = hardship.visit_plan(actor=bb.staff, member=bb.member, planned_on=timezone.localdate())
    staff = login_client(bb.staff)
    staff.post(
        f"/staff/visits/{visit.pk}/",
        {"visited_on": timezone.localdate().isoformat(), "record": "送米面油", "gifts": "米面油"},
    )
    member = login_client(bb.member_user)
    assert "这次走访对您有帮助吗" in member.get("/care/").content.decode()
    member.post(f"/care/visits/{visit.pk}/rate/", {f"v{visit.pk}-rating": 4})
    visit.refresh_from_db()
    assert visit.rating == 4
    assert (
        login_client(bb.other_user)
        .post(f"/care/visits/{visit.pk}/rate/", {f"v{visit.pk}-rating": 1})
        .status_code
        == 404
    )


def test_pages_in_english(bb):
    client = login_client(bb.member_user)
    client.cookies["django_language"] = "en"
    page = client.get("/benefits/").content.decode()
    assert "My claims" in page and "我的申领" not in page
    care = client.get("/care/").content.decode()
    assert "Apply for assistance" in care


def test_other_union_gets_404_on_every_staff_record(client, bb):
    visit = hardship.visit_plan(actor=bb.staff, member=bb.member, planned_on=timezone.localdate())
    case = hardship.hardship_case_open(actor=bb.staff, member=bb.member, kind="illness", summary="住院")
    campaign = campaigns.campaign_save(
        actor=bb.staff,
        org=bb.tree.union,
        name="送温暖",
        kind="warm",
        items="棉衣",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2027, 1, 31),
    )
    outsider = login_client(bb.staff_other)
    for url in (
        f"/staff/visits/{visit.pk}/",
        f"/staff/benefits/types/{bb.overtime.pk}/",
        f"/staff/funds/{bb.fund.pk}/",
        f"/staff/campaigns/{campaign.pk}/",
        f"/staff/hardship/{case.pk}/",
    ):
        assert outsider.get(url).status_code == 404, url
    headers = bearer(client, "staff_other")
    assert client.get(f"/api/v1/funds/{bb.fund.pk}/ledger", **headers).status_code == 404
    assert (
        client.post(
            f"/api/v1/hardship/cases/{case.pk}/advance",
            {"note": "x"},
            content_type="application/json",
            **headers,
        ).status_code
        == 404
    )
    record = {"visited_on": timezone.localdate().isoformat(), "record": "送米"}
    assert (
        client.post(
            f"/api/v1/visits/{visit.pk}/record", record, content_type="application/json", **headers
        ).status_code
        == 404
    )
    member_b = bearer(client, "other")
    assert (
        client.post(
            f"/api/v1/visits/{visit.pk}/evaluate", {"rating": 1}, content_type="application/json", **member_b
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/campaigns/{campaign.pk}/deliveries",
            {"member": bb.member.member_no},
            content_type="application/json",
            **headers,
        ).status_code
        == 404
    )


def test_the_member_sees_and_revokes_a_proxy_consent(bb, client):
    """Proxy consents are listed to the member apart from their own consents, and revocable from
    the page and the API; nobody else can revoke them, and a revoked one files nothing."""
    consent_row = proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=signature())
    member = login_client(bb.member_user)
    page = member.get("/benefits/").content.decode()
    assert "代办授权" in page and "小刘" in page and "撤销授权" in page
    # another member, and the volunteer, cannot revoke it
    assert (
        login_client(bb.other_user).post(f"/benefits/proxy-consents/{consent_row.pk}/revoke/").status_code
        == 404
    )
    other_api = bearer(client, "other")
    assert client.post(f"/api/v1/me/proxy-consents/{consent_row.pk}/revoke", **other_api).status_code == 404
    assert client.get("/api/v1/me/proxy-consents", **other_api).json() == []
    listed = client.get("/api/v1/me/proxy-consents", **bearer(client, "member")).json()
    assert [(c["id"], c["proxy"], c["live"]) for c in listed] == [(consent_row.pk, "小刘", True)]
    assert member.post(f"/benefits/proxy-consents/{consent_row.pk}/revoke/").status_code == 302
    consent_row.refresh_from_db()
    assert consent_row.revoked_at is not None
    assert "已撤销" in member.get("/benefits/").content.decode()
    volunteer = login_client(bb.volunteer)
    refused = volunteer.post(
        f"/benefits/new/supplies/?proxy={consent_row.pk}",
        {"proxy": consent_row.pk, "item": "雨衣", "quantity": "1", "action": "submit"},
    )
    assert refused.status_code in (403, 404) and not Claim.objects.exists()


def test_the_proxy_code_reaches_the_member_but_not_the_log(
    bb, settings, caplog, django_capture_on_commit_callbacks
):
    """Issue #19, item 12: the console channel logged the code."""
    settings.NOTIFY_CHANNELS = ["console"]
    caplog.set_level("DEBUG")
    with django_capture_on_commit_callbacks(execute=True):
        _pending, code = proxies.proxy_request_code(actor=bb.volunteer, member=bb.member)
    notification = Notification.objects.get(user=bb.member_user, title__contains="验证码")
    assert code in notification.title
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert f"notification {notification.pk}" in logged  # it went through the console channel
    assert code not in logged


def test_a_site_that_is_no_record_id_is_answered_not_crashed_on(bb):
    """`²` passes str.isdigit() and int() refuses it; a number past 2**63 overflows the driver."""
    campaign = campaigns.campaign_save(
        actor=bb.staff, org=bb.tree.union, name="送清凉", kind="cool", items="绿豆汤",
        starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 8, 31),
    )  # fmt: skip
    staff = login_client(bb.staff)
    for site in ("²", str(2**64), "-1"):
        r = staff.post(f"/staff/campaigns/{campaign.pk}/", {"action": "deliver_site", "site": site})
        assert r.status_code == 302, site
