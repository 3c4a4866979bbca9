"""Production mode refuses to start unsafely; run in a fresh interpreter each time."""

import os
import subprocess
import sys


def settings_of(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import palermo.settings as s; g = lambda n: getattr(s, n, None); "
        "print(s.DEBUG, g('SESSION_COOKIE_SECURE'), g('CSRF_COOKIE_SECURE'), "
        "g('SECURE_HSTS_SECONDS'), s.DATABASES['default']['ENGINE'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PALERMO_")}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_of({"PALERMO_PRODUCTION": "1", "PALERMO_ALLOWED_HOSTS": "palermo.example"})
    assert result.returncode != 0
    assert "PALERMO_SECRET_KEY is missing" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = settings_of({"PALERMO_PRODUCTION": "1", "PALERMO_SECRET_KEY": "x" * 50})
    assert result.returncode != 0 and "PALERMO_ALLOWED_HOSTS" in result.stderr


def test_production_sets_secure_cookies_and_headers():
    result = settings_of(
        {
            "PALERMO_PRODUCTION": "1",
            "PALERMO_SECRET_KEY": "x" * 50,
            "PALERMO_ALLOWED_HOSTS": "palermo.example",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "31536000",
        "django.db.backends.sqlite3",
    ]


def test_database_url_selects_postgresql():
    result = settings_of({"PALERMO_DATABASE_URL": "postgres://u@127.0.0.1:5432/palermo"})
    assert result.stdout.split()[-1] == "django.db.backends.postgresql"
