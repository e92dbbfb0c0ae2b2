"""motcua settings: one module, driven by environment variables (see .env.example).

Safe defaults for a laptop or a commune office (SQLite under var/, DEBUG on); production sets
DJANGO_DEBUG=false and must then give a real DJANGO_SECRET_KEY, or the process refuses to start.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR") or BASE_DIR / "var")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name) or default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEFAULT_SECRET_KEY = "motcua-insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEFAULT_SECRET_KEY
DEBUG = env_bool("DJANGO_DEBUG", True)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is false."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "motcua.common",
    "motcua.organizations",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.portal",
    "motcua.api",
    "motcua.queueing",
    "motcua.notifications",
    "motcua.ratings",
    "motcua.payments",
    "motcua.reports",
    "motcua.outbox",
    "motcua.audit",
    "motcua.loadgen",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.common.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.common.middleware.OfficeLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.common.security.ContentSecurityPolicyMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.common.security.OfficerSessionMiddleware",
    "motcua.common.security.SecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# Database: SQLite under var/ out of the box, PostgreSQL for a province (DATABASE_URL).
# DATABASE_REPLICA_URL adds a read-only "replica" alias (a PostgreSQL hot standby) that report
# queries read from (motcua.common.db.report_db_alias); config.routers keeps every write on default.
def _database(url: str) -> dict:
    database = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE") or 60),
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN
        # so two concurrent intakes queue instead of failing with "database is locked" mid-way.
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Lets the few statements that ask for it (the public lookup, motcua.common.db.
        # prepared_rows) be planned once per connection; Django's own queries bind on the
        # client and are never prepared. Off behind PgBouncer older than 1.21 (transaction mode
        # without max_prepared_statements), which cannot carry prepared statements.
        database.setdefault("OPTIONS", {})["prepare_threshold"] = 5
    return database


DATABASES = {
    "default": _database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
    )
}
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _database(os.environ["DATABASE_REPLICA_URL"])
    # Tests read the replica through the default test database (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.routers.PrimaryWritesRouter"]

# Cache (rate-limit counters, cached sessions): shared by every app process of a deployment.
# REDIS_URL: Redis (several app servers). Otherwise MOTCUA_CACHE picks "database" (the
# motcua_cache table, created by the motcua.common migrations; shared by the processes of one
# database) or "memory" (one process only: runserver on a laptop, the test suite); default
# "database" when DJANGO_DEBUG is false, "memory" when it is true.
REDIS_URL = os.environ.get("REDIS_URL") or ""
MOTCUA_CACHE = (os.environ.get("MOTCUA_CACHE") or ("memory" if DEBUG else "database")).lower()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "motcua",
        }
    }
elif MOTCUA_CACHE == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "motcua_cache",
            # Rate-limit counters: one row per client address and window; culling drops counters.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
elif MOTCUA_CACHE == "memory":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("MOTCUA_CACHE must be 'database' or 'memory'.")
# Sessions: rows in the database; with Redis also cached there (reads skip the database).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"
# django-axes first: it refuses a locked-out officer before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "motcua.common.security.OfficerLoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dossiers:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Vietnamese first, English on request; aware datetimes stored in UTC.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["motcua.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files: local disk under MEDIA_ROOT, or MOTCUA_STORAGE=s3 for S3-compatible storage
# (AWS, MinIO, Viettel/VNPT object storage) through django-storages. Objects are private: files
# are only served through the app's permission-checked views, which stream them from storage.
MOTCUA_STORAGE = (os.environ.get("MOTCUA_STORAGE") or "local").lower()
if MOTCUA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MOTCUA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            # Empty values fall back to boto3's own lookup (instance role, ~/.aws).
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "location": os.environ.get("AWS_LOCATION") or "",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
elif MOTCUA_STORAGE != "local":
    raise ImproperlyConfigured("MOTCUA_STORAGE must be 'local' or 's3'.")

# Web hardening (docs/security.md, "Web hardening"). Production (DEBUG off) gets HTTPS-only
# cookies, HSTS and the redirect to HTTPS by default; `motcua check --deploy` stays silent.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("MOTCUA_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that terminates TLS and always sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS") or (0 if DEBUG else 365 * 24 * 3600)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): scripts and styles only from the app's static files
# (a few inline <style> blocks are allowed by hash, motcua.common.security), no plugins, no
# framing except the display board. Forms post to the app itself, and to the payment gateway's
# origin when one is configured (MOTCUA_CSP_FORM_ACTION).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *env_list("MOTCUA_CSP_FORM_ACTION", "")],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Who may frame the display board (a signage player): empty = any page; else space-separated
# CSP sources, e.g. "'self' https://bangtin.example.vn".
MOTCUA_CSP_BOARD_FRAME_ANCESTORS = (
    os.environ.get("MOTCUA_CSP_BOARD_FRAME_ANCESTORS") or ""
).split()
# Officers' sessions end after this many minutes without a request (citizens keep 2 weeks).
MOTCUA_OFFICER_SESSION_MINUTES = int(os.environ.get("MOTCUA_OFFICER_SESSION_MINUTES") or 30)
# Officers' and admin sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for
# one username from one address, that pair is refused for the cool-off time, even with the right
# password; a successful sign-in clears the count. The address is read like the rate limits'
# (MOTCUA_TRUSTED_PROXIES).
AXES_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOGIN_FAILURE_LIMIT") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("MOTCUA_LOGIN_COOLOFF_MINUTES") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: "try again in 15 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "motcua.common.security.axes_client_ip"
AXES_WHITELIST_CALLABLE = "motcua.common.security.axes_not_counted"
AXES_LOCKOUT_CALLABLE = "motcua.common.security.axes_lockout_response"
AXES_VERBOSE = False  # no banner on every start (commands print only their result)
# Second factor (django-otp): officers holding one of these roles (values of
# motcua.organizations.models.Role, or "superuser" for Django superusers) give a six-digit code
# from an authenticator app after their password; empty: nobody is asked.
MOTCUA_OTP_REQUIRED_ROLES = env_list("MOTCUA_OTP_REQUIRED_ROLES", "")
OTP_TOTP_ISSUER = os.environ.get("MOTCUA_OTP_ISSUER") or "motcua"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools log every layout step at INFO: noise when printing in batches.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Office defaults (DOMAIN.md §3). Office hours and calendars per agency are data; these apply
# where an agency and all its ancestors have none.
MOTCUA_OFFICE_TIME_ZONE = "Asia/Ho_Chi_Minh"
MOTCUA_PUBLIC_BASE_URL = os.environ.get("MOTCUA_PUBLIC_BASE_URL") or "http://127.0.0.1:8000"
# Public dossier lookup (page and API): lookups per minute per client; 0 switches the limit off.
MOTCUA_LOOKUP_RATE = int(os.environ.get("MOTCUA_LOOKUP_RATE") or 60)
# Reverse proxies (IPs or networks) whose X-Forwarded-For header is believed for the client's
# address; empty: the peer's address is the client's.
MOTCUA_TRUSTED_PROXIES = env_list("MOTCUA_TRUSTED_PROXIES", "")
# The queue (motcua.queueing.conf): the display board's event stream and the kiosk's limit.
MOTCUA_QUEUE_STREAM_SECONDS = float(os.environ.get("MOTCUA_QUEUE_STREAM_SECONDS") or 300)
MOTCUA_QUEUE_STREAM_POLL = float(os.environ.get("MOTCUA_QUEUE_STREAM_POLL") or 0.3)
MOTCUA_QUEUE_STREAM_HEARTBEAT = float(os.environ.get("MOTCUA_QUEUE_STREAM_HEARTBEAT") or 15)
MOTCUA_QUEUE_BOARD_REFRESH = int(os.environ.get("MOTCUA_QUEUE_BOARD_REFRESH") or 30)
MOTCUA_KIOSK_RATE = int(os.environ.get("MOTCUA_KIOSK_RATE") or 30)

# Background tasks (the django.tasks API): rows in the database, run by `motcua db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MOTCUA_TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
    }
}

# Notifications to applicants (docs/notifications.md). Email: Django's email API.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "motcua@localhost"
# SMS: motcua.notifications.sms.FileBackend (JSON lines in MOTCUA_SMS_FILE) or .HttpGatewayBackend.
MOTCUA_SMS_BACKEND = os.environ.get("MOTCUA_SMS_BACKEND") or "motcua.notifications.sms.FileBackend"
MOTCUA_SMS_FILE = os.environ.get("MOTCUA_SMS_FILE") or str(VAR_DIR / "sms.log")
MOTCUA_SMS_GATEWAY_URL = os.environ.get("MOTCUA_SMS_GATEWAY_URL") or ""
MOTCUA_SMS_GATEWAY_TOKEN = os.environ.get("MOTCUA_SMS_GATEWAY_TOKEN") or ""
MOTCUA_SMS_SENDER = os.environ.get("MOTCUA_SMS_SENDER") or "MOTCUA"
# Delivery attempts of one notification before it is given up (retries back off 1, 5, 30, 120 min).
MOTCUA_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_NOTIFICATION_MAX_ATTEMPTS") or 5)

# National public service portal (docs/national-sync.md): every status change is POSTed as JSON to
# the province's integration platform. Empty endpoint: messages wait in the outbox, none is lost.
MOTCUA_NATIONAL_ENDPOINT = os.environ.get("MOTCUA_NATIONAL_ENDPOINT") or ""
MOTCUA_NATIONAL_TOKEN = os.environ.get("MOTCUA_NATIONAL_TOKEN") or ""  # sent as a bearer token
MOTCUA_NATIONAL_TIMEOUT = float(os.environ.get("MOTCUA_NATIONAL_TIMEOUT") or 10)  # seconds

# Citizens, payments and ratings.
MOTCUA_REGISTER_RATE = int(os.environ.get("MOTCUA_REGISTER_RATE") or 10)  # per hour per client
# Payment gateway: a class path; the built-in fake gateway marks anything paid (development and
# tests only: `check --deploy` warns while it is configured).
MOTCUA_PAYMENT_GATEWAY = os.environ.get("MOTCUA_PAYMENT_GATEWAY") or ""
MOTCUA_PAYMENT_SECRET = os.environ.get("MOTCUA_PAYMENT_SECRET") or ""  # default: from SECRET_KEY
MOTCUA_FEEDBACK_ANSWER_DAYS = int(os.environ.get("MOTCUA_FEEDBACK_ANSWER_DAYS") or 5)
MOTCUA_RATING_RATE = int(os.environ.get("MOTCUA_RATING_RATE") or 10)  # per minute per client
