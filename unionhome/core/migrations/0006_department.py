from django.db import migrations, models
import django.db.models.deletion


def from_the_handlers(apps, schema_editor):
    """Every department a handler already holds becomes a department on the list."""
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    Department = apps.get_model("core", "Department")
    pairs = (
        RoleAssignment.objects.filter(role="handler")
        .exclude(department="")
        .values_list("org_id", "department")
        .distinct()
    )
    Department.objects.bulk_create(
        [Department(org_id=org_id, name=name) for org_id, name in pairs], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_sessions")]

    operations = [
        migrations.CreateModel(
            name="Department",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50, verbose_name="部门名称")),
                ("active", models.BooleanField(default=True, verbose_name="在用")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "org",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="departments", to="core.org"
                    ),
                ),
            ],
            options={"verbose_name": "部门", "verbose_name_plural": "部门", "ordering": ["org_id", "name"]},
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(fields=("org", "name"), name="department_unique_name"),
        ),
        migrations.RunPython(from_the_handlers, migrations.RunPython.noop),
    ]
