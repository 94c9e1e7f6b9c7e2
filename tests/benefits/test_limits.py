"""Funds and campaigns refuse the same values on the page and the API (both read the model's
limits, core.fields); the services keep the rules that need more than one field or the records."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.contrib.auth import get_user_model

from tests.limits import page_and_api_refuse
from unionhome.benefits import funds, services
from unionhome.benefits.api.funds import FundIn
from unionhome.benefits.api.groups import CampaignIn
from unionhome.benefits.forms import CampaignForm, FundForm
from unionhome.core.errors import DomainError

FUND = {"name": "职工福利经费", "year": 2026, "budget": "10000"}
CAMPAIGN = {
    "name": "送清凉",
    "kind": "cool",
    "items": "绿豆汤",
    "starts_on": "2026-07-01",
    "ends_on": "2026-08-31",
}

CASES = [
    (FundForm, FundIn, FUND, "name", ""),
    (FundForm, FundIn, FUND, "name", "经" * 101),
    (FundForm, FundIn, FUND, "year", 9999),
    (FundForm, FundIn, FUND, "year", 1999),
    (FundForm, FundIn, FUND, "budget", "-1"),
    (FundForm, FundIn, FUND, "budget", "1e40"),
    (CampaignForm, CampaignIn, CAMPAIGN, "name", " "),
    (CampaignForm, CampaignIn, CAMPAIGN, "kind", "hot"),
    (CampaignForm, CampaignIn, CAMPAIGN, "items", "物" * 201),
    (CampaignForm, CampaignIn, CAMPAIGN, "starts_on", "9999-01-01"),
]


def _form(form_class, data):
    users = get_user_model().objects.none()
    return form_class(data, signers=users) if form_class is FundForm else form_class(data, sites=())


@pytest.mark.parametrize(("form_class", "schema", "valid", "field", "bad"), CASES)
def test_the_page_and_the_api_refuse_the_same_values(db, form_class, schema, valid, field, bad):
    page_and_api_refuse(partial(_form, form_class), schema, valid, field, bad)


def test_a_fund_keeps_its_budget_above_what_it_spent_and_an_officer_as_signer(bb, overtime_claim):
    services.claim_approve(claim=overtime_claim(), actor=bb.staff)
    bb.fund.refresh_from_db()
    assert bb.fund.spent > 0
    with pytest.raises(DomainError) as refused:
        funds.fund_save(
            actor=bb.chair,
            org=bb.tree.union,
            name=bb.fund.name,
            year=bb.fund.year,
            budget=bb.fund.spent - Decimal("0.01"),
            signer=bb.member_user,
            fund=bb.fund,
        )
    assert set(refused.value.fields) == {"budget", "signer"}


def test_a_claim_types_form_must_hold_together(bb):
    number = {"name": "days", "label": "天数", "kind": "number"}
    for fields, amount_field, reason in [
        ([number, number], "", "fields"),  # a name twice
        ([{"name": "x", "kind": "money"}], "", "fields"),  # no such kind
        ([{"name": "x", "kind": "choice"}], "", "fields"),  # a choice without choices
        ([{**number, "sensitive": "religion"}], "", "fields"),
        ([number], "amount", "amount_field"),  # not one of its number fields
    ]:
        with pytest.raises(DomainError) as refused:
            services.claim_type_save(
                actor=bb.staff,
                org=bb.tree.union,
                code="t",
                name="t",
                fields=fields,
                amount_field=amount_field,
            )
        assert set(refused.value.fields) == {reason}, fields
    with pytest.raises(DomainError) as refused:  # another union's fund
        services.claim_type_save(
            actor=bb.staff, org=bb.tree.union, code="t", name="t", fields=[number], fund=10**9
        )
    assert set(refused.value.fields) == {"fund"}
