import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("examples", "0001_examples"),
        ("platform", "0003_import_runs_and_mappings"),
    ]

    operations = [
        migrations.CreateModel(
            name="Payment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "source_row",
                    models.PositiveIntegerField(
                        blank=True,
                        editable=False,
                        null=True,
                        verbose_name="row of the imported file",
                    ),
                ),
                ("paid_at", models.DateTimeField()),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14)),
                ("currency", models.CharField(max_length=3)),
                ("payer", models.CharField(max_length=200)),
                ("payee", models.CharField(max_length=200)),
                ("reference", models.CharField(blank=True, max_length=200)),
                (
                    "import_run",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="platform.importrun",
                        verbose_name="import",
                    ),
                ),
            ],
            options={"ordering": ["paid_at", "pk"]},
        ),
    ]
