"""Absurd values are refused at the edge with a reason and never stored (issue #19, items 7, 10
and 17): one offer closing in 9999, a news date in 9999 or a fund threshold of 1e40 used to be
saved and then break every list that showed them; ids past 2**63, huge page numbers and years
0, 1 or 9999 used to give 500s; received 0001-01-01 and a home leave ending before it began were
accepted."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from unionhome.activities.models import Offer
from unionhome.appeals.models import Appeal
from unionhome.benefits.catalogue import catalogue_install
from unionhome.benefits.models import Claim, ClaimType, Fund
from unionhome.content.models import Article
from unionhome.core import bounds

from ..conftest import bearer

HUGE = str(2**63)  # one past the largest key a row can have
HUGER = "9" * 40


def post_json(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def staff_api(personas):
    client = Client()
    return client, bearer(client, "staff")


@pytest.fixture
def member_api(personas):
    client = Client()
    return client, bearer(client, "member")


# -- item 7: one stored value must not break a list ---------------------------------------------


def test_an_offer_closing_in_9999_is_refused_and_the_list_still_answers(staff_api, member_api):
    client, headers = staff_api
    body = {
        "title": "电影票",
        "quantity": 5,
        "opens_at": "2026-12-01T09:00:00+08:00",
        "closes_at": "9999-12-31T23:59:00+08:00",
    }
    answer = post_json(client, "/api/v1/offers", body, **headers)
    assert answer.status_code == 422
    assert "2000" in answer.json()["fields"]["closes_at"] and "2100" in answer.json()["fields"]["closes_at"]
    assert not Offer.objects.exists()
    client, headers = member_api
    assert client.get("/api/v1/offers", **headers).status_code == 200


def test_the_offer_form_refuses_9999_and_keeps_what_was_typed(personas, as_user):
    page = as_user(personas.staff).post(
        "/staff/offers/new/",
        {
            "title": "电影票",
            "mode": "first_come",
            "quantity": "5",
            "per_member": "1",
            "opens_at": "2026-12-01T09:00",
            "closes_at": "9999-12-31T23:59",
        },
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "日期应在 2000 年到 2100 年之间" in text and 'value="电影票"' in text
    assert not Offer.objects.exists()


def test_a_news_date_in_9999_is_refused_by_the_api_and_the_page(personas, staff_api, as_user):
    client, headers = staff_api
    answer = post_json(
        client,
        "/api/v1/news",
        {
            "title": "通知",
            "column": "news",
            "body": "<p>正文</p>",
            "published_at": "9999-01-01T08:00:00+08:00",
        },
        **headers,
    )
    assert answer.status_code == 422 and "published_at" in answer.json()["fields"]
    page = as_user(personas.staff).post(
        "/staff/news/new/",
        {"title": "通知", "column": "news", "body": "<p>正文</p>", "published_at": "9999-01-01T08:00"},
    )
    assert page.status_code in (200, 400) and "日期应在 2000 年到 2100 年之间" in page.content.decode()
    assert not Article.objects.exists()
    assert as_user(personas.staff).get("/staff/news/").status_code == 200


@pytest.mark.parametrize("threshold", ["1e40", "-1", '"NaN"', '"Infinity"', '"12345678901.00"', '"1.001"'])
def test_a_fund_threshold_out_of_range_is_refused(personas, staff_api, threshold):
    client, headers = staff_api
    body = '{"name": "福利经费", "year": 2026, "budget": "1000", "sign_threshold": ' + threshold + "}"
    answer = client.post("/api/v1/funds", body, content_type="application/json", **headers)
    assert answer.status_code == 422, answer.content
    assert "sign_threshold" in answer.json()["fields"]
    assert not Fund.objects.exists()
    assert client.get("/api/v1/funds", **headers).status_code == 200


def test_the_fund_form_refuses_1e40_and_says_why(personas, as_user):
    page = as_user(personas.staff).post(
        "/staff/funds/", {"name": "福利经费", "year": "2026", "budget": "1000", "sign_threshold": "1e40"}
    )
    assert page.status_code == 200 and not Fund.objects.exists()
    assert "sign_threshold" in page.context["form"].errors


@pytest.mark.parametrize("year", ["0", "1", "1999", "2101", "9999", HUGER])
def test_fund_years_outside_2000_2100_are_refused(staff_api, year):
    client, headers = staff_api
    answer = client.post(
        "/api/v1/funds",
        '{"name": "经费", "year": ' + year + ', "budget": "1000"}',
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 422 and "year" in answer.json()["fields"]


# -- item 10: ids, pages and the API's own 500 -------------------------------------------------


@pytest.mark.parametrize("pk", [HUGE, HUGER, "0"])
def test_ids_no_row_can_have_are_a_404_on_pages_and_the_api(personas, as_user, member_api, pk):
    page = as_user(personas.member_user).get(f"/appeals/{pk}/")
    assert page.status_code == 404
    client, headers = member_api
    answer = client.get(f"/api/v1/appeals/{pk}", **headers)
    assert answer.status_code in (404, 422)
    assert answer["Content-Type"].startswith("application/json")
    assert client.get(f"/api/v1/offers/{pk}", **headers).status_code in (404, 422)


def test_an_unknown_api_path_answers_json(member_api):
    client, headers = member_api
    answer = client.get("/api/v1/no-such-thing", **headers)
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


@pytest.mark.parametrize("query", [f"page={HUGER}", "page=0", "page=-1", f"org_id={HUGE}"])
def test_absurd_query_numbers_are_a_422(staff_api, query):
    client, headers = staff_api
    answer = client.get(f"/api/v1/members?{query}", **headers)
    assert answer.status_code == 422
    assert answer.json()["fields"]


def test_ids_in_forms_and_query_strings_find_nothing_instead_of_failing(personas, as_user):
    staff = as_user(personas.staff)
    assert staff.get(f"/staff/members/?org={HUGER}").status_code in (200, 404)
    assert bounds.id_value(HUGE) is None and bounds.id_value("-3") is None and bounds.id_value("7") == 7
    assert bounds.id_value("٣") is None  # an Arabic-Indic digit is a digit to Python, not to the database


def test_an_error_inside_an_api_handler_is_json_not_a_page(member_api, monkeypatch):
    from unionhome.core import api_routes

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api_routes, "unread_count", broken)
    client, headers = member_api
    client.raise_request_exception = False
    answer = client.get("/api/v1/me/notifications", **headers)
    assert answer.status_code == 500
    assert answer.json() == {"code": "server_error", "message": "服务器出错了，请稍后再试"}


# -- item 17: impossible dates -----------------------------------------------------------------


@pytest.mark.parametrize("received", ["0001-01-01T08:00:00+08:00", "1999-12-31T08:00:00+08:00"])
def test_an_appeal_received_before_2000_is_refused(staff_api, personas, received):
    client, headers = staff_api
    answer = post_json(
        client,
        "/api/v1/appeals",
        {
            "text": "小区门岗的工资拖欠了两个月没有发",
            "channel": "hotline",
            "received_at": received,
            "on_behalf_of": "member",
        },
        **headers,
    )
    assert answer.status_code == 422 and "received_at" in answer.json()["fields"]
    assert not Appeal.objects.exists()


def test_the_hotline_form_refuses_year_one(personas, as_user):
    page = as_user(personas.staff).post(
        "/staff/appeals/new/",
        {
            "text": "小区门岗的工资拖欠了两个月没有发",
            "channel": "hotline",
            "received_at": "0001-01-01T08:00",
            "member": "member",
        },
    )
    assert page.status_code == 200 and not Appeal.objects.exists()
    assert "received_at" in page.context["form"].errors


@pytest.fixture
def home_leave(personas):
    fund = Fund.objects.create(org=personas.tree.union, name="经费", year=2026, budget=Decimal("1000"))
    catalogue_install(org=personas.tree.union, fund=fund)
    return ClaimType.objects.get(org=personas.tree.union, code="home_leave")


def test_a_home_leave_ending_before_it_starts_is_refused_and_nothing_is_lost(member_api, home_leave):
    client, headers = member_api
    fields = {"starts_on": "2026-12-20", "ends_on": "2026-12-10", "destination": "河南周口"}
    answer = post_json(client, "/api/v1/claims", {"type": "home_leave", "fields": fields}, **headers)
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"ends_on": "结束时间不能早于开始时间"}
    assert not Claim.objects.exists()
    fields["ends_on"] = "2026-12-25"
    answer = post_json(client, "/api/v1/claims", {"type": "home_leave", "fields": fields}, **headers)
    assert answer.status_code == 201


def test_a_draft_keeps_its_start_when_a_later_end_comes_before_it(personas, home_leave):
    from unionhome.benefits import services
    from unionhome.core.errors import DomainError

    user = personas.member_user
    draft = services.claim_save(
        actor=user, ctype=home_leave, values={"starts_on": "2026-12-20", "destination": "周口"}, submit=False
    )
    with pytest.raises(DomainError) as refused:
        services.claim_save(
            actor=user, ctype=home_leave, values={"ends_on": "2026-12-10"}, claim=draft, submit=False
        )
    assert refused.value.fields == {"ends_on": "结束时间不能早于开始时间"}
    draft.refresh_from_db()
    assert draft.values["starts_on"] == "2026-12-20" and "ends_on" not in draft.values


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_claim_date_outside_the_calendar_is_refused(member_api, home_leave, day):
    client, headers = member_api
    fields = {"starts_on": day, "ends_on": "2026-12-10", "destination": "河南周口"}
    answer = post_json(client, "/api/v1/claims", {"type": "home_leave", "fields": fields}, **headers)
    assert answer.status_code == 400 and "starts_on" in answer.json()["fields"]


def test_a_profile_hire_date_may_go_back_to_1900_but_not_to_year_one(member_api):
    client, headers = member_api
    assert (
        client.patch(
            "/api/v1/me", json.dumps({"hired_on": "1985-03-01"}), content_type="application/json", **headers
        ).status_code
        == 200
    )
    answer = client.patch(
        "/api/v1/me", json.dumps({"hired_on": "0001-01-01"}), content_type="application/json", **headers
    )
    assert answer.status_code == 422 and "hired_on" in answer.json()["fields"]


def test_bounds_by_hand():
    assert bounds.day_error(dt.date(2000, 1, 1)) is None and bounds.day_error(dt.date(2100, 12, 31)) is None
    assert bounds.day_error(dt.date(1999, 12, 31)) and bounds.day_error(dt.date(9999, 1, 1))
    assert bounds.day_error(dt.date(1950, 1, 1), earliest=bounds.LIFE_MIN) is None
    assert bounds.money_error("9999999999.99") is None and bounds.money_error("10000000000")
    assert bounds.money_error("1.005") and bounds.money_error("-0.01") and bounds.money_error("nan")
    assert bounds.order_error(dt.date(2026, 1, 2), dt.date(2026, 1, 1))
    assert bounds.order_error(None, dt.date(2026, 1, 1)) is None
