"""Proxy consent (代办) is the members' concern, not one app's: appeals and benefits both file with
it. The model moves here; its table stays where it was (`benefits_proxyconsent`), so nothing is
copied: this migration and benefits 0004 change only what Django knows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_join_phone_verified"),
        ("benefits", "0003_withdraw_proxy_written_consents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProxyConsent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("method", models.CharField(choices=[("code", "会员手机验证码"), ("signature", "会员手写签名")], max_length=10)),
                        ("purposes", models.JSONField(blank=True, default=list)),
                        ("code_digest", models.CharField(blank=True, max_length=64)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("signature", models.FileField(blank=True, upload_to="proxy/%Y/%m/")),
                        ("granted_at", models.DateTimeField(blank=True, null=True)),
                        ("expires_at", models.DateTimeField()),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("actor", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("member", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="proxy_consents", to="members.member")),
                    ],
                    options={"ordering": ["-created_at", "-pk"], "db_table": "benefits_proxyconsent"},
                ),
            ],
            database_operations=[],
        ),
    ]
