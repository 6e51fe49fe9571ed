"""Rate limits on the public forms: self-registration, password reset, report verification."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from enterprises.models import EnterpriseRegistration, OwnershipType

pytestmark = pytest.mark.django_db

# 10:00 in Vietnam is 03:00 UTC: the start of an hour and of a 10-minute window.
WINDOW_START = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
ACTIONS = ["register", "password_reset", "verify"]


def _request(client, action: str, ip: str, data: dict | None = None):
    if action == "register":
        return client.post(reverse("enterprises:register"), data or {}, REMOTE_ADDR=ip)
    if action == "password_reset":
        return client.post(reverse("password_reset"), data or {}, REMOTE_ADDR=ip)
    return client.get(reverse("reporting:verify", args=[uuid.uuid4()]), REMOTE_ADDR=ip)


def _use_up(client, action: str, ip: str) -> None:
    limit, _period = settings.RATE_LIMITS[action]
    for _ in range(limit):
        assert _request(client, action, ip).status_code != 429


@pytest.fixture
def window():
    with time_machine.travel(WINDOW_START, tick=False) as traveller:
        yield traveller


def test_the_default_limits():
    assert settings.RATE_LIMITS == {
        "register": (10, 3600),
        "password_reset": (5, 3600),
        "verify": (60, 600),
    }


@pytest.mark.parametrize("action", ACTIONS)
def test_the_request_past_the_limit_gets_a_vietnamese_429_page(client, window, action):
    _use_up(client, action, "203.0.113.1")

    response = _request(client, action, "203.0.113.1")

    _limit, period = settings.RATE_LIMITS[action]
    assert response.status_code == 429
    assert response["Retry-After"] == str(period)
    assert response["Cache-Control"] == "no-store"
    assert '<html lang="vi">' in response.text  # the base layout
    assert "Quá nhiều yêu cầu" in response.text
    assert f"Vui lòng chờ {period // 60} phút rồi thử lại." in response.text
    assert response["X-Frame-Options"] == "DENY"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("action", ACTIONS)
def test_another_address_is_not_affected(client, window, action):
    _use_up(client, action, "203.0.113.1")
    assert _request(client, action, "203.0.113.1").status_code == 429
    assert _request(client, action, "203.0.113.2").status_code != 429


@pytest.mark.parametrize("action", ACTIONS)
def test_the_window_resets(client, window, action):
    _limit, period = settings.RATE_LIMITS[action]
    _use_up(client, action, "203.0.113.1")

    window.shift(timedelta(seconds=period - 1))
    last_second = _request(client, action, "203.0.113.1")
    assert last_second.status_code == 429
    assert last_second["Retry-After"] == "1"

    window.shift(timedelta(seconds=1))
    assert _request(client, action, "203.0.113.1").status_code != 429


def test_a_limited_registration_is_not_recorded(client, window, commune):
    _use_up(client, "register", "203.0.113.1")
    data = {
        "commune": commune.pk,
        "name": "Công ty TNHH Gạch Không Nung Ea Ly",
        "tax_code": "0100109106",
        "ownership_type": OwnershipType.objects.get(code="2").pk,
        "activity_version": "2025",
        "activity_code": "2392",
        "address": "Tổ 2",
        "contact_name": "Trần Thị Bích",
        "contact_email": "bich@example.vn",
        "contact_phone": "0905 111 222",
    }
    assert _request(client, "register", "203.0.113.1", data).status_code == 429
    assert not EnterpriseRegistration.objects.exists()
    # The same data from another address goes through: the 429 was the limit, not the data.
    assert _request(client, "register", "203.0.113.2", data).status_code == 200
    assert EnterpriseRegistration.objects.count() == 1


def test_a_limited_password_reset_sends_no_email(client, window, officer):
    officer.email = "alice@example.invalid"
    officer.save()
    _use_up(client, "password_reset", "203.0.113.1")
    mail.outbox.clear()
    response = _request(client, "password_reset", "203.0.113.1", {"email": "alice@example.invalid"})
    assert response.status_code == 429
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["enterprises:register", "password_reset"])
def test_opening_the_form_is_not_counted(client, window, name):
    action = "register" if name == "enterprises:register" else "password_reset"
    limit, _period = settings.RATE_LIMITS[action]
    for _ in range(limit + 2):
        assert client.get(reverse(name), REMOTE_ADDR="203.0.113.1").status_code == 200
    assert _request(client, action, "203.0.113.1").status_code != 429


@override_settings(AXES_BEHIND_PROXY=True)
def test_behind_the_proxy_each_client_has_its_own_count(client, window):
    proxy = "172.18.0.5"
    limit, _period = settings.RATE_LIMITS["password_reset"]
    url = reverse("password_reset")
    for n in range(limit):
        # A forged left-most entry does not help: the proxy's own hop is what counts.
        forwarded = f"198.51.100.{n}, 203.0.113.7"
        response = client.post(url, {}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code != 429
    limited = client.post(url, {}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert limited.status_code == 429
    other = client.post(url, {}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code != 429


@override_settings(
    RATE_LIMITS={"register": (1, 3600), "password_reset": (1, 3600), "verify": (1, 600)},
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    },
)
def test_with_the_cache_down_the_public_pages_still_answer(client, caplog):
    for _ in range(3):
        assert _request(client, "verify", "203.0.113.1").status_code == 404
    assert "cache is unavailable" in caplog.text
