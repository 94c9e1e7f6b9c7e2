"""`Claim` becomes `OfferClaim`: benefits has claims too, and one name should mean one thing. The
table keeps its name, so only Django's idea of the model changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_fewer_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("Claim", "OfferClaim"),
                migrations.AlterModelTable("OfferClaim", "activities_claim"),
            ],
            database_operations=[],
        ),
    ]
