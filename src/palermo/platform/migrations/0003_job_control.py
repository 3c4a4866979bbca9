# Jobs that survive restarts: cancellation, a heartbeat, attempts, the worker running a job.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0003_import_runs_and_mappings"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="job",
            name="heartbeat",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last sign of life"),
        ),
        migrations.AddField(
            model_name="job",
            name="started",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            model_name="job",
            name="worker",
            field=models.CharField(blank=True, max_length=100, verbose_name="worker"),
        ),
        migrations.AlterField(
            model_name="job",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("succeeded", "Finished"),
                    ("failed", "Failed"),
                    ("cancelling", "Cancelling"),
                    ("cancelled", "Cancelled"),
                ],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["status", "heartbeat"], name="job_status_heartbeat"),
        ),
    ]
