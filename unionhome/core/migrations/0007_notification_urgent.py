from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_department")]

    operations = [
        migrations.AddField(model_name="notification", name="urgent", field=models.BooleanField(db_default=False, default=False)),
    ]
