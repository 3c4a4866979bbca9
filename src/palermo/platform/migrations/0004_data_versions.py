# The versions of the datasets computed results are cached under (platform.computed).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0003_import_runs_and_mappings"),
        ("platform", "0003_job_control"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "name",
                    models.CharField(
                        max_length=60, primary_key=True, serialize=False, verbose_name="dataset"
                    ),
                ),
                ("token", models.BigIntegerField(verbose_name="version")),
                ("changed", models.DateTimeField(verbose_name="changed")),
            ],
            options={
                "verbose_name": "data version",
                "verbose_name_plural": "data versions",
                "ordering": ["name"],
            },
        ),
    ]
