"""Settings rules: DEBUG off by default, refusal without secrets, a clean `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from atvsld_portal.settings import base as base_settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "Xy7-prod-like-secret-key-with-entropy-4f9a2c8e1b6d3f0a7c5e9b2d4f6a8c0e",
    "DJANGO_ALLOWED_HOSTS": "atvsld.example.vn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://atvsld.example.vn",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "DJANGO_EMAIL_URL": "smtp+tls://portal%40example.vn:secret@smtp.example.vn:587",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DEMO_", "DATABASE_URL", "REDIS_URL"))
    }
    clean["DJANGO_SETTINGS_MODULE"] = "atvsld_portal.settings.base"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_env():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _production_example_env() -> dict[str, str]:
    example = BASE_DIR / ".env.production.example"
    env = {}
    for line in example.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key] = value.strip().strip('"')
    return env


def test_production_example_env_passes_check_deploy():
    env = _production_example_env()
    env.pop("DATABASE_URL", None)  # the compose services do not exist here
    env.pop("REDIS_URL", None)
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    # Not one message of any level: no warning, no info, nothing silenced.
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", (
        result.stdout + result.stderr
    )
    assert result.stderr == ""


def test_production_example_env_gives_secure_cookies_hsts_and_a_shared_cache():
    env = _production_example_env()
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.X_FRAME_OPTIONS, s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], "
        "s.CACHES['default']['KEY_PREFIX'])"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    (
        debug,
        session_secure,
        csrf_secure,
        http_only,
        ssl_redirect,
        hsts_seconds,
        hsts_subdomains,
        frame_options,
        cache_backend,
        cache_location,
        cache_prefix,
    ) = result.stdout.split()
    assert debug == "False"
    assert (session_secure, csrf_secure, http_only, ssl_redirect) == ("True",) * 4
    assert int(hsts_seconds) >= 31_536_000
    assert hsts_subdomains == "True"
    assert frame_options == "DENY"
    # Rate-limit counters are shared by every gunicorn worker through Redis.
    assert cache_backend == "django.core.cache.backends.redis.RedisCache"
    assert cache_location == env["REDIS_URL"]
    assert cache_prefix == "atvsld-cache"


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_refuses_to_start_without_secret_or_hosts_when_debug_is_off(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_debug_is_off_by_default():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_embedded_default_is_sqlite_and_eager_celery():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.CELERY_TASK_IGNORE_RESULT, settings.CELERY_RESULT_BACKEND)"
    )
    result = _manage("shell", "--no-imports", "-c", code, env={"DJANGO_DEBUG": "1"})
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "None"], (
        result.stderr
    )


def test_with_urls_set_it_uses_postgresql_and_redis_as_broker_only():
    code = (
        "from django.conf import settings as s; db = s.DATABASES['default']; "
        "print(db['ENGINE'], db['CONN_HEALTH_CHECKS'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND)"
    )
    env = {
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
    }
    result = _manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "True",
        "False",
        "redis://127.0.0.1:6379/3",
        "None",
    ], result.stderr


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ


def test_rate_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_RATE_LIMITS", "verify=100/5m,register=3/d")
    assert base_settings._rate_limits_from_env() == {
        "register": (3, 86400),
        "password_reset": (5, 3600),
        "verify": (100, 300),
    }


@pytest.mark.parametrize("value", ["verify=lots", "verify=0/h", "verify=5", "login=5/h"])
def test_a_bad_rate_limit_refuses_to_start(monkeypatch, value):
    monkeypatch.setenv("DJANGO_RATE_LIMITS", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_RATE_LIMITS"):
        base_settings._rate_limits_from_env()
