"""The one settings module: everything environment-specific comes from environment variables.

Safe defaults give a local SQLite site (`make run`); production sets DJANGO_DEBUG=0 and the rest.
"""
import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

# A random key per process in debug; production must set one (checked below).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    get_random_secret_key() if DEBUG else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("生产环境必须设置环境变量 DJANGO_SECRET_KEY")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin's default site requires a verified second factor (portal.security.admin_site).
    "portal.security.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "import_export",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Background work (open-data files, PDFs): Django's tasks API with its database queue.
    "django_tasks",
    "django_tasks_db",
    # Ground floor first; an app may only import the ones listed before it.
    "permits",
    "intermediaries",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.middleware.PermissionsPolicyMiddleware",
    # NUL bytes: dropped from query strings, a 404 in a path, before any view (PostgreSQL refuses such text).
    "portal.security.middleware.NulCharacterMiddleware",
    "csp.middleware.CSPMiddleware",
    # Must come after CSPMiddleware: it relaxes the policy of /admin/ responses only.
    "portal.security.middleware.AdminCSPMiddleware",
    # Database down: a static 503 with Retry-After instead of a 500 (touches no database).
    "portal.security.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages gzipped, outside the Traditional conversion; never those carrying a CSRF token or personal data.
    "portal.compression.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.ReaderPreferenceMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.security.middleware.SessionTimeoutMiddleware",
    "portal.security.middleware.PasswordAgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After authentication: decides whether this request's reads may go to the replica.
    "portal.middleware_replica.ReplicaRoutingMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

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
                "portal.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# Database: DATABASE_URL, default a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# WAL and a busy timeout so concurrent writers wait instead of failing.
SQLITE_OPTIONS = {
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A test database in a file, so that a real `db_worker` process can open it (tests/permits/test_jobs_worker.py).
    if os.environ.get("DJANGO_TEST_SQLITE_FILE"):
        DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_SQLITE_FILE"]}
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")),
            "options": "-c statement_timeout=%s"
            % os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "15000"),
        }
    )

# Read replica: DATABASE_REPLICA_URL adds a "replica" alias that serves the anonymous public
# site's reads (portal.db_router); staff requests and all writes stay on "default".
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["replica"]["OPTIONS"].pop("transaction_mode", None)
    # Tests run against the primary's test database through this alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out usernames and addresses before any password check.
    "portal.security.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Every message in Chinese, whatever language the request or the command runs in.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.security.validators.UserAttributeSimilarityValidator"},
    {"NAME": "portal.security.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "portal.security.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "portal.security.validators.CommonPasswordValidator"},
    {"NAME": "portal.security.validators.NumericPasswordValidator"},
    {"NAME": "portal.security.validators.GuessableValidator", "OPTIONS": {"min_score": 3}},
    # Records the change time (StaffProfile.password_changed_at) for the 90-day rule.
    {"NAME": "portal.security.validators.PasswordAgeRecorder"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# An absolute URL (a CDN that pulls from this site) works too; WhiteNoise serves its path.
STATIC_URL = os.environ.get("DJANGO_STATIC_URL", "/static/")
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Background work is queued in the database and run by `manage.py db_worker` (make run / make serve
# start one); PORTAL_TASKS_BACKEND=immediate runs it in the enqueuing process instead.
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("PORTAL_TASKS_BACKEND", "database")],
    }
}
# Four eyes: whoever last changed or submitted a draft may not publish it (off only for a one-person office).
PORTAL_FOUR_EYES = env_bool("PORTAL_FOUR_EYES", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "portal.storage.StaticStorage"
    },
}

# Cache: Redis when REDIS_URL is set (shared between app servers), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: no cache and one warning a minute (portal.cache_backend), not an error per request.
            "BACKEND": "portal.cache_backend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "xyportal"),
            # A slow or dead Redis must not hang requests: the pages are then served uncached.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "xyportal",
        }
    }

# Public page cache (permits.kernel.cache.public_cache): invalidated by version numbers on publish;
# the timeout only bounds memory. Cookies that change a page's rendering are part of the key.
# Version numbers are seen by every process only through a shared cache: several gunicorn workers
# (PORTAL_PROCESSES, set by portal/gunicorn.conf.py) with the local-memory cache would each keep
# their own, so a publish would not reach the others. Without Redis they then read the database.
_CACHE_REACHES_ALL_PROCESSES = bool(REDIS_URL) or int(os.environ.get("PORTAL_PROCESSES", "1") or 1) <= 1
PUBLIC_CACHE_ENABLED = env_bool("PUBLIC_CACHE_ENABLED", _CACHE_REACHES_ALL_PROCESSES)
# Small reads every page makes (the edition in force, the site profile, department names) are
# remembered per process under the same version numbers (permits.kernel.cache.versioned_read).
VERSIONED_READS = env_bool("PORTAL_VERSIONED_READS", _CACHE_REACHES_ALL_PROCESSES)
PUBLIC_CACHE_TIMEOUT = int(os.environ.get("PUBLIC_CACHE_TIMEOUT", str(24 * 60 * 60)))
PUBLIC_CACHE_KEY_COOKIES = ("zh", "care")

# Uploads: spreadsheets up to 10 MB; larger files are refused by the importer with a message.
IMPORT_MAX_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

LOGIN_URL = "admin:login"

# Security headers that are right everywhere; production hardening is added below.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
# Browser features no page uses, denied to every origin (Permissions-Policy).
PERMISSIONS_POLICY_DENY = (
    "accelerometer", "ambient-light-sensor", "autoplay", "battery", "bluetooth", "camera", "display-capture",
    "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
    "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
)

# Sessions end after 30 minutes idle and 12 hours in all; passwords are changed every 90 days.
PORTAL_SESSION_IDLE_SECONDS = int(os.environ.get("PORTAL_SESSION_IDLE_SECONDS", 30 * 60))
PORTAL_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("PORTAL_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60))
PORTAL_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PORTAL_PASSWORD_MAX_AGE_DAYS", 90))
# Audit records are kept at least this long; the purge command refuses anything younger.
PORTAL_AUDIT_RETENTION_DAYS = 180

# Staff must pass a TOTP second factor; on by default whenever DEBUG is off.
PORTAL_REQUIRE_2FA = env_bool("PORTAL_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "新余市行政审批局"

# django-axes: 5 failures lock the username and, separately, the address for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success resets nothing: with username and address locked separately, django-axes' reset would
# delete the address's failures too, so one good sign-in would reopen guessing on every other account.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PORTAL_PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# django-csp 4: no inline script or style on public pages; portal.security relaxes styles for /admin/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Every cookie is Secure: session, CSRF, messages (they follow SESSION_COOKIE_SECURE), language,
    # and the reader's zh and care cookies (portal.middleware).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP by the load balancer.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# 互动交流: deadlines in working days per kind, retention of personal data, abuse limits.
PORTAL_INTERACT_DEADLINES = {"consult": 5, "suggest": 10, "complain": 10, "unresolved": 10}
PORTAL_INTERACT_CASE_DAYS = int(os.environ.get("PORTAL_INTERACT_CASE_DAYS", "15"))
PORTAL_INTERACT_RETENTION_YEARS = float(os.environ.get("PORTAL_INTERACT_RETENTION_YEARS", "3"))
PORTAL_INTERACT_WARN_DAYS = int(os.environ.get("PORTAL_INTERACT_WARN_DAYS", "1"))
PORTAL_INTERACT_RATE = os.environ.get("PORTAL_INTERACT_RATE", "5/h")
PORTAL_INTERACT_TRACK_RATE = "20/h"
PORTAL_INTERACT_RATING_RATE = "30/h"
PORTAL_INTERACT_MAX_CONTENT = 2000
PORTAL_INTERACT_DUPLICATE_HOURS = 72
# Fernet keys for names and phones (first encrypts, all decrypt); a fixed key only for development.
PORTAL_PERSONAL_DATA_KEYS = env_list("PORTAL_PERSONAL_DATA_KEYS", [])
# Without it in production, `check --deploy` fails and any read or write of a name or phone refuses.
if not PORTAL_PERSONAL_DATA_KEYS and DEBUG:
    PORTAL_PERSONAL_DATA_KEYS = ["ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMzJieXQ="]
RATELIMIT_IP_META_KEY = "REMOTE_ADDR"

# Mail to staff (assignments, deadlines): the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@xinyu.gov.cn")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
