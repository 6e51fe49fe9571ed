"""Settings of `make bench`: production behaviour (DEBUG off, the manifest static storage, the
full middleware, persistent database connections) on a database of its own, plus a bench-only
URLconf, so the trivial page the throughput figure compares against never exists in production.

Differences from production, each needed to measure on one machine without a proxy:
- the TLS proxy is absent: requests say ``X-Forwarded-Proto: https`` (the header Caddy sets) or
  use the test client's ``secure=True``, so the SSL redirect and secure cookies stay on;
- Celery runs eagerly (no worker to wait for); the outbox rows the services write are settled by
  the bench itself; the cache is Redis as in production, on its own database (BENCH_REDIS_URL);
- static files are collected into ``var/bench/static`` and private files go to ``var/bench/media``.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-7f3a9c1e5b")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DEMO_DATA_ALLOWED", "1")
os.environ.setdefault("DJANGO_SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO,https")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "600")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atvsld_bench"
)
# Eager Celery: the bench has no worker; a Redis URL would only add a broker round trip.
os.environ["REDIS_URL"] = ""
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"

from atvsld_portal.settings.base import *  # noqa: F403
from atvsld_portal.settings.base import BASE_DIR, DATABASES, STORAGES

# One database per scale (atvsld_bench_1, atvsld_bench_100), so switching scales does not throw
# away the other seed. ``python -m bench`` sets BENCH_SCALE before loading these settings.
if os.environ.get("BENCH_SCALE"):
    DATABASES["default"]["NAME"] += f"_{os.environ['BENCH_SCALE']}"

ROOT_URLCONF = "bench.urls"

# The cache is production's: Redis, shared by the gunicorn workers (a database of its own).
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": BENCH_REDIS_URL,
        "KEY_PREFIX": "atvsld-bench",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

BENCH_DIR = BASE_DIR / "var" / "bench"
STATIC_ROOT = BENCH_DIR / "static"
PRIVATE_MEDIA_ROOT = BENCH_DIR / "media"
STORAGES = {
    **STORAGES,
    "default": {
        **STORAGES["default"],
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}

# Declarations and invitations send mail: keep it in memory, not on the bench's terminal.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# Eager Celery still names its (unused) broker: kombu's "No hostname was supplied" is noise here.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "kombu": {"level": "ERROR"}}}  # noqa: F405
