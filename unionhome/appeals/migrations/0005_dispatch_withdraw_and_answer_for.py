from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_appeal_number_constraint")]

    operations = [
        migrations.AddField(
            model_name="dispatch",
            name="answered_for",
            field=models.BooleanField(default=False, verbose_name="工会代为反馈"),
        ),
        migrations.AddField(
            model_name="dispatch",
            name="note",
            field=models.CharField(blank=True, max_length=300, verbose_name="说明"),
        ),
        migrations.AlterField(
            model_name="dispatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("waiting", "排队"),
                    ("pending", "待反馈"),
                    ("answered", "已反馈"),
                    ("withdrawn", "已撤回"),
                ],
                default="waiting",
                max_length=10,
            ),
        ),
    ]
