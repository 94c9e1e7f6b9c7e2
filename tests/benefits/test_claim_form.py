"""A claim form a member can fill: required fields marked and, when missing, outlined; numbers
with a stepper; a month as a month; an empty submit leaves no draft behind."""

from __future__ import annotations

import pytest

from unionhome.benefits import services
from unionhome.benefits.models import Claim
from unionhome.core.errors import DomainError

from ..conftest import login_client


def test_an_empty_submit_leaves_no_draft(bb):
    client = login_client(bb.member_user)
    response = client.post("/benefits/new/overtime/", {"action": "submit"})
    assert response.status_code == 200
    page = response.content.decode()
    assert not Claim.objects.exists()
    assert "已保存为草稿" not in page and "必填" in page
    with pytest.raises(DomainError):
        services.claim_save(
            actor=bb.member_user, ctype=bb.overtime, values={}, submit=True, keep_draft_on_error=True
        )
    assert not Claim.objects.exists()


def test_a_half_filled_submit_still_keeps_a_draft(bb):
    client = login_client(bb.member_user)
    client.post("/benefits/new/overtime/", {"action": "submit", "hours": "20"})
    assert Claim.objects.get().values == {"hours": "20"}


def test_required_fields_are_marked_and_outlined_when_missing(bb):
    client = login_client(bb.member_user)
    page = client.get("/benefits/new/overtime/").content.decode()
    assert page.count('<span class="req" aria-hidden="true"> *</span>') == 4
    refused = client.post("/benefits/new/overtime/", {"action": "submit", "hours": "20"}).content.decode()
    assert refused.count('class="field invalid"') == 3  # month, amount, attendance


def test_numbers_have_a_stepper_and_the_month_is_a_month(bb):
    page = login_client(bb.member_user).get("/benefits/new/overtime/").content.decode()
    assert 'type="month" name="month"' in page
    assert 'type="number" name="hours"' in page and "data-stepper" in page and 'max="120"' in page
    assert 'step="0.01"' in page  # the amount, in yuan and fen


@pytest.mark.parametrize(("typed", "kept"), [("2026-07", "2026-07"), ("2026-07-15", "2026-07")])
def test_a_month_is_kept_as_a_month(bb, typed, kept):
    claim = services.claim_save(
        actor=bb.member_user, ctype=bb.overtime, values={"month": typed}, submit=False
    )
    assert claim.values["month"] == kept


@pytest.mark.parametrize("typed", ["2026-13", "July", "9999-01"])
def test_a_wrong_month_is_refused_by_its_field(bb, typed):
    with pytest.raises(DomainError) as refused:
        services.claim_save(actor=bb.member_user, ctype=bb.overtime, values={"month": typed}, submit=False)
    assert "month" in refused.value.fields


def test_a_claim_shows_where_it_stands(bb, overtime_claim):
    claim = overtime_claim()
    page = login_client(bb.member_user).get(f"/benefits/claims/{claim.pk}/").content.decode()
    assert page.count('class="step done"') == 2 and 'aria-current="step"' in page and ">审核<" in page


def test_my_claims_come_first_on_the_benefits_page(bb, overtime_claim):
    overtime_claim()
    page = login_client(bb.member_user).get("/benefits/").content.decode()
    assert page.index("我的申领") < page.index("加班补贴申报</strong>")


def test_the_care_page_puts_my_case_first_and_says_truly_where_the_test_is_computed(bb):
    from unionhome.benefits import hardship

    hardship.hardship_case_open(actor=bb.member_user, kind="illness", summary="家人住院，医药费负担重")
    page = login_client(bb.member_user).get("/care/").content.decode()
    assert page.index("我的帮扶申请") < page.index("自测：我家能不能申请帮扶？")
    assert "只在您的手机上算" not in page and "不会保存" in page
    assert 'class="step' in page
