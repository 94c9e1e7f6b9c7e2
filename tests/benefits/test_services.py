from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from unionhome.benefits import campaigns, funds, hardship, services
from unionhome.benefits.catalogue import DEFAULT_TYPES
from unionhome.benefits.models import (
    Campaign,
    CampaignStatus,
    Claim,
    ClaimStatus,
    ClaimType,
    Entitlement,
    FundEntry,
    HardshipStage,
    ServiceItem,
)
from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound
from unionhome.core.models import AuditLog, Notification
from unionhome.core.workdays import workdays_after
from unionhome.members import proxy as proxies
from unionhome.members.models import Consent, ConsentPurpose, ProxyConsent, Shift

from ..factories import MemberFactory
from .conftest import consent, signature, upload

# -- catalogue and claims ----------------------------------------------------------------------


def test_default_catalogue_is_seed_table_one(bb):
    codes = set(ClaimType.objects.filter(org=bb.tree.union).values_list("code", flat=True))
    assert codes == {t["code"] for t in DEFAULT_TYPES}
    assert {
        "overtime",
        "supplies",
        "festival",
        "transport",
        "home_leave",
        "certificate",
        "health_check",
        "recuperation",
    } <= codes
    assert bb.supplies.delivery == "offline"


def test_claim_goes_draft_submitted_approved_delivered(bb, overtime_claim):
    claim = overtime_claim(submit=False)
    assert claim.status == ClaimStatus.DRAFT and claim.amount == Decimal("300")
    claim = services.claim_save(actor=bb.member_user, claim=claim, values={}, submit=True)
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.due_on == workdays_after(timezone.localdate(), bb.overtime.deadline_days)
    services.claim_approve(claim=claim, actor=bb.staff, note="同意")
    bb.fund.refresh_from_db()
    assert bb.fund.spent == Decimal("300")
    assert FundEntry.objects.get(claim=claim).amount == Decimal("300")
    services.claim_deliver(claim=claim, actor=bb.staff, note="已发放到工资卡")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DELIVERED
    actions = list(
        AuditLog.objects.filter(
            object_id=str(claim.pk), object_type="benefits.claim", timeline=True
        ).values_list("action", flat=True)
    )
    assert actions == [
        "benefits.claim.drafted",
        "benefits.claim.submitted",
        "benefits.claim.approved",
        "benefits.claim.delivered",
    ]
    assert Notification.objects.filter(user=bb.member_user, title__contains="已发放").exists()


def test_returned_claim_keeps_everything_given(bb, overtime_claim):
    claim = overtime_claim()
    services.claim_return(claim=claim, actor=bb.staff, note="考勤照片看不清，请重拍")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETURNED and claim.staff_note.startswith("考勤")
    first_file = claim.files.get()
    # Only the new photo is sent: hours, month and amount stay.
    services.claim_save(
        actor=bb.member_user, claim=claim, values={}, files={"attendance": upload("new.png")}, submit=True
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.values == {"month": "2026-07", "hours": "20", "amount": "300"}
    assert claim.files.count() == 1 and claim.files.get().pk != first_file.pk


def test_reject_needs_a_reason(bb, overtime_claim):
    claim = overtime_claim()
    with pytest.raises(DomainError) as exc:
        services.claim_reject(claim=claim, actor=bb.staff, reason="  ")
    assert exc.value.fields == {"reason": "必填"}
    services.claim_reject(claim=claim, actor=bb.staff, reason="当月无加班记录")
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED


def test_bad_input_gets_field_reasons(bb):
    with pytest.raises(DomainError) as exc:
        services.claim_save(
            actor=bb.member_user,
            ctype=bb.overtime,
            values={"month": "七月", "hours": "20", "amount": "5000"},
            files={"attendance": upload("a.txt", b"just some text", "text/plain")},
            submit=True,
        )
    fields = exc.value.fields
    assert fields["month"] == "月份格式应为 2026-07"
    assert fields["amount"] == "不能超过 2000"
    assert fields["attendance"] == "只能上传图片或 PDF"
    assert "hours" not in fields
    assert not Claim.objects.exists()


def test_missing_material_on_the_page_keeps_the_rest_as_a_draft(bb):
    with pytest.raises(DomainError) as exc:
        services.claim_save(
            actor=bb.member_user,
            ctype=bb.overtime,
            values={"month": "2026-07-01", "hours": "20", "amount": "300"},
            files={},
            submit=True,
            keep_draft_on_error=True,
        )
    assert exc.value.fields["attendance"] == "请上传考勤记录（照片或 PDF）"
    claim = Claim.objects.get(pk=int(exc.value.fields["claim"]))
    assert claim.status == ClaimStatus.DRAFT
    assert claim.values == {"month": "2026-07", "hours": "20", "amount": "300"}


def test_eligibility_by_post(bb):
    bb.other.post = "service"
    bb.other.save()
    with pytest.raises(DomainError) as exc:
        services.claim_save(actor=bb.other_user, ctype=bb.overtime, values={}, submit=False)
    assert exc.value.fields == {"type": "不在可申领范围内"}
    assert services.claim_type_allowed(bb.supplies, bb.member) is True
    assert services.claim_type_allowed(bb.supplies, bb.other) is False


def test_sensitive_value_needs_consent_is_encrypted_and_masked(bb):
    values = {
        "trip_on": "2026-02-01",
        "route": "北京—信阳",
        "amount": "320",
        "bank_account": "6222020200112233445",
    }
    with pytest.raises(DomainError) as exc:
        services.claim_save(
            actor=bb.member_user, ctype=bb.transport, values=values, files={"ticket": upload()}, submit=True
        )
    assert "收入与银行账户" in exc.value.fields["bank_account"]
    consent(bb.member, ConsentPurpose.FINANCIAL)
    claim = services.claim_save(
        actor=bb.member_user, ctype=bb.transport, values=values, files={"ticket": upload()}, submit=True
    )
    assert "bank_account" not in claim.values
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sensitive FROM benefits_claim WHERE id = %s", [claim.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:") and "6222" not in stored
    assert services.mask_value("6222020200112233445") == "****3445"
    assert services.claim_reveal(claim=claim, actor=bb.staff) == {"bank_account": "6222020200112233445"}
    assert AuditLog.objects.filter(action="benefits.claim.viewed_sensitive", actor=bb.staff).count() == 1
    with pytest.raises(NotFound):
        services.claim_reveal(claim=claim, actor=bb.staff_other)


def test_outsiders_cannot_act_on_a_claim(bb, overtime_claim):
    claim = overtime_claim()
    with pytest.raises(NotFound):
        services.claim_approve(claim=claim, actor=bb.staff_other)
    with pytest.raises(NotFound):
        services.claim_save(actor=bb.other_user, claim=claim, values={}, submit=False)
    assert services.can_view_claim(bb.other_user, claim) is False
    assert services.can_view_claim(bb.staff, claim) is True


def test_chair_type_needs_chair(bb):
    recup = ClaimType.objects.get(org=bb.tree.union, code="recuperation")
    claim = services.claim_save(
        actor=bb.member_user, ctype=recup, values={"batch": "春季", "years": "12"}, submit=True
    )
    with pytest.raises(Forbidden):
        services.claim_approve(claim=claim, actor=bb.staff)
    services.claim_approve(claim=claim, actor=bb.chair)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED


# -- funds -------------------------------------------------------------------------------------


def test_above_threshold_only_the_signer_approves(bb, overtime_claim):
    claim = overtime_claim(amount="1500")
    with pytest.raises(Forbidden) as exc:
        services.claim_approve(claim=claim, actor=bb.staff)
    assert exc.value.code == "signer_required" and "赵主席" in exc.value.message
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED  # nothing half-done
    services.claim_approve(claim=claim, actor=bb.chair)
    entry = FundEntry.objects.get(claim=claim)
    assert entry.signed_by == bb.chair


def test_budget_is_never_overspent(bb, overtime_claim):
    bb.fund.budget = Decimal("500")
    bb.fund.save()
    first, second = overtime_claim(amount="300"), overtime_claim(amount="300")
    services.claim_approve(claim=first, actor=bb.staff)
    with pytest.raises(Conflict) as exc:
        services.claim_approve(claim=second, actor=bb.staff)
    assert exc.value.code == "over_budget" and "剩余 200.00 元" in exc.value.message
    second.refresh_from_db()
    assert second.status == ClaimStatus.SUBMITTED
    services.claim_approve(claim=second, actor=bb.staff, amount=Decimal("200"))
    bb.fund.refresh_from_db()
    assert bb.fund.spent == bb.fund.budget == Decimal("500")


def test_ledger_rows_run_the_balance(bb, overtime_claim):
    services.claim_approve(claim=overtime_claim(amount="300"), actor=bb.staff)
    services.claim_approve(claim=overtime_claim(amount="200"), actor=bb.staff)
    rows = funds.ledger_rows(bb.fund)
    assert [r[4] for r in rows] == [300.0, 200.0]
    assert [r[7] for r in rows] == [9700.0, 9500.0]
    assert rows[0][3] == "王建国"


# -- proxy -------------------------------------------------------------------------------------


def test_proxy_by_code_files_for_the_member(bb):
    consent_row, code = proxies.proxy_request_code(actor=bb.volunteer, member=bb.member)
    note = Notification.objects.get(user=bb.member_user, title__startswith="代办验证码")
    assert code in note.title
    with pytest.raises(DomainError):
        proxies.proxy_confirm_code(
            consent=consent_row, actor=bb.volunteer, code="000000" if code != "000000" else "111111"
        )
    proxies.proxy_confirm_code(consent=consent_row, actor=bb.volunteer, code=code)
    claim = services.claim_save(
        actor=bb.volunteer,
        ctype=bb.supplies,
        values={"item": "防滑鞋", "size": "42", "quantity": "1"},
        submit=True,
        proxy=consent_row,
    )
    assert claim.member == bb.member and claim.filed_by == bb.volunteer and claim.proxy == consent_row
    assert Notification.objects.filter(user=bb.member_user, body__contains="小刘").exists()
    assert AuditLog.objects.filter(action="members.proxy.granted", actor=bb.volunteer).exists()
    assert (
        AuditLog.objects.get(action="benefits.claim.submitted", object_id=str(claim.pk)).data["proxy"]
        == consent_row.pk
    )


def test_proxy_needs_consent_and_scope(bb):
    pending, _code = proxies.proxy_request_code(actor=bb.volunteer, member=bb.member)
    with pytest.raises(DomainError) as exc:
        services.claim_save(
            actor=bb.volunteer,
            ctype=bb.supplies,
            values={"item": "手套", "quantity": "1"},
            submit=True,
            proxy=pending,
        )
    assert exc.value.code == "consent_required"
    outsider = MemberFactory(org=bb.tree.other_union)
    with pytest.raises(NotFound):
        proxies.proxy_request_code(actor=bb.volunteer, member=outsider)
    with pytest.raises(DomainError):
        proxies.proxy_find_member(actor=bb.volunteer, query=outsider.phone)
    for _ in range(proxies.PROXY_MAX_ATTEMPTS):
        with pytest.raises(DomainError):
            proxies.proxy_confirm_code(consent=pending, actor=bb.volunteer, code="x")
        pending.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        proxies.proxy_confirm_code(consent=pending, actor=bb.volunteer, code=_code)
    assert exc.value.code == "expired"


def test_a_signature_lets_a_volunteer_file_but_grants_no_sensitive_data(bb):
    """Issue #19, item 2: a signature granted ordinary, never-expiring consent rows for health and
    financial data. Now it grants filing for its window and nothing sensitive."""
    from unionhome.members.services import consent_current

    with pytest.raises(DomainError) as refused:
        proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=signature(), purposes=["financial"])
    assert "purposes" in refused.value.fields
    consent_row = proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=signature())
    assert consent_row.granted_at and consent_row.signature.name.endswith(".png") and consent_row.live
    assert consent_current(bb.member).get("financial", False) is False
    assert proxies.consents_in_force(bb.member, consent_row) == set()
    assert not Consent.objects.filter(member=bb.member).exists()
    with pytest.raises(DomainError):
        proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=b"not an image" * 40)
    consent_row.expires_at = timezone.now() - dt.timedelta(minutes=1)
    consent_row.save()
    with pytest.raises(DomainError):
        proxies.proxy_check(consent=consent_row, actor=bb.volunteer)


def _picture(draw=None, size=(600, 240), mode="RGB", background="white") -> bytes:
    import io

    from PIL import Image, ImageDraw

    canvas = Image.new(mode, size, background)
    if draw:
        draw(ImageDraw.Draw(canvas))
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("png", "reason"),
    [
        (lambda: _picture(), "没有看到签名"),  # the blank pad
        (lambda: _picture(background=(240, 235, 200)), "没有看到签名"),  # one light colour
        (lambda: _picture(background=(200, 30, 30)), "签名不清楚"),  # one dark colour
        (lambda: _picture(mode="RGBA", background=(0, 0, 0, 0)), "没有看到签名"),  # transparent
        (lambda: _picture(lambda d: d.point([(10, 10), (20, 20)], fill="black")), "没有看到签名"),  # a speck
        (lambda: _picture(lambda d: d.rectangle([0, 0, 500, 239], fill="black")), "签名不清楚"),  # a block
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 400, "无法读取"),  # a PNG header and nothing
        (lambda: _picture(size=(5000, 1000)), "无法读取"),  # too many pixels for a pad
    ],
)
def test_a_signature_must_have_ink(bb, png, reason):
    with pytest.raises(DomainError) as refused:
        proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=png())
    assert reason in refused.value.fields["signature"]
    assert not ProxyConsent.objects.filter(granted_at__isnull=False).exists()


def test_a_code_the_member_reads_out_grants_sensitive_data_for_that_proxy_only(bb):
    pending, code = proxies.proxy_request_code(actor=bb.volunteer, member=bb.member, purposes=["financial"])
    granted = proxies.proxy_confirm_code(consent=pending, actor=bb.volunteer, code=code)
    assert proxies.consents_in_force(bb.member, granted) == {"financial"}
    assert proxies.consents_in_force(bb.member) == set()  # the member's own consents are untouched
    proxies.proxy_revoke(consent=granted, member=bb.member, actor=bb.member_user)
    granted.refresh_from_db()
    assert not granted.live and proxies.consents_in_force(bb.member, granted) == set()
    with pytest.raises(DomainError) as refused:
        proxies.proxy_check(consent=granted, actor=bb.volunteer)
    assert refused.value.code == "consent_revoked"
    assert Notification.objects.filter(user=bb.volunteer, title__contains="撤销").exists()


# -- hardship ----------------------------------------------------------------------------------

LINE = hardship.Thresholds(Decimal("1450"))


@pytest.mark.parametrize(
    ("size", "income", "costs", "level"),
    [
        (3, "48000", "0", "deep"),  # 1,333.33 a month each
        (3, "96000", "0", "relative"),  # 2,666.67 < 2,900
        (2, "120000", "100000", "accident"),  # 5,000 each, costs 83%
        (2, "120000", "90000", "none"),  # 75%
        (1, "0", "0", "deep"),
    ],
)
def test_self_test_levels(size, income, costs, level):
    got, why = hardship.self_test(
        household_size=size, annual_income=Decimal(income), unavoidable_costs=Decimal(costs), thresholds=LINE
    )
    assert got == level
    assert "1450.00" in why


@given(
    size=st.integers(1, 10),
    income=st.decimals(0, 1_000_000, places=2),
    costs=st.decimals(0, 1_000_000, places=2),
    line=st.decimals(100, 5000, places=2),
)
@settings(max_examples=200, deadline=None)
def test_self_test_is_monotone_in_income(size, income, costs, line):
    """More income never makes the level worse-off-sounding: deep → relative → accident/none."""
    rank = {"deep": 0, "relative": 1, "accident": 2, "none": 2}
    t = hardship.Thresholds(line)
    low, _w = hardship.self_test(
        household_size=size, annual_income=income, unavoidable_costs=costs, thresholds=t
    )
    high, _w = hardship.self_test(
        household_size=size, annual_income=income * 2 + 1, unavoidable_costs=costs, thresholds=t
    )
    assert rank[low] <= rank[high]


def test_local_policy_overrides_default(bb):
    from unionhome.benefits.models import HardshipPolicy

    assert hardship.policy_for(bb.tree.branch).min_living_monthly == Decimal("1450")
    HardshipPolicy.objects.create(org=bb.tree.street, min_living_monthly=Decimal("1100"))
    assert hardship.policy_for(bb.tree.branch).min_living_monthly == Decimal("1100")


def test_hardship_case_walks_every_stage_with_owner_and_deadline(bb):
    consent(bb.member, ConsentPurpose.FINANCIAL)
    consent(bb.member, ConsentPurpose.HEALTH)
    case = hardship.hardship_case_open(
        actor=bb.member_user,
        kind="illness",
        summary="爱人重病住院",
        details={
            "household_size": 3,
            "annual_income": "48000",
            "health": "肺部手术",
            "bank_account": "6222000011112222",
        },
    )
    assert case.stage == "intake" and case.suggested_level == "deep"
    assert case.due_on == workdays_after(timezone.localdate(), 1)
    assert Notification.objects.filter(user=bb.staff, title__contains=case.number).exists()
    hardship.case_assign(case=case, actor=bb.staff, owner=bb.staff)
    hardship.case_advance(case=case, actor=bb.staff, note="已受理，安排入户")
    assert case.stage == "verification" and case.due_on == workdays_after(timezone.localdate(), 5)
    with pytest.raises(DomainError) as exc:
        hardship.case_advance(case=case, actor=bb.staff, note="入户走访")
    assert "授权书" in exc.value.fields["attachment"]
    hardship.case_advance(
        case=case, actor=bb.staff, note="入户核实：住院费用清单已看", attachment=upload("auth.png")
    )
    hardship.case_advance(case=case, actor=bb.staff, note="会商：工会、人力、班组长一致同意")
    with pytest.raises(DomainError) as exc:
        hardship.case_advance(case=case, actor=bb.staff, note="决定", level="deep")
    assert set(exc.value.fields) == {"amount", "fund"}
    hardship.case_advance(
        case=case, actor=bb.chair, note="批准", level="deep", amount=Decimal("3000"), fund=bb.fund
    )
    assert case.stage == "follow_up" and case.level == "deep"
    bb.fund.refresh_from_db()
    assert bb.fund.spent == Decimal("3000")
    hardship.case_advance(case=case, actor=bb.staff, note="一个月后回访，已出院")
    assert case.stage == HardshipStage.CLOSED and case.closed_at
    steps = list(case.steps.values_list("stage", flat=True))
    assert steps == ["intake", "verification", "consultation", "decision", "follow_up"]
    assert all(s.owner_id and s.due_on and s.done_at for s in case.steps.all())
    # The member's timeline shows stages and the level, never the internal records.
    from unionhome.core.audit import timeline_entries

    notes = " ".join(e["note"] for e in timeline_entries(case))
    assert "认定结果：深度困难" in notes and "住院费用" not in notes


def test_urgent_cases_jump_the_queue_with_shorter_deadlines(bb):
    calm = hardship.hardship_case_open(actor=bb.staff, member=bb.other, kind="injury", summary="工伤康复")
    urgent = hardship.hardship_case_open(
        actor=bb.staff, member=bb.member, kind="emergency", summary="家中火灾", urgent=True
    )
    assert urgent.due_on == timezone.localdate()
    assert list(hardship.cases_for(bb.staff)) == [urgent, calm]


def test_details_need_consent_are_encrypted_and_reading_is_logged(bb):
    with pytest.raises(DomainError) as exc:
        hardship.hardship_case_open(
            actor=bb.member_user, kind="illness", summary="住院", details={"health": "癌症"}
        )
    assert "健康信息" in exc.value.fields["health"]
    consent(bb.member, ConsentPurpose.HEALTH)
    case = hardship.hardship_case_open(
        actor=bb.member_user, kind="illness", summary="住院", details={"health": "癌症"}
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM benefits_hardshipcase WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:") and "癌症" not in stored
    assert hardship.case_details(case=case, actor=bb.staff) == {"health": "癌症"}
    assert AuditLog.objects.filter(action="benefits.hardship.viewed_sensitive").count() == 1
    with pytest.raises(NotFound):
        hardship.case_details(case=case, actor=bb.staff_other)
    with pytest.raises(NotFound):
        hardship.case_get(user=bb.other_user, pk=case.pk)


def test_notice_shows_the_minimum_and_expires(bb):
    case = hardship.hardship_case_open(actor=bb.staff, member=bb.member, kind="illness", summary="住院")
    for note in ("受理", "核实"):
        hardship.case_advance(
            case=case, actor=bb.staff, note=note, attachment=upload() if note == "核实" else None
        )
    hardship.case_advance(case=case, actor=bb.staff, note="会商")
    with pytest.raises(Conflict):
        hardship.notice_publish(case=case, actor=bb.staff, until=timezone.localdate() + dt.timedelta(days=7))
    hardship.case_advance(
        case=case, actor=bb.chair, note="批准", level="relative", amount=Decimal("2000"), fund=bb.fund
    )
    notice = hardship.notice_publish(
        case=case, actor=bb.staff, until=timezone.localdate() + dt.timedelta(days=7)
    )
    assert notice.text == "王** · 保安分会 · 相对困难 · 帮扶 2000.00 元"
    assert list(hardship.notices_for(bb.other)) == [notice]
    outsider = MemberFactory(org=bb.tree.other_union)
    assert list(hardship.notices_for(outsider)) == []
    notice.until = timezone.localdate() - dt.timedelta(days=1)
    notice.save()
    assert list(hardship.notices_for(bb.other)) == []


def test_reminders_go_once_per_day(bb):
    case = hardship.hardship_case_open(
        actor=bb.staff, member=bb.member, kind="illness", summary="住院", urgent=True
    )
    assert hardship.remind_due_cases() == 1
    assert hardship.remind_due_cases() == 0
    assert Notification.objects.filter(user=bb.staff, ref__startswith=f"hardship:{case.pk}:").count() == 1


# -- pairing and visits ------------------------------------------------------------------------


def test_pairing_visit_and_public_summary(bb):
    pairing = hardship.pairing_create(actor=bb.staff, cadre=bb.chair, member=bb.member, plan="每月走访一次")
    with pytest.raises(Conflict):
        hardship.pairing_create(actor=bb.staff, cadre=bb.chair, member=bb.member)
    visit = hardship.visit_plan(
        actor=bb.staff, member=bb.member, planned_on=timezone.localdate(), pairing=pairing, visitor=bb.chair
    )
    with pytest.raises(Conflict):
        hardship.visit_evaluate(visit=visit, actor=bb.member_user, rating=5)
    hardship.visit_record(
        visit=visit, actor=bb.chair, visited_on=timezone.localdate(), record="送米面油", gifts="米面油"
    )
    hardship.visit_evaluate(visit=visit, actor=bb.member_user, rating=5, evaluation="很暖心")
    with pytest.raises(NotFound):
        hardship.visit_evaluate(visit=visit, actor=bb.other_user, rating=1)
    summary = hardship.visit_summary(bb.tree.union)
    assert summary["pairings"] == 1 and summary["done"] == 1 and summary["rating"] == 5
    assert "王建国" not in str(summary)


# -- service groups and campaigns --------------------------------------------------------------


def test_service_items_follow_the_profile(bb):
    from unionhome.members.groups import recompute

    campaigns.service_items_default(org=bb.tree.union)
    assert ServiceItem.objects.filter(org=bb.tree.union).count() >= 12
    bb.member.shift = Shift.NIGHT
    bb.member.save()
    recompute(bb.member)
    titles = [i.title for _g, items in campaigns.items_for_member(bb.member) for i in items]
    assert "夜班餐食" in titles
    supplies = ServiceItem.objects.get(org=bb.tree.union, title="劳保用品")
    assert supplies.claim_type == bb.supplies
    assert bb.member in campaigns.group_members(actor=bb.staff, group="frontline_shift")
    bb.member.shift = Shift.DAY
    bb.member.save()
    recompute(bb.member)
    assert "夜班餐食" not in [i.title for _g, items in campaigns.items_for_member(bb.member) for i in items]
    assert bb.member not in campaigns.group_members(actor=bb.staff, group="frontline_shift")


def test_campaign_creates_entitlements_in_bulk_and_tracks_delivery(bb, settings):
    settings.HUEY = {**settings.HUEY, "immediate": True}
    night = [MemberFactory(org=bb.tree.union, site=bb.tree.site, shift=Shift.NIGHT) for _ in range(5)]
    MemberFactory(org=bb.tree.union, shift=Shift.DAY)
    MemberFactory(org=bb.tree.other_union, shift=Shift.NIGHT)  # another union: not included
    campaign = campaigns.campaign_save(
        actor=bb.staff,
        org=bb.tree.union,
        name="2026 送清凉",
        kind="cool",
        items="绿豆汤、藿香正气水",
        audience={"shifts": ["night"]},
        starts_on=dt.date(2026, 7, 1),
        ends_on=dt.date(2026, 8, 31),
    )
    total = campaigns.entitlements_create(campaign.pk)
    campaign.refresh_from_db()
    assert total == 5 and campaign.total == 5 and campaign.status == CampaignStatus.ACTIVE
    assert set(Entitlement.objects.values_list("member_id", flat=True)) == {m.pk for m in night}
    assert campaigns.entitlements_create(campaign.pk) == 5  # a rerun adds nothing
    assert campaigns.entitlement_deliver_by_member(
        actor=bb.staff, campaign=campaign, query=night[0].member_no
    ).delivered_at
    with pytest.raises(Conflict):
        campaigns.entitlement_deliver_by_member(actor=bb.staff, campaign=campaign, query=night[0].member_no)
    assert (
        campaigns.entitlements_deliver_site(actor=bb.staff, campaign=campaign, site_id=bb.tree.site.pk) == 4
    )
    assert campaigns.campaign_progress(campaign) == [
        {"site_id": bb.tree.site.pk, "site": "翠湖小区", "total": 5, "delivered": 5}
    ]
    with pytest.raises(NotFound):
        campaigns.campaign_get(user=bb.staff_other, pk=campaign.pk)


def test_campaign_launch_queues_the_job_and_refuses_twice(bb, django_capture_on_commit_callbacks):
    MemberFactory(org=bb.tree.union)
    campaign = campaigns.campaign_save(
        actor=bb.staff,
        org=bb.tree.union,
        name="送温暖",
        kind="warm",
        items="棉大衣",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2027, 1, 31),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        campaigns.campaign_launch(campaign=campaign, actor=bb.staff)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CREATING
    assert len(callbacks) == 1 and Entitlement.objects.count() == 0
    with pytest.raises(Conflict):
        campaigns.campaign_launch(campaign=campaign, actor=bb.staff)
    for callback in callbacks:  # the queue (immediate in tests) runs the job
        callback()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE and campaign.total == Entitlement.objects.count() >= 1


def test_volunteer_opens_a_hardship_case_with_consent(bb):
    pending, code = proxies.proxy_request_code(actor=bb.volunteer, member=bb.member, purposes=["financial"])
    consent_row = proxies.proxy_confirm_code(consent=pending, actor=bb.volunteer, code=code)
    case = hardship.hardship_case_open(
        actor=bb.volunteer,
        kind="emergency",
        summary="家中失火",
        details={"household_size": 2, "annual_income": "20000"},
        proxy=consent_row,
    )
    assert case.member == bb.member and case.proxy == consent_row and case.suggested_level == "deep"
    assert case.owner is None  # a volunteer opens it; staff pick it up
    with pytest.raises(NotFound):
        hardship.hardship_case_open(actor=bb.staff, kind="illness", summary="x", proxy=consent_row)


def test_consents_a_proxy_wrote_before_are_withdrawn_by_the_migration(bb):
    """Before proxy consent was kept apart, a signature wrote the member's own, never-ending
    consent rows, recorded by the volunteer; the migration withdraws those and no other."""
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from unionhome.members.services import consent_current

    migration = importlib.import_module("unionhome.benefits.migrations.0003_withdraw_proxy_written_consents")
    Consent.objects.create(member=bb.member, purpose="financial", granted=True, recorded_by=bb.volunteer)
    Consent.objects.create(member=bb.member, purpose="health", granted=True, recorded_by=bb.member_user)
    Consent.objects.create(member=bb.other, purpose="financial", granted=True, recorded_by=bb.volunteer)
    Consent.objects.create(member=bb.other, purpose="financial", granted=True, recorded_by=bb.other_user)
    old = ProxyConsent.objects.create(
        member=bb.member,
        actor=bb.volunteer,
        method="signature",
        purposes=["financial"],
        expires_at=timezone.now(),
    )
    then = MigrationLoader(connection).project_state(("benefits", "0003_withdraw_proxy_written_consents"))
    migration.withdraw(then.apps, None)  # the models as they were when it ran
    assert consent_current(bb.member) == {"financial": False, "health": True}
    assert consent_current(bb.other)["financial"] is True  # the member's own later decision stands
    old.refresh_from_db()
    assert old.purposes == []


def test_a_signature_proxy_does_not_borrow_the_members_own_consent(bb):
    """The member agreed to the union using their bank account; a volunteer holding a signature
    still may not type one in (a redirected payout)."""
    consent(bb.member, ConsentPurpose.FINANCIAL)
    signed = proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=signature())
    assert proxies.consents_in_force(bb.member) == {"financial"}
    assert proxies.consents_in_force(bb.member, signed) == set()
    with pytest.raises(DomainError) as refused:
        services.claim_save(
            actor=bb.volunteer,
            ctype=bb.transport,
            values={
                "trip_on": "2026-12-01",
                "route": "深圳—周口",
                "amount": "120",
                "bank_account": "6222020200001234",
            },
            proxy=signed,
            submit=False,
        )
    assert "bank_account" in refused.value.fields


def test_a_proxy_sees_what_it_filed_only_while_the_consent_lasts(bb):
    signed = proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=signature())
    claim = services.claim_save(
        actor=bb.volunteer,
        ctype=bb.supplies,
        values={"item": "雨衣", "quantity": "1"},
        proxy=signed,
        submit=True,
    )
    assert services.can_view_claim(bb.volunteer, claim)
    proxies.proxy_revoke(consent=signed, member=bb.member, actor=bb.member_user)
    claim.refresh_from_db()
    assert not services.can_view_claim(bb.volunteer, claim)
    assert services.can_view_claim(bb.member_user, claim) and services.can_view_claim(bb.staff, claim)


def test_a_member_who_left_cannot_file_nor_be_filed_for(bb):
    from unionhome.members.models import MemberStatus

    draft = services.claim_save(
        actor=bb.member_user, ctype=bb.supplies, values={"item": "雨衣", "quantity": "1"}, submit=False
    )
    signed = proxies.proxy_sign(actor=bb.volunteer, member=bb.member, png=signature())
    bb.member.status = MemberStatus.LEFT
    bb.member.save()
    with pytest.raises(DomainError) as own:
        services.claim_save(actor=bb.member_user, ctype=bb.supplies, values={}, claim=draft, submit=True)
    assert own.value.status == 403
    with pytest.raises(DomainError) as proxied:
        hardship.hardship_case_open(actor=bb.volunteer, kind="illness", summary="住院", proxy=signed)
    assert proxied.value.status == 403


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_at_a_proxy_code_stop_at_the_limit(bb):
    """Twenty guesses at once, each on its own connection: every try is counted before it is
    checked, by one conditional UPDATE, so only PROXY_MAX_ATTEMPTS are ever checked."""
    import threading

    from django.db import connection

    pending, code = proxies.proxy_request_code(actor=bb.volunteer, member=bb.member)
    wrong = [f"{n:06d}" for n in range(40) if f"{n:06d}" != code][:20]
    outcomes = []
    start = threading.Barrier(len(wrong))

    def guess(value):
        try:
            start.wait()
            proxies.proxy_confirm_code(consent=pending, actor=bb.volunteer, code=value)
            outcomes.append("granted")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(v,)) for v in wrong]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes.count("invalid") == proxies.PROXY_MAX_ATTEMPTS
    assert outcomes.count("expired") == len(wrong) - proxies.PROXY_MAX_ATTEMPTS
    pending.refresh_from_db()
    assert pending.attempts == proxies.PROXY_MAX_ATTEMPTS
    with pytest.raises(DomainError):
        proxies.proxy_confirm_code(consent=pending, actor=bb.volunteer, code=code)


def test_a_volunteer_cannot_text_a_member_codes_all_day(bb):
    from unionhome.core.throttle import Throttled

    for _ in range(proxies.PROXY_CODES_PER_MEMBER):
        proxies.proxy_request_code(actor=bb.volunteer, member=bb.member)
    with pytest.raises(Throttled):
        proxies.proxy_request_code(actor=bb.volunteer, member=bb.member)
