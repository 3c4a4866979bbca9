"""Settings of the real `palermo worker` processes that tests/platform/test_jobs.py starts: the
test settings, the database queue, the test-only handlers, a short stale threshold."""

import os

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.platform.slow_jobs.SlowJobsConfig"]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PALERMO_JOB_STALE_SECONDS = float(os.environ.get("PALERMO_JOB_STALE_SECONDS", "120"))
