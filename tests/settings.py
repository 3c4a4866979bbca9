"""Test settings: the real database engine chosen by PALERMO_DATABASE_URL (SQLite by default),
jobs run at once in-process, mail kept in memory."""

import tempfile

from palermo.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="palermo-test-media-")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
STATIC_ROOT = tempfile.mkdtemp(prefix="palermo-test-static-")

# Small models showing each access pattern of the platform (tests/examples/models.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.examples"]  # noqa: F405

# SQLite: the test database is a file, not shared-cache memory, so threads (the embedded
# worker, a job's watcher) wait for each other's locks as a real site does (WAL, busy timeout)
# instead of failing at once with "database table is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(tempfile.mkdtemp(prefix="palermo-test-db-")) + "/test.sqlite3"
    }
