"""The demo has the claim catalogue, a year of claims in every state, three hardship cases at
different stages, a summer campaign part handed out and a fund with a budget — loaded once."""

from django.core.management import call_command

from unionhome.benefits.models import Campaign, Claim, ClaimStatus, ClaimType, Fund, HardshipCase, Visit
from unionhome.core.models import Org
from unionhome.members import demo


def test_demo_benefits(db):
    call_command("demo", "--json")
    enterprise = Org.objects.get(name=demo.ENTERPRISE)
    assert ClaimType.objects.filter(org=enterprise).count() == 8
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert Claim.objects.filter(proxy__isnull=False).exists()
    created = sorted(Claim.objects.values_list("created_at", flat=True))
    assert (created[-1] - created[0]).days > 180  # a year of claims
    assert sorted(HardshipCase.objects.values_list("stage", flat=True)) == [
        "consultation",
        "follow_up",
        "intake",
    ]
    assert HardshipCase.objects.filter(urgent=True).count() == 1
    fund = Fund.objects.get(org=enterprise, name="职工福利经费")
    assert 0 < fund.spent < fund.budget
    summer = Campaign.objects.get(kind="cool")
    delivered = summer.entitlements.filter(delivered_at__isnull=False).count()
    assert summer.total > 10 and 0 < delivered < summer.total
    assert Visit.objects.filter(rating__isnull=False).count() == 2
    counts = (Claim.objects.count(), HardshipCase.objects.count(), Campaign.objects.count())
    call_command("demo", "--json")
    assert (Claim.objects.count(), HardshipCase.objects.count(), Campaign.objects.count()) == counts
