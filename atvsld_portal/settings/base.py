"""Settings for the ATVSLĐ commune portal.

Everything is read from the environment through one ``env`` object. With nothing set, the
portal runs on an embedded default: a SQLite file and Celery tasks executed eagerly in-process
(``make run``). Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL and Redis.
Production behaviour lives in env values (see ``.env.example`` and ``.env.production.example``),
never in a separate settings module.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# ------------------------------------------------------------------------------
# CORE
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

if DEBUG:
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

# Loading the demo accounts (known passwords) is refused unless this is on.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)

ROOT_URLCONF = "atvsld_portal.urls"
WSGI_APPLICATION = "atvsld_portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
]
# In dependency order: core first, then each app above the ones it may import.
LOCAL_APPS = [
    "atvsld_portal",
    "enterprises",
    "incidents",
    "plans",
    "reporting",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# ------------------------------------------------------------------------------
# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: make sure the file's folder exists on a fresh checkout.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# ------------------------------------------------------------------------------
# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "atvsld_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's check with a message the Vietnamese catalogue translates (see the module).
    {"NAME": "atvsld_portal.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session lasts one working day of inactivity at most, and ends with the browser.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True

# ------------------------------------------------------------------------------
# AXES (login throttling)
# ------------------------------------------------------------------------------
# Two locks, each with its own limit, for AXES_COOLOFF_TIME:
# - a username *from one address* after AXES_FAILURE_LIMIT failures: one official's typos
#   never lock out the colleagues who share the office's address (one NAT for the commune);
# - the address as a whole after AXES_IP_FAILURE_LIMIT failures over any usernames: one machine
#   cannot guess its way through many accounts. The limit sits well above what an office's
#   honest typos reach in the cool-off (each success clears that user's failures).
# django-axes can list both parameters (``[["username", "ip_address"], "ip_address"]``) but then
# applies the one AXES_FAILURE_LIMIT to both, which would lock a whole office after 5 typos;
# the second lock therefore lives in atvsld_portal.lockout.PortalAxesHandler.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_IP_FAILURE_LIMIT = env.int("DJANGO_AXES_IP_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "atvsld_portal.lockout.PortalAxesHandler"
# The Vietnamese page says which of the two locks applies (HTTP 429).
AXES_LOCKOUT_CALLABLE = "atvsld_portal.lockout.lockout_response"
# Behind the configured reverse proxy the client address comes from X-Forwarded-For (the
# entry our proxy appended); otherwise from the socket. See atvsld_portal.security.client_ip.
AXES_BEHIND_PROXY = env.bool("DJANGO_AXES_BEHIND_PROXY", default=False)
AXES_CLIENT_IP_CALLABLE = "atvsld_portal.security.client_ip"

# ------------------------------------------------------------------------------
# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atvsld_portal.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# ------------------------------------------------------------------------------
# CRISPY
# ------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ------------------------------------------------------------------------------
# I18N
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese"))]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first input formats and d/m/Y output: Django's own "vi" locale has no input formats.
FORMAT_MODULE_PATH = ["atvsld_portal.formats"]

# ------------------------------------------------------------------------------
# STATIC AND PRIVATE FILES
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Private uploads (scans, certificates): never under static or a public URL. Files are served
# only by each app's own object views, after its access check (atvsld_portal.files).
PRIVATE_MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
PRIVATE_FILE_MAX_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# `make backup` writes one folder per run here (database dump, private files, manifest); they
# hold personal data: keep this folder off the web root and copy it off the host.
BACKUP_DIR = Path(env.str("DJANGO_BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))

# ------------------------------------------------------------------------------
# SECURITY
# ------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
_proxy_header = env.list("DJANGO_SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if _proxy_header else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served from our own origin; no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# ------------------------------------------------------------------------------
# EMAIL
# ------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="atvsld@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _mailers_from_env() -> dict:
    """Build Django 6.1's MAILERS from DJANGO_EMAIL_URL (smtp://user:pass@host:port)."""
    url = env.str("DJANGO_EMAIL_URL", default="")
    if not url:
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    parsed = environ.Env.email_url_config(url)
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parsed["EMAIL_HOST"],
                "port": parsed["EMAIL_PORT"],
                "username": parsed["EMAIL_HOST_USER"],
                "password": parsed["EMAIL_HOST_PASSWORD"],
                "use_tls": parsed.get("EMAIL_USE_TLS", False),
                "use_ssl": parsed.get("EMAIL_USE_SSL", False),
                "timeout": 10,
            },
        }
    }


MAILERS = _mailers_from_env()

# ------------------------------------------------------------------------------
# CELERY
# ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker the tasks run in-process (the embedded default of `make run`).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Redis is a broker only. Job state lives in the database; a Redis result backend would turn a
# broker outage into a ~20 s wait on every enqueue.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="atvsld")
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when Redis is down: saving a record never waits on the broker for long.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Above the longest task time limit, so a running task is never delivered twice.
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT,
}
CELERY_BEAT_SCHEDULE = {
    # Every 5 minutes: enqueue outbox rows still pending (broker down at commit time, or a
    # publish that failed).
    "outbox-sweep": {
        "task": "atvsld_portal.tasks.outbox_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
    # Every minute: a worker records that it is alive; /healthz shows how long ago.
    "worker-heartbeat": {
        "task": "atvsld_portal.tasks.worker_heartbeat_task",
        "schedule": crontab(),
    },
    # Nightly at 02:15: recompute every commune's indicators from source, a safety net behind
    # the recompute that each change asks for through the outbox.
    "indicators-nightly": {
        "task": "reporting.tasks.recompute_all_indicators_task",
        "schedule": crontab(hour=2, minute=15),
    },
    # Daily at 03:30: pseudonymise victims' and patients' personal fields once their retention
    # period (PERSONAL_DATA_RETENTION_YEARS) has run out; figures are kept.
    "personal-data-retention": {
        "task": "incidents.tasks.pseudonymise_expired_personal_data_task",
        "schedule": crontab(hour=3, minute=30),
    },
}
# How long an outbox row may stay pending before the sweep publishes it again.
OUTBOX_SWEEP_GRACE = timedelta(minutes=2)

# ------------------------------------------------------------------------------
# CACHES
# ------------------------------------------------------------------------------
# The rate limits of public forms count in the cache, so every gunicorn worker must share it:
# Redis when REDIS_URL is set (the broker's server, under the cache's own key prefix), else the
# process's memory (the single process of `make run`).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "atvsld-cache",
            # Redis down costs a request at most a second; the rate limiter then lets it pass.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ------------------------------------------------------------------------------
# RATE LIMITS (public forms, per client address; atvsld_portal.ratelimit)
# ------------------------------------------------------------------------------
# "count/period" with period s, m, h or d, optionally multiplied ("60/10m"). Every POST counts,
# a refused one too, so registration allows a few retries after validation messages.
_RATE_LIMIT_DEFAULTS = {"register": "10/h", "password_reset": "5/h", "verify": "60/10m"}
_RATE_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate_limits_from_env() -> dict[str, tuple[int, int]]:
    """DJANGO_RATE_LIMITS="register=10/h,verify=60/10m" → {action: (requests, seconds)}."""
    rates = {**_RATE_LIMIT_DEFAULTS, **env.dict("DJANGO_RATE_LIMITS", default={})}
    limits = {}
    for action, rate in rates.items():
        match = re.fullmatch(r"([1-9]\d*)/([1-9]\d*)?([smhd])", str(rate).strip())
        if action not in _RATE_LIMIT_DEFAULTS or match is None:
            raise ImproperlyConfigured(
                f"DJANGO_RATE_LIMITS: {action}={rate} is not a known action with a "
                f"count/period rate such as 5/h (actions: {', '.join(_RATE_LIMIT_DEFAULTS)})."
            )
        count, multiple, unit = match.groups()
        limits[action] = (int(count), int(multiple or 1) * _RATE_PERIOD_SECONDS[unit])
    return limits


RATE_LIMITS = _rate_limits_from_env()

# ------------------------------------------------------------------------------
# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# ------------------------------------------------------------------------------
# PORTAL
# ------------------------------------------------------------------------------
PORTAL_VERSION = "0.1.0"
# An assignment with no report this many days after its window ends is overdue (plans).
PLAN_OVERDUE_GRACE_DAYS = env.int("PLAN_OVERDUE_GRACE_DAYS", default=10)
# Shares the nightly indicator recompute is queued in: a worker runs one per process, and
# starts one process per core, so the default keeps every core of this host busy.
INDICATOR_RECOMPUTE_SHARDS = env.int("INDICATOR_RECOMPUTE_SHARDS", default=os.cpu_count() or 1)
# Victims one accident declaration may list (DATA_UPLOAD_MAX_NUMBER_FIELDS is sized to it).
ACCIDENT_MAX_VICTIMS = env.int("ACCIDENT_MAX_VICTIMS", default=100)
DATA_UPLOAD_MAX_NUMBER_FIELDS = max(1000, 40 * ACCIDENT_MAX_VICTIMS + 200)
# What the declarant of a death or of two or more seriously injured must do at once (NĐ 129/2025
# Mẫu 01 content). Wording in a setting while the official form text is unconfirmed (DOMAIN §3.4).
ACCIDENT_URGENT_NOTICE = env.str(
    "ACCIDENT_URGENT_NOTICE",
    default=(
        "Có người chết hoặc từ 02 người bị thương nặng: ngay lập tức báo bằng cách nhanh "
        "nhất (điện thoại, rồi văn bản) cho Sở Nội vụ tỉnh và, khi có người chết, Công an xã "
        "nơi xảy ra tai nạn, với nội dung theo Mẫu số 01 Phụ lục II Nghị định 129/2025/NĐ-CP: "
        "tên cơ sở, thời gian và nơi xảy ra, diễn biến, số người chết và bị thương nặng, họ tên "
        "người bị nạn, người khai báo. Cấp cứu: 115; Công an: 113; Cứu hỏa: 114."
    ),
)
# Layouts of the commune's report on the informal sector to Sở Nội vụ (NĐ 39 Phụ lục XVI, or the
# form that replaces it): key -> label. New reports take COMMUNE_ACCIDENT_REPORT_FORM; each version
# has its own templates under templates/incidents/commune_report/<key>/.
COMMUNE_ACCIDENT_REPORT_FORMS = {
    "pl16-draft-2025": "Mẫu dựng theo cấu trúc Phụ lục XVI NĐ 39/2016 (tạm, chờ mẫu chính thức)",
}
COMMUNE_ACCIDENT_REPORT_FORM = env.str("COMMUNE_ACCIDENT_REPORT_FORM", default="pl16-draft-2025")
# Personal data (Decree 13/2023/NĐ-CP, Law 91/2025/QH15): victims' and patients' names, personal
# IDs and dates of birth are pseudonymised this many years after the accident or the exam
# (incidents.services.retention); counts, severity, sex, occupation, dates and costs are kept.
# Default 15: the keeping period of a fatal accident's file under NĐ 39/2016 Art 16(3)(a) as
# reported by public legal Q&A (DOMAIN states no period; the commune should confirm it against
# its records-retention list). A shorter value only pseudonymises earlier.
PERSONAL_DATA_RETENTION_YEARS = env.int("DJANGO_PERSONAL_DATA_RETENTION_YEARS", default=15)
if PERSONAL_DATA_RETENTION_YEARS < 1:
    raise ImproperlyConfigured("DJANGO_PERSONAL_DATA_RETENTION_YEARS must be at least 1.")
# The portal's public address, printed in the QR code of issued reports (verification page).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
