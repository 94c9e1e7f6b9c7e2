"""One settings module. Every knob is an environment variable with an embedded default.

`.env.example` documents each of them. The embedded mode (no DATABASE_URL, no REDIS_URL) needs
nothing but Python: SQLite, the SQLite task queue and local-memory cache under the data directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from unionhome.core.sqlite import pragmas as sqlite_pragmas

BASE_DIR = Path(__file__).resolve().parent


class SettingError(RuntimeError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingError(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("UNIONHOME_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_data_dir(filename: str, make) -> str:
    """Embedded mode keeps generated secrets in the data directory, readable by the owner only."""
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or _secret_from_data_dir("secret.key", lambda: secrets.token_urlsafe(50))
# AES-GCM key for personal data at rest: 32 bytes, base64. Losing it loses the ID numbers.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY") or _secret_from_data_dir(
    "field.key", lambda: __import__("base64").b64encode(secrets.token_bytes(32)).decode()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Other sites a notice may link to (https only; core.links): every other link stays on this site.
LINK_ALLOWED_HOSTS = env_list("LINK_ALLOWED_HOSTS")

# Behind TLS (the production default) cookies are secure and HTTP is redirected; `make run` on
# a laptop sets HTTPS=0.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# The client's address: REMOTE_ADDR, unless BEHIND_PROXY, when it is read from X-Forwarded-For as
# written by the TRUSTED_PROXIES proxies in front of us (the entry that many places from the right).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis when configured) and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "unionhome.core",
    "unionhome.members",
    "unionhome.appeals",
    "unionhome.assistant",
    "unionhome.content",
    "unionhome.activities",
    "unionhome.benefits",
    "unionhome.integrations",
    "unionhome.learning",
    "unionhome.democracy",
    "unionhome.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "unionhome.core.middleware.ScopeGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "unionhome.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "unionhome.core.middleware.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "unionhome.core.middleware.ElderModeMiddleware",
    "unionhome.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "unionhome.urls"
WSGI_APPLICATION = "unionhome.wsgi.application"

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
                "unionhome.core.context_processors.shell",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_PREPARED_STATEMENTS", True):
        # Server-side binding lets PostgreSQL keep the plan of a statement run five times on a
        # connection: the token lookup every API call makes went from 0.40 to 0.18 ms. Turn off
        # behind a transaction-pooling proxy (PgBouncer before 1.21) that cannot keep them.
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": env_int("DB_PREPARE_THRESHOLD", 5),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(DATA_DIR / "unionhome.sqlite3")),
            # Keep each worker thread's connection: opening one and setting its pragmas per request
            # cost more than the queries of a page.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 600),
            # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on the
            # busy timeout instead of one failing with "database is locked" half-way through.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL; checkpoints run in a thread of each process, not in a request (core.sqlite).
                "init_command": sqlite_pragmas(),
            },
            # Tests use a file too, not shared-cache memory: concurrency tests then meet the same
            # locking (WAL, IMMEDIATE, busy timeout) as a real deployment.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The figures' covering indexes (appeals.Appeal: `include=`) add their columns on PostgreSQL only;
# on SQLite the same index serves by its key, so the warning that the columns are left out says
# nothing to act on.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- cache and queue ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits and one-time codes (core.limits) are counted across every server process: in Redis
# when configured, else in a SQLite file of their own under DATA_DIR.
if REDIS_URL:
    CACHES["limits"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "limits",
    }

HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
HUEY = {
    "name": "unionhome",
    "immediate": HUEY_IMMEDIATE,
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")}

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "unionhome.core.auth.LoginGateBackend",
    "axes.backends.AxesStandaloneBackend",
    "unionhome.core.auth.PhoneOrUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # A password may be all digits (many older members only manage the number pad); it may not
    # be the phone number or the username, nor one of the common ones (12345678 …).
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "phone", "first_name")},
    },
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
# Lock an account from one address: a whole site behind one NAT is not locked out by one person,
# and an attacker cannot lock a member out from elsewhere. The account is the one the typed name
# resolves to, by username or phone (core.auth.lockout_key); the address is the client's as our
# own proxy saw it, an IPv6 address by its /64 (core.throttle.address_key). core.auth adds two limits of its own: failures per
# account from anywhere, and failures per address across accounts.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "unionhome.core.auth.lockout_key"
AXES_CLIENT_IP_CALLABLE = "unionhome.core.throttle.address_key"
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)  # an hour, from anywhere
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)  # per lockout window
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "unionhome.core.auth.lockout_response"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 14)
# The lean path in front of the framework for an offer's claims (core.fastpath); off, every call
# goes through Django (for comparison in `make bench`).
FAST_PATH = env_bool("FAST_PATH", True)

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Served by WhiteNoise straight from the app folders (no collectstatic step to forget).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
ROSTER_MAX_ROWS = env_int("ROSTER_MAX_ROWS", 20000)
# A file imported (a roster, a ledger of past appeals) as uploaded: 20,000 rows are ~1 MB as
# .xlsx, ~4 MB as .xls or .csv.
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 20)
# An uploaded .xlsx may unpack to at most this much; reading it runs in a child process that may
# take this much memory on top of its own (core.spreadsheets).
XLSX_MAX_UNPACKED_MB = env_int("XLSX_MAX_UNPACKED_MB", 50)
XLSX_READ_MEMORY_MB = env_int("XLSX_READ_MEMORY_MB", 512)

# --- content security -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- notifications --------------------------------------------------------------------------
# Channel adapters every notification is handed to, besides the in-app inbox.
NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", "console")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "unionhome@localhost")
# SMS and WeChat template messages go through the operator's gateway: the platform POSTs
# {"to", "title", "body", "url"} as JSON. Unset: the channel is not offered.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
WECHAT_GATEWAY_URL = env_str("WECHAT_GATEWAY_URL", "")
# The address members open the site at (https://…), written into texts sent to a phone with no
# account yet (a new hire's join reminder). Empty: the text names the site instead of a link.
PUBLIC_URL = env_str("PUBLIC_URL", "").rstrip("/")
# One-time codes by SMS (core.otp): how long a code lives and how often it may be tried. With no
# SMS gateway, SMS_DEV_ECHO=1 (set by `make run`) shows the code on the page instead: for a demo
# or a developer's machine only, never in production. A code is never written to the log.
OTP_MINUTES = env_int("OTP_MINUTES", 10)
OTP_ATTEMPTS = env_int("OTP_ATTEMPTS", 5)
SMS_DEV_ECHO = env_bool("SMS_DEV_ECHO", False) and not SMS_GATEWAY_URL

# --- assistant ------------------------------------------------------------------------------
# Optional: an OpenAI-compatible endpoint that phrases answers from the retrieved entries only.
ASSISTANT_LLM_URL = env_str("ASSISTANT_LLM_URL", "")
ASSISTANT_LLM_MODEL = env_str("ASSISTANT_LLM_MODEL", "qwen2.5-7b-instruct")
ASSISTANT_LLM_KEY = env_str("ASSISTANT_LLM_KEY", "")
ASSISTANT_LLM_TIMEOUT = float(env_str("ASSISTANT_LLM_TIMEOUT", "5"))

# --- activities and offers -----------------------------------------------------------------
# How a claim takes a place: "statement" (PostgreSQL: the count's conditional UPDATE and the
# member's INSERT in one statement, its own transaction), "update" (the INSERT, then one
# conditional UPDATE … WHERE remaining > 0, in a transaction) or "lock" (SELECT … FOR UPDATE on
# the offer, then UPDATE). All are correct; `make bench` compares them. SQLite cannot put an
# UPDATE in a WITH, so there "statement" is "update".
OFFER_CLAIM_STRATEGY = env_str("OFFER_CLAIM_STRATEGY", "statement")
if OFFER_CLAIM_STRATEGY not in ("statement", "update", "lock"):
    raise ImproperlyConfigured("OFFER_CLAIM_STRATEGY must be 'statement', 'update' or 'lock'")

# --- privacy --------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 3 * 365)  # the law asks for at least six months

# Only `make bench` turns this on: it adds the bare hello view that is the benchmarks' floor.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "unionhome": {"level": env_str("LOG_LEVEL", "INFO")},
        # Every refused request (a 409 "sold out", a 404) is a warning here by default: thousands a
        # second in an offer burst, and noise at any time. Server errors are still logged.
        "django.request": {"level": "ERROR"},
    },
}

# --- benefits and assistance -----------------------------------------------------------------
# The local minimum-living line (yuan per person per month) the hardship self-test uses where a
# union has not set its own locality policy (Beijing 2024: 1,450).
HARDSHIP_MIN_LIVING_MONTHLY = env_int("HARDSHIP_MIN_LIVING_MONTHLY", 1450)
