"""Production mode refuses to start unsafely; run in a fresh interpreter each time."""

import os
import subprocess
import sys

import pytest

# What `secrets.token_urlsafe(50)` prints (the generator the error message gives).
STRONG_KEY = "q3Zk8Vx1T-mYbW7_oLr2PcN5sEa0HjUd9fGiKtR4wXyB6zQnMvJpAlCeSuDhFgO_Iw"
PRODUCTION = {
    "PALERMO_PRODUCTION": "1",
    "PALERMO_SECRET_KEY": STRONG_KEY,
    "PALERMO_ALLOWED_HOSTS": "palermo.example",
}


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
    result = settings_of({"PALERMO_PRODUCTION": "1", "PALERMO_SECRET_KEY": STRONG_KEY})
    assert result.returncode != 0 and "PALERMO_ALLOWED_HOSTS" in result.stderr


def test_production_sets_secure_cookies_and_headers():
    result = settings_of(PRODUCTION)
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


def value_of(env: dict, expression: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PALERMO_")}
    return subprocess.run(
        [sys.executable, "-c", f"import palermo.settings as s; print({expression})"],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "key",
    [
        "a" * 50,  # the probe's key
        "x" * 50,
        "ab" * 40,  # two kinds
        "0123456789" * 4,  # ten kinds, but one block repeated
        "palermo-development-only-key-never-use-in-production",
        "django-insecure-" + STRONG_KEY,
        "Sh0rt-but-varied!",
    ],
)
def test_production_refuses_a_guessable_secret_key(key):
    result = settings_of({**PRODUCTION, "PALERMO_SECRET_KEY": key})
    assert result.returncode != 0, f"accepted {key!r}"
    assert "ImproperlyConfigured" in result.stderr and "PALERMO_SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # says how to make a good one
    assert key not in result.stderr  # the key itself is never printed


def test_production_accepts_generated_secret_keys():
    import secrets

    for key in (STRONG_KEY, secrets.token_urlsafe(50), secrets.token_hex(32)):
        result = settings_of({**PRODUCTION, "PALERMO_SECRET_KEY": key})
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["y", "n", "enabled", "", "2", "oui", "True!"])
def test_an_unclear_on_off_value_is_refused_with_its_name(value):
    result = settings_of({"PALERMO_PRODUCTION": value})
    assert result.returncode != 0
    assert f"PALERMO_PRODUCTION={value!r}" in result.stderr
    assert "1/0, true/false, yes/no, on/off" in result.stderr


@pytest.mark.parametrize("name", ["PALERMO_DEBUG", "PALERMO_EMAIL_STARTTLS"])
def test_every_on_off_variable_is_strict(name):
    result = settings_of({name: "y"})
    assert result.returncode != 0 and f"{name}='y'" in result.stderr
    result = settings_of({**PRODUCTION, "PALERMO_SSL_REDIRECT": "nope"})
    assert result.returncode != 0 and "PALERMO_SSL_REDIRECT='nope'" in result.stderr


@pytest.mark.parametrize(
    ("value", "production", "debug"),
    [("1", True, False), ("TRUE", True, False), (" on ", True, False), ("No", False, True)],
)
def test_clear_on_off_values_in_any_case(value, production, debug):
    env = {**PRODUCTION, "PALERMO_PRODUCTION": value}
    result = value_of(env, "s.PRODUCTION, s.DEBUG")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(production), str(debug)]


def test_a_number_that_is_not_one_is_refused():
    result = settings_of({"PALERMO_SIGNIN_FAILURE_LIMIT": "five"})
    assert result.returncode != 0 and "PALERMO_SIGNIN_FAILURE_LIMIT='five'" in result.stderr
    result = settings_of({"PALERMO_SIGNIN_FAILURE_LIMIT": "0"})
    assert result.returncode != 0 and "at least 1" in result.stderr


def test_the_trusted_proxy_must_be_one_address():
    for value in ("*", "proxy.example", "10.0.0.0/8"):
        result = settings_of({"PALERMO_TRUSTED_PROXY": value})
        assert result.returncode != 0 and "PALERMO_TRUSTED_PROXY" in result.stderr, value
    result = value_of({"PALERMO_TRUSTED_PROXY": "10.0.0.5"}, "s.PALERMO_TRUSTED_PROXY")
    assert result.stdout.strip() == "10.0.0.5"


def test_production_language_cookie_is_secure_lax_and_http_only():
    result = value_of(
        PRODUCTION,
        "s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Lax", "True"]


def test_django_reads_no_forwarded_header_itself():
    """Only Waitress, which knows the peer's address, decides whether to believe the proxy."""
    result = value_of(PRODUCTION, "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"
