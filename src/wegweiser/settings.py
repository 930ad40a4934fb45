"""Wegweiser settings: one module, driven by environment variables (see docs/betrieb.md)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dj_database_url

from wegweiser.core.env import env, env_bool, env_int, env_list, secret

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

# DEBUG is off unless explicitly switched on (``make run`` does so for the local demo).
DEBUG = env_bool("WEGWEISER_DEBUG", default=False)

SECRET_KEY = secret("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or env_bool("WEGWEISER_TESTING", default=False):
        SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (oder DJANGO_SECRET_KEY_FILE) muss im Betrieb gesetzt sein."
        )

# Reverse proxies whose X-Forwarded-For is trusted for the client address (audit log, throttling).
WEGWEISER_TRUSTED_PROXIES = frozenset(env_list("WEGWEISER_TRUSTED_PROXIES", default=[]))
ALLOWED_HOSTS = env_list("WEGWEISER_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("WEGWEISER_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "django_htmx",
    "csp",
    "ninja",
    "wegweiser.core",
    "wegweiser.organisations",
    "wegweiser.accounts",
    "wegweiser.audit",
    "wegweiser.clients",
    "wegweiser.counselling",
    "wegweiser.directory",
    "wegweiser.plans",
    "wegweiser.referrals",
    "wegweiser.statistics",
    "wegweiser.funding",
    "wegweiser.volunteers",
    "wegweiser.dataprotection",
    "wegweiser.transfer",
    "wegweiser.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wegweiser.core.middleware.RequestContextMiddleware",
    "wegweiser.core.middleware.LoginRequiredMiddleware",
    "wegweiser.core.middleware.IdleTimeoutMiddleware",
    "wegweiser.core.middleware.MfaEnforcementMiddleware",
    "wegweiser.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "wegweiser.urls"
# Indexes with included columns (the case list's, clients.Case.Meta) are PostgreSQL's; SQLite
# builds them from the key columns alone, which is what it needs.
# The template library "i18n" is Django's with kept translations (core/templatetags/kept_i18n.py):
# taking its name is the point. tests/core/test_kept_i18n.py makes sure that no other name of a
# template library is taken twice.
SILENCED_SYSTEM_CHECKS = ["models.W040", "templates.W003"]
WSGI_APPLICATION = "wegweiser.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wegweiser.core.context_processors.wegweiser",
            ],
            # {% url %} without a full reverse() for addresses without or with UUID arguments
            "builtins": ["wegweiser.core.templatetags.fast_url"],
            # {% load i18n %}: Django's library with the translations of literals kept per
            # language (core/templatetags/kept_i18n.py)
            "libraries": {"i18n": "wegweiser.core.templatetags.kept_i18n"},
        },
    }
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = Path(
    env("WEGWEISER_SQLITE_PATH", default=str(PROJECT_DIR / "var" / "wegweiser.sqlite3"))
)
DATABASE_URL = secret("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("WEGWEISER_DB_CONN_MAX_AGE", default=60),
            conn_health_checks=True,
        )
    }
    # The health check at the start of a request without a round trip (core/pgbackend).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "wegweiser.core.pgbackend"
    # A page runs the same few statements again and again: PostgreSQL plans each once per
    # connection (prepared after WEGWEISER_DB_PREPARE_THRESHOLD uses, with parameters bound on
    # the server) instead of on every request, where planning the case page's joins cost more
    # than running them. 0 switches it off (PgBouncer before 1.21 in transaction mode).
    # (The planner costs are set per connection in core.apps: WEGWEISER_DB_RANDOM_PAGE_COST.)
    _prepare_threshold = env_int("WEGWEISER_DB_PREPARE_THRESHOLD", default=5)
    if _prepare_threshold > 0:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=_prepare_threshold
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
            },
        }
    }
# A read replica of the primary (PostgreSQL streaming replication), optional: the figure reports
# read there (statistics.db.reporting_db); writes never go there. Tests see it as a mirror of
# default (Django's TEST MIRROR); without a replica the test suite still has the alias, so that
# tests/statistics/test_replica.py can show which reads go there (other tests may not use it).
DATABASE_REPLICA_URL = secret("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=env_int("WEGWEISER_DB_CONN_MAX_AGE", default=60),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "wegweiser.core.pgbackend"
elif env_bool("WEGWEISER_TESTING", default=False):
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
# Figures shown on pages (dashboards, annual report as it stands, figures API) are fresh this long
# (Django's cache); 0 computes on every request (default with DEBUG and in tests).
WEGWEISER_FIGURES_CACHE_SECONDS = env_int(
    "WEGWEISER_FIGURES_CACHE_SECONDS",
    default=0 if DEBUG or env_bool("WEGWEISER_TESTING", default=False) else 300,
)
# A result older than that is still shown while one background thread computes the next one;
# it is kept this long (seconds); `manage.py refresh_figures` computes counties and the state ahead.
WEGWEISER_FIGURES_KEEP_SECONDS = env_int("WEGWEISER_FIGURES_KEEP_SECONDS", default=86400)
# Tests: the background recomputation runs at once (after the old result was answered).
WEGWEISER_FIGURES_REFRESH_INLINE = env_bool(
    "WEGWEISER_FIGURES_REFRESH_INLINE", default=env_bool("WEGWEISER_TESTING", default=False)
)
WEGWEISER_REPORTING_DATABASE = "replica" if DATABASE_REPLICA_URL else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL planner cost of a random page read, set on every new connection (core.apps).
WEGWEISER_DB_RANDOM_PAGE_COST = env("WEGWEISER_DB_RANDOM_PAGE_COST", default="1.1")

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["wegweiser.accounts.backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:desk"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "wegweiser.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("WEGWEISER_REAUTH_SECONDS", default=300)
# Repeated failures throttle per IP and per account key without telling whether the account exists.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env("WEGWEISER_LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
    "reset_password": "5/m/ip,3/m/key",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP keys and recovery-code seeds are stored encrypted (accounts/mfa_adapter.py).
MFA_ADAPTER = "wegweiser.accounts.mfa_adapter.MFAAdapter"
MFA_TOTP_ISSUER = "Wegweiser"
MFA_RECOVERY_CODE_COUNT = 10
MFA_PASSKEY_LOGIN_ENABLED = False

# Idle timeout: the session ends after this many minutes without a request (per Kreis adjustable).
WEGWEISER_IDLE_TIMEOUT_MINUTES = env_int("WEGWEISER_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = WEGWEISER_IDLE_TIMEOUT_MINUTES * 60
# The idle-timeout middleware pushes the expiry on at most once a minute; writing the session on
# every request would double the database work of a page.
SESSION_SAVE_EVERY_REQUEST = False
# Sessions are kept in the database and read from the cache (one query less on every page); the
# database stays the record, so a cleared cache logs nobody out. Ending a user's sessions
# (accounts.services.end_sessions) removes both. Several servers share one cache
# (WEGWEISER_CACHE_URL), or a session ended on one would live on in another's cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("WEGWEISER_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("WEGWEISER_SSL_REDIRECT", default=False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("WEGWEISER_HSTS_SECONDS", default=0)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("WEGWEISER_STATIC_ROOT", default=str(PROJECT_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("WEGWEISER_TESTING", default=False)
        else "wegweiser.core.storage.KeptManifestStaticFilesStorage"
    },
}

# --- Encryption of special-category fields ----------------------------------------------------
# Keys as "version:base64-fernet-key" entries, newest first. The first key encrypts; all decrypt.
WEGWEISER_FIELD_KEYS = env_list("WEGWEISER_FIELD_KEYS", default=[], secret_file=True)
if not WEGWEISER_FIELD_KEYS:
    if DEBUG or env_bool("WEGWEISER_TESTING", default=False):
        # Deterministic development key; production must configure its own.
        WEGWEISER_FIELD_KEYS = ["1:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk="]
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "WEGWEISER_FIELD_KEYS (oder WEGWEISER_FIELD_KEYS_FILE) muss im Betrieb gesetzt sein."
        )

# --- Logging: no personal data, no URLs with parameters --------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("WEGWEISER_LOG_LEVEL", default="WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Kosovo has no ISO 3166 code yet; the user-assigned XK is what German authorities use.
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}
FORM_RENDERER = "wegweiser.core.forms.KernFormRenderer"

# In development and tests whitenoise serves straight from the app folders (no collectstatic).
TESTING = env_bool("WEGWEISER_TESTING", default=False)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# The cache is shared by the processes of one server (files under var/cache): rate limits of the
# login, the figures of submitted reports and the progress of background jobs (imports, exports)
# are the same whichever worker answers. A deployment over several servers sets
# WEGWEISER_CACHE_URL to a shared cache (redis://...). Tests keep a cache per process in memory.
# Every key is prefixed with a digest of the database it describes, so that two installations
# (or a training copy) sharing a cache never read each other's figures.
_CACHE_URL = env("WEGWEISER_CACHE_URL", default="")
_DB = DATABASES["default"]
_CACHE_PREFIX = (
    "ww"
    + hashlib.sha256(
        f"{_DB.get('HOST', '')}:{_DB.get('PORT', '')}:{_DB['NAME']}".encode()
    ).hexdigest()[:10]
)
if _CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": _CACHE_PREFIX,
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("WEGWEISER_CACHE_DIR", default=str(PROJECT_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
            "KEY_PREFIX": _CACHE_PREFIX,
        }
    }

# Background jobs of imports and exports (transfer.jobs): in a thread of the web process that
# started them; WEGWEISER_JOBS_INLINE=1 runs them at once in the request (tests, debugging).
# Uploaded import files up to 50 MB; the export's ZIP files are kept here for a day.
TRANSFER_JOBS_INLINE = env_bool("WEGWEISER_JOBS_INLINE", default=False)
TRANSFER_MAX_UPLOAD = 50 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WEGWEISER_EXPORT_DIR = Path(
    env("WEGWEISER_EXPORT_DIR", default=str(PROJECT_DIR / "var" / "exports"))
)
