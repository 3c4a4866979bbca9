"""Test-only job handlers, registered in this process by ``register()`` and in a real
``palermo worker`` process by this app (``tests/platform/worker_settings.py``)."""

import time

from django.apps import AppConfig


def register():
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from palermo.platform.jobs import job_handler
    from palermo.platform.models import Grant, Job

    def slow(progress, *, acting_user, steps, delay):
        progress.set_total(steps, "Sleeping")
        for _ in range(steps):
            time.sleep(delay)
            progress.advance()
        return {"ok": True, "message": f"slept {steps} steps"}

    job_handler("test.slow")(slow)
    job_handler("test.slow-idempotent", idempotent=True, max_attempts=3, retry_delay=0)(slow)

    @job_handler("test.writes")
    def writes(progress, *, acting_user, steps, delay):
        """Writes a row per step, all in one transaction, like an import."""
        progress.set_total(steps, "Writing")
        job_type = ContentType.objects.get_for_model(Job)
        with transaction.atomic():
            for i in range(steps):
                Grant.objects.create(
                    content_type=job_type, object_id=i, role="step", user=acting_user
                )
                time.sleep(delay)
                progress.advance()
        return {"ok": True, "message": f"wrote {steps}"}


KINDS = ("test.slow", "test.slow-idempotent", "test.writes")


class SlowJobsConfig(AppConfig):
    name = "tests.platform.slow_jobs"
    label = "slow_jobs"

    def ready(self):
        register()
