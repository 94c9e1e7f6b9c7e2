"""A value's limits live on the model field (core.fields): the page's form and the API's schema
read them from there, so they refuse the same values, and neither can drift from the other."""

from __future__ import annotations

from functools import partial

import pytest
from pydantic import ValidationError

from tests.limits import page_and_api_refuse
from unionhome.activities.api import ActivityIn, BookingIn, DiscountIn, OfferIn, VenueIn
from unionhome.activities.forms import ActivityForm, BookingForm, DiscountForm, OfferForm, VenueForm
from unionhome.activities.models import Activity, Discount, Offer, Venue

ACTIVITY = {
    "title": "职工趣味运动会",
    "starts_at": "2030-05-01T09:00",
    "ends_at": "2030-05-01T11:00",
    "place": "活动中心",
    "capacity": 30,
}
OFFER = {
    "title": "电影票",
    "mode": "first_come",
    "quantity": 50,
    "per_member": 1,
    "opens_at": "2030-05-01T09:00",
    "closes_at": "2030-05-02T09:00",
}
VENUE = {"name": "礼堂", "capacity": 200}
DISCOUNT = {
    "merchant": "惠民药房",
    "category": "health",
    "title": "会员九折",
    "valid_from": "2030-05-01",
    "valid_until": "2030-06-01",
}

CASES = [
    (ActivityForm, ActivityIn, ACTIVITY, "title", ""),
    (ActivityForm, ActivityIn, ACTIVITY, "title", "  "),
    (ActivityForm, ActivityIn, ACTIVITY, "title", "运" * 121),
    (ActivityForm, ActivityIn, ACTIVITY, "description", "说" * 5001),
    (ActivityForm, ActivityIn, ACTIVITY, "place", "地" * 201),
    (ActivityForm, ActivityIn, ACTIVITY, "online_url", "https://x.cn/" + "a" * 200),
    (ActivityForm, ActivityIn, ACTIVITY, "capacity", 0),
    (ActivityForm, ActivityIn, ACTIVITY, "capacity", 100_001),
    (ActivityForm, ActivityIn, ACTIVITY, "capacity", "many"),
    (ActivityForm, ActivityIn, ACTIVITY, "starts_at", "9999-12-31T23:00"),
    (OfferForm, OfferIn, OFFER, "quantity", 0),
    (OfferForm, OfferIn, OFFER, "per_member", 11),
    (OfferForm, OfferIn, OFFER, "mode", "auction"),
    (OfferForm, OfferIn, OFFER, "description", "说" * 5001),
    (VenueForm, VenueIn, VENUE, "name", ""),
    (VenueForm, VenueIn, VENUE, "capacity", 100_001),
    (VenueForm, VenueIn, VENUE, "description", "说" * 2001),
    (DiscountForm, DiscountIn, DISCOUNT, "merchant", "商" * 101),
    (DiscountForm, DiscountIn, DISCOUNT, "phone", "1" * 31),
    (DiscountForm, DiscountIn, DISCOUNT, "category", "x"),
    (DiscountForm, DiscountIn, DISCOUNT, "valid_from", "2026-13-01"),
]


def _form(form_class, data):
    return form_class(data) if form_class not in (ActivityForm, OfferForm) else form_class(data, sites=())


@pytest.mark.parametrize(("form_class", "schema", "valid", "field", "bad"), CASES)
def test_the_page_and_the_api_refuse_the_same_values(form_class, schema, valid, field, bad):
    page_and_api_refuse(partial(_form, form_class), schema, valid, field, bad)


def test_the_limits_are_the_models():
    title = ActivityIn.model_json_schema()["properties"]["title"]
    assert title["maxLength"] == Activity._meta.get_field("title").max_length == 120
    assert ActivityForm(sites=()).fields["title"].max_length == 120
    capacity = ActivityIn.model_json_schema()["properties"]["capacity"]
    assert (capacity["minimum"], capacity["maximum"]) == (1, 100_000)
    form_capacity = ActivityForm(sites=()).fields["capacity"]
    assert (form_capacity.min_value, form_capacity.max_value) == (1, 100_000)
    assert OfferIn.model_json_schema()["properties"]["per_member"]["maximum"] == 10
    assert OfferForm(sites=()).fields["per_member"].max_value == 10
    assert VenueForm().fields["description"].max_length == Venue._meta.get_field("description").max_length
    assert DiscountIn.model_json_schema()["properties"]["phone"]["maxLength"] == 30
    assert Offer._meta.get_field("quantity") and Discount._meta.get_field("phone").max_length == 30


def test_the_api_trims_text_as_the_page_does():
    assert ActivityIn.model_validate({**ACTIVITY, "title": "  运动会 "}).title == "运动会"


@pytest.mark.parametrize("purpose", ["", "  ", "用" * 201])
def test_a_booking_needs_a_purpose_on_the_page_and_the_api(purpose):
    form = BookingForm({"day": "2030-05-01", "start": "09:00", "end": "10:00", "purpose": purpose})
    assert not form.is_valid() and set(form.errors) == {"purpose"}
    with pytest.raises(ValidationError):
        BookingIn.model_validate(
            {
                "starts_at": "2030-05-01T09:00:00+08:00",
                "ends_at": "2030-05-01T10:00:00+08:00",
                "purpose": purpose,
            }
        )
