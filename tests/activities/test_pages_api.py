"""The API shapes of issue C1–C3/C6/C7, refusals with field reasons, who may see what, and the
member and staff pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from unionhome.activities import discounts, offers, services, venues
from unionhome.activities.models import Activity, Offer, OfferClaim, Signup

from ..conftest import bearer, login_client
from .conftest import soon

pytestmark = pytest.mark.django_db


def test_offer_api_shapes(client, personas):
    staff = bearer(client, "staff")
    body = {
        "title": "周末电影票",
        "quantity": 1,
        "opens_at": soon(-1).isoformat(),
        "closes_at": soon(5).isoformat(),
        "mode": "first_come",
    }
    created = client.post("/api/v1/offers", body, content_type="application/json", **staff)
    assert created.status_code == 201, created.content
    offer_id = created.json()["id"]
    member = bearer(client, "member")
    got = client.get(f"/api/v1/offers/{offer_id}", **member).json()
    assert {k: got[k] for k in ("id", "title", "quantity", "remaining", "status")} == {
        "id": offer_id,
        "title": "周末电影票",
        "quantity": 1,
        "remaining": 1,
        "status": "open",
    }
    won = client.post(f"/api/v1/offers/{offer_id}/claims", **member)
    assert won.status_code == 201 and set(won.json()) >= {"id", "code"}
    again = client.post(f"/api/v1/offers/{offer_id}/claims", **member)
    assert (again.status_code, again.json()["code"]) == (409, "already_claimed")
    other = client.post(f"/api/v1/offers/{offer_id}/claims", **bearer(client, "other"))
    assert (other.status_code, other.json()["code"]) == (409, "sold_out")
    assert client.get(f"/api/v1/offers/{offer_id}", **member).json()["status"] == "sold_out"
    # Check-in by the union's staff: 200, then 409 with the time.
    first = client.post(
        "/api/v1/checkins", {"token": won.json()["code"]}, content_type="application/json", **staff
    )
    assert first.status_code == 200 and first.json()["name"].startswith("王")
    second = client.post(
        "/api/v1/checkins", {"token": won.json()["code"]}, content_type="application/json", **staff
    )
    assert second.status_code == 409 and second.json()["code"] == "already_checked_in"
    assert "checked_in_at" in second.json()["fields"]


def test_offer_api_refusals_are_4xx_with_reasons(client, personas):
    staff = bearer(client, "staff")
    bad = client.post(
        "/api/v1/offers",
        {"title": "", "quantity": -1, "opens_at": "tomorrow", "closes_at": soon().isoformat(), "mode": "x"},
        content_type="application/json",
        **staff,
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) >= {"title", "quantity", "opens_at", "mode"}
    bad = client.post(
        "/api/v1/offers",
        {"title": "x", "quantity": 3, "opens_at": soon(2).isoformat(), "closes_at": soon(1).isoformat()},
        content_type="application/json",
        **staff,
    )
    assert bad.status_code == 400 and "closes_at" in bad.json()["fields"]
    member = bearer(client, "member")
    assert client.post("/api/v1/offers", {}, content_type="application/json", **member).status_code in (
        403,
        422,
    )
    created = client.post(
        "/api/v1/offers",
        {"title": "x", "quantity": 3, "opens_at": soon(1).isoformat(), "closes_at": soon(2).isoformat()},
        content_type="application/json",
        **staff,
    ).json()
    early = client.post(f"/api/v1/offers/{created['id']}/claims", **member)
    assert (early.status_code, early.json()["code"]) == (409, "not_open")
    assert client.post("/api/v1/offers/999999/claims", **member).status_code == 404
    # Staff without a membership are told why, not given a 500.
    refused = client.post(f"/api/v1/offers/{created['id']}/claims", **staff)
    assert refused.status_code == 403 and refused.json()["code"] == "not_member"


def test_outsiders_get_404(client, personas, make_activity, make_offer):
    from ..factories import MemberFactory, UserFactory

    outsider = UserFactory(username="outsider")
    MemberFactory(org=personas.tree.other_union, user=outsider)
    activity, offer = make_activity(), make_offer()
    them = bearer(client, "outsider")
    for method, url in (
        ("get", f"/api/v1/activities/{activity.pk}"),
        ("post", f"/api/v1/activities/{activity.pk}/signups"),
        ("get", f"/api/v1/offers/{offer.pk}"),
        ("post", f"/api/v1/offers/{offer.pk}/claims"),
    ):
        assert getattr(client, method)(url, **them).status_code == 404, url
    # Member A cannot cancel or read member B's sign-up; another union's staff cannot manage it.
    row = services.signup_create(user=personas.member_user, activity=activity)
    assert client.post(f"/api/v1/signups/{row.pk}/cancel", **bearer(client, "other")).status_code == 404
    assert (
        client.get(
            f"/api/v1/activities/{activity.pk}/attendance", **bearer(client, "staff_other")
        ).status_code
        == 404
    )
    page = login_client(personas.other_user)
    assert page.post(f"/signups/{row.pk}/cancel/").status_code == 404
    assert login_client(personas.staff_other).get(f"/staff/activities/{activity.pk}/").status_code == 404
    assert login_client(outsider).get(f"/activities/{activity.pk}/").status_code == 404
    assert Signup.objects.get(pk=row.pk).status == "confirmed"


def test_activity_signup_api_full_closed_duplicate(client, personas, make_activity):
    activity = make_activity(capacity=1)
    member, other = bearer(client, "member"), bearer(client, "other")
    first = client.post(f"/api/v1/activities/{activity.pk}/signups", **member)
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    dup = client.post(f"/api/v1/activities/{activity.pk}/signups", **member)
    assert (dup.status_code, dup.json()["code"]) == (409, "duplicate")
    full = client.post(f"/api/v1/activities/{activity.pk}/signups", **other)
    assert (full.status_code, full.json()["code"]) == (409, "full")
    assert full.json()["fields"]["waiting_position"] == "1"
    Activity.objects.filter(pk=activity.pk).update(signup_closes_at=soon(-1))
    from ..factories import MemberFactory, UserFactory

    MemberFactory(org=personas.tree.union, user=UserFactory(username="late"))
    late = client.post(f"/api/v1/activities/{activity.pk}/signups", **bearer(client, "late"))
    assert (late.status_code, late.json()["code"]) == (409, "closed")
    tickets = client.get("/api/v1/tickets", **member).json()
    assert tickets[0]["kind"] == "signup" and len(tickets[0]["short_code"]) == 10


def test_english_refusal(client, personas, make_offer):
    offer = make_offer(quantity=1, opens_at=soon(1), closes_at=soon(2))
    headers = bearer(client, "member")
    client.cookies["django_language"] = "en"
    response = client.post(f"/api/v1/offers/{offer.pk}/claims", **headers)
    assert response.status_code == 409 and response.json()["message"].startswith("Not open yet")


def test_venue_and_discount_api(client, personas):
    other_staff = bearer(client, "staff_other")
    venue = client.post(
        "/api/v1/venues",
        {"name": "多功能厅", "capacity": 80, "shared_under": personas.tree.street.pk},
        content_type="application/json",
        **other_staff,
    )
    assert venue.status_code == 201
    staff = bearer(client, "staff")
    assert [v["name"] for v in client.get("/api/v1/venues", **staff).json()] == ["多功能厅"]
    day = timezone.localdate() + dt.timedelta(days=2)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
        "purpose": "培训",
    }
    booked = client.post(
        f"/api/v1/venues/{venue.json()['id']}/bookings", body, content_type="application/json", **staff
    )
    assert booked.status_code == 201 and booked.json()["status"] == "pending"
    taken = client.post(
        f"/api/v1/venues/{venue.json()['id']}/bookings", body, content_type="application/json", **staff
    )
    assert (taken.status_code, taken.json()["code"]) == (409, "slot_taken")
    # Only the owner approves.
    assert client.post(f"/api/v1/bookings/{booked.json()['id']}/approve", **staff).status_code == 404
    ok = client.post(f"/api/v1/bookings/{booked.json()['id']}/approve", **other_staff)
    assert ok.json()["status"] == "approved"
    member = bearer(client, "member")
    assert client.get("/api/v1/venues", **member).status_code == 403
    today = timezone.localdate()
    d = client.post(
        "/api/v1/discounts",
        {
            "merchant": "惠民超市",
            "category": "shopping",
            "title": "凭会员卡九五折",
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=30)).isoformat(),
        },
        content_type="application/json",
        **staff,
    )
    assert d.status_code == 201
    listed = client.get("/api/v1/discounts?category=shopping", **member).json()
    assert [x["merchant"] for x in listed] == ["惠民超市"] and listed[0]["category_name"] == "购物"


# -- pages -------------------------------------------------------------------------------------


def test_member_signs_up_on_the_page_and_sees_the_ticket(personas, make_activity):
    activity = make_activity(capacity=1)
    page = login_client(personas.member_user)
    listing = page.get("/activities/").content.decode()
    assert activity.title in listing and "剩 1 个名额" in listing
    detail = page.get(f"/activities/{activity.pk}/").content.decode()
    assert "我要报名" in detail
    response = page.post(f"/activities/{activity.pk}/signup/", follow=True)
    assert "报名成功" in response.content.decode()
    tickets = page.get("/tickets/").content.decode()
    row = Signup.objects.get()
    assert "<svg" in tickets and row.short_code in tickets
    other = login_client(personas.other_user)
    waited = other.post(f"/activities/{activity.pk}/signup/", follow=True).content.decode()
    assert "候补" in waited and "排第 1 位" in waited


def test_offer_page_claim_waitlist_and_live_count(personas, make_offer):
    offer = make_offer(quantity=1)
    page = login_client(personas.member_user)
    assert "立即抢" in page.get(f"/offers/{offer.pk}/").content.decode()
    assert (
        "抢到了" in page.post(f"/offers/{offer.pk}/claim/", {"action": "claim"}, follow=True).content.decode()
    )
    other = login_client(personas.other_user)
    assert (
        "已经抢完了"
        in other.post(f"/offers/{offer.pk}/claim/", {"action": "claim"}, follow=True).content.decode()
    )
    assert "排队候补" in other.get(f"/offers/{offer.pk}/").content.decode()
    other.post(f"/offers/{offer.pk}/claim/", {"action": "waitlist"})
    assert OfferClaim.objects.get(member=personas.other).status == "waiting"
    fragment = other.get(f"/offers/{offer.pk}/remaining/").content.decode()
    assert 'id="remaining"' in fragment and ">0<" in fragment
    scheduled = make_offer(quantity=3, opens_at=soon(1), closes_at=soon(2))
    assert "data-countdown" in page.get(f"/offers/{scheduled.pk}/").content.decode()


def test_staff_pages_publish_check_in_and_export(personas):
    staff = login_client(personas.staff)
    start = timezone.localtime(soon(24)).replace(second=0, microsecond=0)
    form = {
        "title": "消防安全讲座",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "物业大楼三楼",
        "capacity": "30",
    }
    bad = staff.post("/staff/activities/new/", {**form, "ends_at": form["starts_at"]})
    assert bad.status_code == 400 and "消防安全讲座" in bad.content.decode()  # what was typed stays
    response = staff.post("/staff/activities/new/", form)
    assert response.status_code == 302
    activity = Activity.objects.get()
    row = services.signup_create(user=personas.member_user, activity=activity)
    checked = staff.post("/staff/checkin/", {"token": row.short_code}).content.decode()
    assert "签到成功" in checked
    again = staff.post("/staff/checkin/", {"token": row.short_code}).content.decode()
    assert "已经签到过了" in again
    forged = staff.post("/staff/checkin/", {"token": "s1:forged"}).content.decode()
    assert "无效的票券码" in forged
    xlsx = staff.get(f"/staff/activities/{activity.pk}/attendance.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == "王建国" and rows[1][5]
    assert "消防安全讲座" in staff.get(f"/staff/activities/{activity.pk}/").content.decode()
    assert login_client(personas.member_user).get("/staff/activities/").status_code == 403


def test_staff_offer_page_draws_a_lottery(personas, make_offer):
    offer = make_offer(quantity=1, mode="lottery")
    offers.offer_claim(user=personas.member_user, offer=offer)
    offers.offer_claim(user=personas.other_user, offer=offer)
    Offer.objects.filter(pk=offer.pk).update(closes_at=soon(-0.1))
    staff = login_client(personas.staff)
    page = staff.post(f"/staff/offers/{offer.pk}/", {"action": "draw"}, follow=True).content.decode()
    assert "已开奖：1 人中签，1 人候补" in page
    assert Offer.objects.get(pk=offer.pk).seed


def test_venue_calendar_booking_keeps_input_on_conflict(personas):
    venue = venues.venue_save(
        actor=personas.staff_other,
        org=personas.tree.other_union,
        name="篮球场",
        shared_under=personas.tree.street.pk,
        auto_approve=True,
    )
    staff = login_client(personas.staff)
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    form = {"day": day, "start": "09:00", "end": "10:00", "purpose": "篮球友谊赛"}
    assert staff.post(f"/staff/venues/{venue.pk}/", form).status_code == 302
    calendar = staff.get(f"/staff/venues/{venue.pk}/").content.decode()
    assert "篮球友谊赛" in calendar
    clash = staff.post(f"/staff/venues/{venue.pk}/", {**form, "purpose": "第二场"})
    assert clash.status_code == 400
    text = clash.content.decode()
    assert "已经被预订" in text and "第二场" in text
    assert "篮球场" in staff.get("/staff/venues/").content.decode()


def test_member_discount_page(personas):
    today = timezone.localdate()
    discounts.discount_save(
        actor=personas.staff,
        org=personas.tree.union,
        merchant="惠民药房",
        category="health",
        title="会员九折",
        valid_from=today,
        valid_until=today,
    )
    page = login_client(personas.member_user).get("/discounts/?category=health").content.decode()
    assert "惠民药房" in page and "会员九折" in page


def test_outsiders_get_404_on_offers_claims_materials_and_venues(client, personas, make_activity, make_offer):
    from django.core.files.base import ContentFile

    from ..factories import MemberFactory, UserFactory

    outsider = UserFactory(username="outsider2")
    MemberFactory(org=personas.tree.other_union, user=outsider)
    offer = make_offer(quantity=2)
    won = offers.offer_claim(user=personas.member_user, offer=offer)
    them = login_client(outsider)
    assert them.get(f"/offers/{offer.pk}/").status_code == 404
    assert them.get(f"/offers/{offer.pk}/remaining/").status_code == 404
    assert them.post(f"/offers/{offer.pk}/claim/", {"action": "claim"}).status_code == 404
    # Member B cannot give back member A's place; another union's staff cannot manage the offer.
    assert login_client(personas.other_user).post(f"/claims/{won.pk}/cancel/").status_code == 404
    assert client.post(f"/api/v1/offer-claims/{won.pk}/cancel", **bearer(client, "other")).status_code == 404
    other_staff = bearer(client, "staff_other")
    assert login_client(personas.staff_other).get(f"/staff/offers/{offer.pk}/").status_code == 404
    assert client.post(f"/api/v1/offer-claims/{won.pk}/release", **other_staff).status_code == 404
    assert (
        client.post(
            f"/api/v1/offers/{offer.pk}/draw", {}, content_type="application/json", **other_staff
        ).status_code
        == 404
    )
    assert OfferClaim.objects.get(pk=won.pk).status == "won"
    # Materials go only to members who took a place; feedback only by the sign-up's member.
    activity = make_activity()
    Activity.objects.filter(pk=activity.pk).update(starts_at=soon(-2), ends_at=soon(-1))
    activity.refresh_from_db()
    activity.materials.save("handout.pdf", ContentFile(b"%PDF-1.4"), save=True)
    row = Signup.objects.create(
        activity=activity, member=personas.member, status="confirmed", short_code="5550000001"
    )
    assert login_client(personas.member_user).get(f"/activities/{activity.pk}/materials/").status_code == 200
    assert login_client(personas.other_user).get(f"/activities/{activity.pk}/materials/").status_code == 404
    assert (
        client.post(
            f"/api/v1/signups/{row.pk}/feedback",
            {"rating": 1},
            content_type="application/json",
            **bearer(client, "other"),
        ).status_code
        == 404
    )
    # A venue its union keeps to itself does not exist for another union's staff.
    own = venues.venue_save(actor=personas.staff, org=personas.tree.union, name="内部会议室")
    assert login_client(personas.staff_other).get(f"/staff/venues/{own.pk}/").status_code == 404
    assert client.get(f"/api/v1/venues/{own.pk}/bookings", **other_staff).status_code == 404
