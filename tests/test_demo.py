"""The demo union (`unionhome demo`), built once for this module and rolled back after it: the case
enterprise of seed 000 §4 with its people, a year of appeals, claims and care, activities and
offers, news and notices; a second run changes nothing."""

from __future__ import annotations

import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from unionhome.activities.models import Activity, Booking, Discount, Offer, Signup, Venue
from unionhome.appeals import review
from unionhome.appeals.insights import appeal_figures
from unionhome.appeals.models import Appeal, RiskItem
from unionhome.assistant.models import Entry
from unionhome.benefits.models import Campaign, Claim, ClaimStatus, ClaimType, Fund, HardshipCase, Visit
from unionhome.content.models import Article, Column, Notice
from unionhome.core.audit import timeline_entries
from unionhome.core.models import Notification, Org, Site
from unionhome.members import demo
from unionhome.members.groups import age_band
from unionhome.members.idcard import id_error
from unionhome.members.models import FRONTLINE_POSTS, Member, MemberStatus

COUNTED = (
    Org, Site, Member, Appeal, Claim, HardshipCase, Campaign, Activity, Signup, Venue, Discount, Entry, Article,
    Notification,
)  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def union(django_db_setup, django_db_blocker):
    """Built once for every test here (it takes seconds), inside a transaction that is rolled back
    when the module ends; each test runs in a savepoint of it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        out = StringIO()
        call_command("demo", "--json", stdout=out)
        first = counts()
        again = StringIO()
        call_command("demo", "--json", stdout=again)
        yield SimpleNamespace(
            accounts=json.loads(out.getvalue()),
            accounts_again=json.loads(again.getvalue()),
            first=first,
            second=counts(),
            enterprise=Org.objects.get(name=demo.ENTERPRISE),
        )
        transaction.set_rollback(True)


def test_a_second_run_changes_nothing(union, db):
    assert union.second == union.first
    assert union.accounts_again["members"] == union.accounts["members"]


def test_the_union_is_the_case_enterprise(union, db, client):
    enterprise = union.enterprise
    # the people employed now (the demo's history adds those who left in the last two years)
    people = Member.objects.filter(org__path__startswith=enterprise.path, left_on=None)
    assert people.count() == 800
    assert Site.objects.filter(org=enterprise).count() == 22
    assert 0.8 <= people.filter(post__in=FRONTLINE_POSTS).count() / 800 <= 0.9
    assert people.filter(user__isnull=False).count() / 800 == 0.975
    assert enterprise.parent.name == demo.STREET
    bands = [age_band(m.birth_date) for m in people]
    assert sum(b in ("40-49", "50-59", "60+") for b in bands) / 800 > 0.6  # an older profile
    for m in people.exclude(id_digest=None)[:50]:
        assert id_error(m.id_number) is None
    accounts = union.accounts
    assert len(accounts["members"]) == 780
    assert set(accounts) >= {"password", "admin", "chair", "staff", "handlers", "volunteers", "members"}
    assert len(accounts["handlers"]) == 4 and accounts["chair"] == "chair"
    assert people.filter(status=MemberStatus.ROSTER, user=None).count() == 20
    for username in ("m0100", "staff1", "chair", "admin"):
        r = client.post("/login/", {"username": username, "password": demo.PASSWORD})
        assert r.status_code == 302, username


def test_two_years_of_appeals_make_the_figures_true_to_life(union, db):
    from django.contrib.auth import get_user_model

    # received here since the launch (the year before comes from the ledger: the next test)
    appeals = Appeal.objects.filter(org__path__startswith=union.enterprise.path, source_id="")
    assert 850 <= appeals.count() <= 1250
    assert set(appeals.values_list("channel", flat=True)) == {"online", "hotline", "box", "visit", "station"}
    assert appeals.filter(overdue=True).exists() and appeals.filter(rating__isnull=False).exists()
    today = timezone.localdate()
    launch = today - timezone.timedelta(days=730)
    assert appeal_figures(appeals, start=launch, end=today)["overall"]["closure_rate"] >= 0.95
    early = appeal_figures(appeals, start=launch, end=launch + timezone.timedelta(days=60))["overall"]
    late = appeal_figures(appeals, start=today - timezone.timedelta(days=90), end=today)["overall"]
    assert early["avg_cycle_days"] > 10 > 7 > late["avg_cycle_days"]
    assert late["satisfaction_rate"] > early["satisfaction_rate"]
    staff = get_user_model().objects.get(username="staff1")
    assert any(g["count"] >= 4 for g in review.recurring_groups(staff))
    assert RiskItem.objects.filter(org=union.enterprise, closed=False).exists()
    rated = appeals.filter(status="rated").first()
    assert [e["text"] for e in timeline_entries(rated)][:2] == ["诉求已提交", "已受理"]


def test_claims_care_and_campaigns_in_every_state(union, db):
    assert ClaimType.objects.filter(org=union.enterprise).count() == 8
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert Claim.objects.filter(proxy__isnull=False).exists()
    created = sorted(Claim.objects.values_list("created_at", flat=True))
    assert (created[-1] - created[0]).days > 180  # a year of claims
    stages = sorted(HardshipCase.objects.values_list("stage", flat=True))
    assert stages == ["consultation", "follow_up", "intake"]
    assert HardshipCase.objects.filter(urgent=True).count() == 1
    fund = Fund.objects.get(org=union.enterprise, name="职工福利经费")
    assert 0 < fund.spent < fund.budget
    summer = Campaign.objects.get(kind="cool")
    delivered = summer.entitlements.filter(delivered_at__isnull=False).count()
    assert summer.total > 10 and 0 < delivered < summer.total
    assert Visit.objects.filter(rating__isnull=False).count() == 2


def test_activities_offers_venues_and_discounts(union, db):
    enterprise, now = union.enterprise, timezone.now()
    assert Activity.objects.filter(org=enterprise, ends_at__lt=now).count() >= 2
    assert Activity.objects.filter(org=enterprise, starts_at__gt=now).count() >= 3
    assert Signup.objects.filter(activity__ends_at__lt=now, checked_in_at__isnull=False).count() > 50
    soon = Offer.objects.get(org=enterprise, mode="first_come")
    assert now < soon.opens_at < now + timezone.timedelta(hours=3)
    assert Offer.objects.filter(mode="lottery").exists()
    shared = Venue.objects.filter(shared_under__name=demo.STREET)
    assert {v.org.name for v in shared} == {demo.ENTERPRISE, demo.OTHER}
    assert Booking.objects.filter(org__name=demo.OTHER, venue__org=enterprise).exists()
    assert Discount.objects.count() >= 4


def test_the_knowledge_base_news_and_a_notice_to_one_site(union, db):
    assert Entry.objects.filter(active=True).count() >= 120
    assert Entry.objects.filter(is_guide=True).exists()
    columns = set(Article.objects.filter(org=union.enterprise).values_list("column", flat=True))
    assert columns == set(Column.values)
    assert Article.objects.filter(org=union.enterprise, pinned=True).exists()
    notice = Notice.objects.get(org=union.enterprise)
    (site,) = notice.audience["sites"]
    at_site = Member.objects.filter(site_id=site, status="active", user__isnull=False).count()
    assert notice.recipients == at_site > 0
    assert Notification.objects.filter(ref=notice.ref).count() == at_site


def test_the_history_tells_the_seeds_before_and_after(union, db):
    """Seed 000 table 2: registration 30% → 97.5%, cycle 15 → 5 days, satisfaction 65% → 92%,
    turnover 20% → 8% — the year before the launch from the ledger, the two years since as
    received: three years of history."""
    import datetime as dt

    from unionhome.insights import figures as f
    from unionhome.insights import plans
    from unionhome.insights.demo import LAUNCH_DAYS
    from unionhome.insights.models import CareFlag, MonthlyReview

    enterprise = union.enterprise
    today = timezone.localdate()
    launch = today - dt.timedelta(days=LAUNCH_DAYS)
    before = f.figures(enterprise, f.Period(launch - dt.timedelta(days=365), launch - dt.timedelta(days=1)))
    assert launch <= today - dt.timedelta(days=730)
    assert (
        Appeal.objects.filter(
            org__path__startswith=enterprise.path, received_at__date__lt=launch + dt.timedelta(days=30)
        )
        .exclude(source_id__startswith="ledger-")
        .exists()
    )
    after = f.figures(enterprise, f.Period(today - dt.timedelta(days=365), today))  # the latest year
    last_quarter = f.figures(enterprise, f.Period(today - dt.timedelta(days=90), today))
    assert 0.25 <= before["registration_rate"].value <= 0.35 and after["registration_rate"].value == 0.975
    assert 13 <= before["cycle_days"].mean <= 17 and last_quarter["cycle_days"].mean <= 7
    assert 0.6 <= before["satisfaction"].value <= 0.72 and last_quarter["satisfaction"].value >= 0.85
    assert 0.17 <= before["turnover"].value <= 0.23 and 0.06 <= after["turnover"].value <= 0.1
    assert before["closure_rate"].value < after["closure_rate"].value
    assert CareFlag.objects.filter(kind="over_36h").exists()
    year, quarter = plans.quarter_of(today)
    assert [r.rank for r in plans.ranking(enterprise, year, quarter)][0] == 1
    assert MonthlyReview.objects.filter(org=enterprise).exists()


def test_courses_with_a_handbook_drawn_into_pages_and_certificates(union, db):
    from unionhome.core.outbox import relay
    from unionhome.learning.models import Certificate, Lesson

    relay()  # the worker's relay: the demo queued the drawing of the handbook's pages
    handbook = Lesson.objects.get(kind="document", course__org=union.enterprise)
    assert handbook.pages == 3 and handbook.page_images.count() == 3
    assert "84 消毒液" in handbook.page_images.get(number=1).text
    assert Certificate.objects.filter(org=union.enterprise).exists()
