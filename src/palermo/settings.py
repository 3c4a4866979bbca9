"""Django settings, read from environment variables with safe defaults.

Development (the default) runs on a SQLite file under ``PALERMO_DATA_DIR``. Production mode
(``PALERMO_PRODUCTION=1``) refuses to start without a strong ``PALERMO_SECRET_KEY`` and
``PALERMO_ALLOWED_HOSTS`` and turns on secure cookies and headers. A value that cannot be read
(a yes/no that is neither, a number that is not one) stops the start with the variable's name
instead of being silently replaced by a default.
"""

import ipaddress
import math
import os
import zlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """An on/off variable: 1/0, true/false, yes/no, on/off (any case); anything else is refused,
    so that a typo such as ``PALERMO_PRODUCTION=y`` cannot quietly mean "off"."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is neither on nor off: write one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number of at least {minimum}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEVELOPMENT_SECRET_KEY = "palermo-development-only-key-never-use-in-production"
GENERATE_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def secret_key_problem(key: str) -> str:
    """Why ``key`` is too weak to sign sessions and password-reset links, or "" if it is not.

    Strength is estimated as (length once zlib has squeezed out repeats) × log2(number of
    distinct characters): what the key would be worth if each remaining character were drawn at
    random from the characters it uses; at least 128 bits are needed, from at least 32
    characters. This refuses repeated characters ("a" × 50 is worth 0 bits) and repeated
    blocks ("0123456789" × 4 about 50), and accepts what ``secrets.token_urlsafe(50)`` (about
    360 bits by this estimate), ``secrets.token_hex(32)`` or ``openssl rand -base64 48`` make.
    It cannot see every pattern (a keyboard row, a sentence): generate the key, never invent it.
    """
    if len(key) < 32:
        return "is missing or shorter than 32 characters"
    if key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure-"):
        return "is a published development key"
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: no header to count
    squeezed = len(squeezer.compress(key.encode()) + squeezer.flush())
    distinct = len(set(key))
    bits = min(len(key), squeezed) * math.log2(distinct) if distinct > 1 else 0.0
    if bits < 128:
        return (
            f"is too predictable ({len(key)} characters of {distinct} kinds, repeats removed: "
            f"about {bits:.0f} bits; at least 128 are needed)"
        )
    return ""


PRODUCTION = env_bool("PALERMO_PRODUCTION")
DATA_DIR = Path(os.environ.get("PALERMO_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("PALERMO_SECRET_KEY", "")
if PRODUCTION:
    if problem := secret_key_problem(SECRET_KEY):
        raise ImproperlyConfigured(
            f"PALERMO_PRODUCTION is set but PALERMO_SECRET_KEY {problem}. "
            f"Generate one with: {GENERATE_KEY}"
        )
    ALLOWED_HOSTS = env_list("PALERMO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "PALERMO_PRODUCTION is set but PALERMO_ALLOWED_HOSTS is empty: list the host names "
            "this site answers to, separated by commas."
        )
    DEBUG = False
    ADMIN_ENABLED = False  # the admin is never served in production
else:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
    ALLOWED_HOSTS = env_list("PALERMO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    DEBUG = env_bool("PALERMO_DEBUG", True)
    # The read-only admin: on in development; `make bench` turns it on with DEBUG off, since
    # Django's admin changelist is its peer.
    ADMIN_ENABLED = env_bool("PALERMO_ADMIN", DEBUG)

INSTALLED_APPS = [
    "palermo.platform.admin.PalermoAdminConfig",  # read-only, development only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "csp",
    "django_htmx",
    "template_partials",
    "django_tables2",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "auditlog",
    "axes",
    "palermo.platform",
    "palermo.platform.searchindex",
    "palermo.core",
    "palermo.treaties",
    "palermo.library",
    "palermo.directory",
    "palermo.assistance",
    "palermo.statistics",
    "palermo.analysis",
    "palermo.cooperation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "palermo.platform.api.JsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "palermo.platform.audit.SurfaceMiddleware",
    "palermo.core.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "palermo.core.middleware.VaryOnHtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "palermo.urls"
WSGI_APPLICATION = "palermo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "palermo.core.context_processors.palermo",
            ],
        },
    }
]
# Django's form renderer, with select boxes written in Python (platform/forms.py).
FORM_RENDERER = "palermo.platform.forms.FormRenderer"

# Database: SQLite under DATA_DIR unless PALERMO_DATABASE_URL names another (PostgreSQL).
_default_sqlite = f"sqlite:///{DATA_DIR / 'palermo.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("PALERMO_DATABASE_URL", _default_sqlite),
        conn_max_age=60,
        # A connection the server dropped is replaced, not answered with a 500 (measured in
        # docs/operating.md: gunicorn workers keep theirs between requests).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page read while the embedded worker writes; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "PALERMO_TEST_DATABASE_NAME"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its account or address is locked, before any password check.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = env_int("PALERMO_PASSWORD_RESET_HOURS", 24, minimum=1) * 3600

# Sign-in throttling (django-axes). Failed sign-ins are counted per account (whatever address
# they come from: a guesser spreading over many machines) and per address (one machine trying
# many accounts); either reaching the limit within the lock time pauses signing in for that
# account or from that address. Every failure during the lock restarts it. A success does not
# wipe the count (or one valid account would let a guesser reset the address's count). The lock
# ends by itself, with `palermo unlock-signin`, or, for an account, when its password is reset
# by e-mail. The address is REMOTE_ADDR, which the server (gunicorn or Waitress, with the same
# proxy-header code) fills from the trusted proxy's
# X-Forwarded-For (see `palermo serve`); a client cannot choose it.
AXES_FAILURE_LIMIT = env_int("PALERMO_SIGNIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PALERMO_SIGNIN_LOCK_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure; the audit trail records each
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)  # never a header the client can write
AXES_LOCKOUT_CALLABLE = "palermo.core.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# The six official languages of the United Nations.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "media"

# Live job progress lives in the cache so that another process can read it while the job's
# own transaction is still open. The file cache needs no server; use Redis in production.
_cache_url = os.environ.get("PALERMO_CACHE_URL", "")
if _cache_url.startswith("redis://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Background jobs: django-tasks with its database backend. `palermo serve` runs a worker
# thread in the same process (no extra server); production runs `palermo worker` processes.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("PALERMO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}

EMAIL_BACKEND = os.environ.get(
    "PALERMO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"
EMAIL_HOST = os.environ.get("PALERMO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("PALERMO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("PALERMO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PALERMO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PALERMO_EMAIL_STARTTLS")
EMAIL_USE_SSL = env_bool("PALERMO_EMAIL_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "PALERMO_EMAIL_STARTTLS and PALERMO_EMAIL_SSL are both on: choose one (STARTTLS on port "
        "587, or TLS from the start on port 465)."
    )
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("PALERMO_FROM_EMAIL", "palermo@localhost")

DJANGO_TABLES2_TEMPLATE = "platform/table.html"

# Imports (docs/user/imports.md): one size limit for the page, the API and the command line;
# uploaded files deleted once imported unless kept this many days (then their owner's and the
# Secretariat's to download).
PALERMO_IMPORT_MAX_BYTES = env_int("PALERMO_IMPORT_MAX_MB", 256, minimum=1) * 1024 * 1024
PALERMO_IMPORT_KEEP_DAYS = env_int("PALERMO_IMPORT_KEEP_DAYS", 0)
# Uploads larger than this go to a temporary file, never into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Jobs (docs/user/jobs.md): a running job silent this long is its stopped worker's, and is
# marked failed (or requeued, if its handler is idempotent) by the next worker.
PALERMO_JOB_STALE_SECONDS = env_int("PALERMO_JOB_STALE_SECONDS", 120, minimum=1)
# Daily tasks (platform.schedule): each worker looks this often for the day's tasks; 0: never.
PALERMO_SCHEDULE_SECONDS = env_int("PALERMO_SCHEDULE_SECONDS", 600, minimum=0)

AUDITLOG_INCLUDE_ALL_MODELS = False

# `palermo serve` behind a TLS-terminating proxy: Waitress believes X-Forwarded-Proto and
# X-Forwarded-For only from this address (it sets the request's scheme and client address from
# them) and deletes those headers from every other client. Django itself reads no forwarded
# header (no SECURE_PROXY_SSL_HEADER): the trust decision needs the peer's address, which only
# the server knows.
PALERMO_TRUSTED_PROXY = os.environ.get("PALERMO_TRUSTED_PROXY", "").strip() or None
if PALERMO_TRUSTED_PROXY:
    try:
        ipaddress.ip_address(PALERMO_TRUSTED_PROXY)
    except ValueError:
        raise ImproperlyConfigured(
            f"PALERMO_TRUSTED_PROXY={PALERMO_TRUSTED_PROXY!r} is not an IP address: give the "
            "one address the proxy connects from (Waitress compares it exactly; '*' is refused "
            "because it would let any client claim HTTPS and any address)."
        ) from None
PALERMO_TRUSTED_PROXY_HEADERS = env_list(
    "PALERMO_TRUSTED_PROXY_HEADERS", "x-forwarded-proto,x-forwarded-for"
)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("PALERMO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("PALERMO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    CSRF_TRUSTED_ORIGINS = env_list("PALERMO_CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# The language cookie is read by the server only (no script touches it).
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# A tile server for the Analysis map, when one is configured (e.g. an organisation's own
# OpenStreetMap server): a URL template with {z}, {x} and {y}. Without one, the map draws the
# vendored country outlines only, and works offline.
MAP_TILES = os.environ.get("PALERMO_MAP_TILES", "").strip()
MAP_TILES_ATTRIBUTION = os.environ.get("PALERMO_MAP_TILES_ATTRIBUTION", "").strip()


def _tile_origin(template: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(template)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") else []


# Content Security Policy: every script, style, font and map outline comes from this site (all
# vendored), so nothing else may load; no inline script runs. Data URIs are Pico's icons; the
# map's tile server, when one is configured, may serve images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_origin(MAP_TILES)],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PALERMO_LOG_LEVEL", "WARNING")},
}
# The address in e-mailed links (notifications, password reset): never taken from the request's
# Host header. In production it defaults to https:// and the first allowed host.
PALERMO_SITE_URL = os.environ.get(
    "PALERMO_SITE_URL",
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION else "http://127.0.0.1:8000",
)
