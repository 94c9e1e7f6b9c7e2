"""Consents a proxy wrote before proxy consent was kept apart are withdrawn.

Until this release, a volunteer's proxy consent "by signature" (any image) wrote ordinary,
never-ending consent rows for the member's health and financial data, recorded by the volunteer.
The member's own decisions are recorded by the member (the profile page, the API, joining); a
sensitive grant in force that someone else recorded can only have come from a proxy. Each is
withdrawn by a new row (rows are never changed: the record keeps what happened), and old signature
consents grant nothing sensitive any more."""

from django.db import migrations

SENSITIVE = ("health", "financial")


def withdraw(apps, schema_editor):
    Consent = apps.get_model("members", "Consent")
    ProxyConsent = apps.get_model("benefits", "ProxyConsent")
    latest: dict[tuple[int, str], object] = {}
    for row in Consent.objects.filter(purpose__in=SENSITIVE).select_related("member").order_by("at", "pk"):
        latest[(row.member_id, row.purpose)] = row
    withdrawals = [
        Consent(member_id=row.member_id, purpose=row.purpose, granted=False, recorded_by=None)
        for row in latest.values()
        if row.granted and row.recorded_by_id is not None and row.recorded_by_id != row.member.user_id
    ]
    Consent.objects.bulk_create(withdrawals)
    ProxyConsent.objects.filter(method="signature").exclude(purposes=[]).update(purposes=[])


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0002_proxy_revoked"),
        ("members", "0002_join_phone_verified"),
    ]

    operations = [migrations.RunPython(withdraw, migrations.RunPython.noop)]
