"""The demo loads the knowledge base, news in every column and a notice sent to one site — once."""

from django.core.management import call_command

from unionhome.assistant.models import Entry
from unionhome.content.models import Article, Column, Notice
from unionhome.core.models import Notification, Org
from unionhome.members import demo
from unionhome.members.models import Member


def test_demo_content(db):
    call_command("demo", "--json")
    enterprise = Org.objects.get(name=demo.ENTERPRISE)
    assert Entry.objects.filter(active=True).count() >= 120
    assert Entry.objects.filter(is_guide=True).exists()
    columns = set(Article.objects.filter(org=enterprise).values_list("column", flat=True))
    assert columns == set(Column.values)
    assert Article.objects.filter(org=enterprise, pinned=True).exists()
    notice = Notice.objects.get(org=enterprise)
    (site,) = notice.audience["sites"]
    at_site = Member.objects.filter(site_id=site, status="active", user__isnull=False).count()
    assert notice.recipients == at_site > 0
    assert Notification.objects.filter(ref=notice.ref).count() == at_site
    counts = (
        Entry.objects.count(),
        Article.objects.count(),
        Notification.objects.filter(ref=notice.ref).count(),
    )
    call_command("demo", "--json")
    assert (
        Entry.objects.count(),
        Article.objects.count(),
        Notification.objects.filter(ref=notice.ref).count(),
    ) == counts
