"""Test settings: the base settings with speed overrides. Real PostgreSQL and Redis come from
DATABASE_URL and REDIS_URL (set by ``make test``)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DEMO_DATA_ALLOWED", "1")

from atvsld_portal.settings.base import *  # noqa: F403
from atvsld_portal.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A subprocess worker started by a test shares the test's private files
# (tests/integration/test_faults_worker.py sets ATVSLD_TEST_MEDIA_ROOT).
PRIVATE_MEDIA_ROOT = os.environ.get("ATVSLD_TEST_MEDIA_ROOT") or tempfile.mkdtemp(
    prefix="atvsld-test-media-"
)
STORAGES = {
    **STORAGES,
    "default": {
        **STORAGES["default"],
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process unless a test starts a real worker (tests/integration).
CELERY_TASK_ALWAYS_EAGER = True
# A worker killed mid-task: its message comes back after a short visibility timeout, looked for
# every second, instead of the production 10 minutes. Only the subprocess worker of that test
# sets ATVSLD_TEST_VISIBILITY_TIMEOUT; other tests keep the base value (no early redelivery).
if _visibility_timeout := os.environ.get("ATVSLD_TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": int(_visibility_timeout),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
# The test client talks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Serve static files straight from static/ (no collectstatic in tests; the browser tests need them).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
