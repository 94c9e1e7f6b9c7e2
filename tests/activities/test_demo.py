"""The demo has past and upcoming activities, attendance history, an offer opening soon, a lottery,
two venues shared between two enterprise unions, and discounts — loaded once."""

from django.core.management import call_command
from django.utils import timezone

from unionhome.activities.models import Activity, Booking, Discount, Offer, Signup, Venue
from unionhome.core.models import Org
from unionhome.members import demo


def test_demo_activities(db):
    call_command("demo", "--json")
    enterprise = Org.objects.get(name=demo.ENTERPRISE)
    now = timezone.now()
    assert Activity.objects.filter(org=enterprise, ends_at__lt=now).count() >= 2
    assert Activity.objects.filter(org=enterprise, starts_at__gt=now).count() >= 3
    assert Signup.objects.filter(activity__ends_at__lt=now, checked_in_at__isnull=False).count() > 50
    soon = Offer.objects.get(org=enterprise, mode="first_come")
    assert now < soon.opens_at < now + timezone.timedelta(hours=3)
    assert Offer.objects.filter(mode="lottery").exists()
    venues = Venue.objects.filter(shared_under__name=demo.STREET)
    assert {v.org.name for v in venues} == {demo.ENTERPRISE, demo.OTHER}
    assert Booking.objects.filter(org__name=demo.OTHER, venue__org=enterprise).exists()
    assert Discount.objects.count() >= 4
    counts = (
        Activity.objects.count(),
        Signup.objects.count(),
        Venue.objects.count(),
        Discount.objects.count(),
    )
    call_command("demo", "--json")
    assert (
        Activity.objects.count(),
        Signup.objects.count(),
        Venue.objects.count(),
        Discount.objects.count(),
    ) == counts
