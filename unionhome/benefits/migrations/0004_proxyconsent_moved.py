"""Proxy consent moved to members (members 0003); the claims and hardship cases that point at it
now point there. The table and its rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0003_withdraw_proxy_written_consents"),
        ("members", "0003_proxyconsent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="claim",
                    name="proxy",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="claims", to="members.proxyconsent"),
                ),
                migrations.AlterField(
                    model_name="hardshipcase",
                    name="proxy",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="members.proxyconsent"),
                ),
                migrations.DeleteModel(name="ProxyConsent"),
            ],
            database_operations=[],
        ),
    ]
