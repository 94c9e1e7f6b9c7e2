"""The demo union's year of appeals makes the figures page true to life, and loads once."""

from django.core.management import call_command
from django.utils import timezone

from unionhome.appeals import review
from unionhome.appeals.insights import appeal_figures
from unionhome.appeals.models import Appeal, RiskItem
from unionhome.core.audit import timeline_entries
from unionhome.core.models import Org
from unionhome.members import demo


def test_demo_history(db):
    call_command("demo", "--json")
    enterprise = Org.objects.get(name=demo.ENTERPRISE)
    appeals = Appeal.objects.filter(org__path__startswith=enterprise.path)
    n = appeals.count()
    assert 400 <= n <= 650
    assert set(appeals.values_list("channel", flat=True)) == {"online", "hotline", "box", "visit", "station"}
    assert appeals.filter(overdue=True).exists() and appeals.filter(rating__isnull=False).exists()
    today = timezone.localdate()
    year = appeal_figures(appeals, start=today.replace(year=today.year - 1), end=today)["overall"]
    assert year["closure_rate"] >= 0.95
    early = appeal_figures(
        appeals,
        start=today.replace(year=today.year - 1),
        end=today.replace(year=today.year - 1) + timezone.timedelta(days=60),
    )["overall"]
    late = appeal_figures(appeals, start=today - timezone.timedelta(days=90), end=today)["overall"]
    assert early["avg_cycle_days"] > 10 > 7 > late["avg_cycle_days"]
    assert late["satisfaction_rate"] > early["satisfaction_rate"]
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(username="staff1")
    assert any(g["count"] >= 4 for g in review.recurring_groups(staff))
    assert RiskItem.objects.filter(org=enterprise, closed=False).exists()
    assert [e["text"] for e in timeline_entries(appeals.filter(status="rated").first())][:2] == [
        "诉求已提交",
        "已受理",
    ]
    call_command("demo", "--json")
    assert appeals.count() == n
