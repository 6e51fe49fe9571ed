"""Web security: CSRF, clickjacking and CSP headers, login lockout, passwords, session expiry."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.core.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
BASE_DIR = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", ".tools-venv", "node_modules", "staticfiles", "var", ".git"}
ACCOUNT_LOCKED = "Tài khoản này đã đăng nhập không thành công quá nhiều lần trên máy tính này."
ADDRESS_LOCKED = "từ địa chỉ mạng của bạn"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _login(client, username: str, password: str, ip: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# ------------------------------------------------------------------------------
# CSRF
# ------------------------------------------------------------------------------
def _project_python_files() -> list[Path]:
    files = []
    for folder, subfolders, names in os.walk(BASE_DIR):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_DIRS]
        files += [Path(folder, name) for name in names if name.endswith(".py")]
    return [path for path in files if path != Path(__file__)]


def test_no_view_is_exempt_from_csrf():
    files = _project_python_files()
    assert any(path.match("atvsld_portal/urls.py") for path in files)  # the walk sees the code
    offenders = [
        str(path.relative_to(BASE_DIR))
        for path in files
        if "csrf_exempt" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_a_post_without_the_token_is_refused_with_a_vietnamese_page(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    data = {
        "old_password": TEST_PASSWORD,
        "new_password1": "Thay-doi-mat-khau-2026",
        "new_password2": "Thay-doi-mat-khau-2026",
    }

    refused = client.post(reverse("password_change"), data)

    assert refused.status_code == 403
    assert '<html lang="vi">' in refused.text  # the base layout
    assert "Biểu mẫu đã hết hiệu lực" in refused.text
    assert "tải lại trang" in refused.text
    assert "'unsafe-inline'" not in refused["Content-Security-Policy"]
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)

    # With the token of the page the same post goes through: the 403 was the missing token.
    page = client.get(reverse("password_change"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    accepted = client.post(reverse("password_change"), {**data, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Thay-doi-mat-khau-2026")


def test_a_public_form_also_needs_the_token(commune):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("enterprises:register"), {"name": "Công ty"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in response.text


# ------------------------------------------------------------------------------
# Clickjacking and Content Security Policy
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("page", "status"),
    [("enterprises:list", 200), ("/khong-co-trang-nay/", 404), ("login", 200)],
)
def test_pages_forbid_framing_and_inline_code(client, officer, page, status):
    client.force_login(officer)
    if page == "login":
        client.logout()
    response = client.get(page if page.startswith("/") else reverse(page))

    assert response.status_code == status
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# ------------------------------------------------------------------------------
# Login lockout
# ------------------------------------------------------------------------------
def test_the_lockout_limits():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_IP_FAILURE_LIMIT == 30
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_a_username_is_locked_from_one_address_for_the_cool_off(
    client, clock, officer, other_officer
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "alice", "sai-mat-khau", "10.0.0.1").status_code == 200
    reached = _login(client, "alice", "sai-mat-khau", "10.0.0.1")
    assert reached.status_code == 429
    assert ACCOUNT_LOCKED in reached.text

    locked = _login(client, "alice", TEST_PASSWORD, "10.0.0.1")
    assert locked.status_code == 429
    assert ACCOUNT_LOCKED in locked.text
    assert ADDRESS_LOCKED not in locked.text
    # The office's other officials (same address) are not affected...
    assert _login(client, "dave", TEST_PASSWORD, "10.0.0.1").status_code == 302
    client.logout()
    # ...nor alice on another computer.
    assert _login(client, "alice", TEST_PASSWORD, "10.0.0.2").status_code == 302
    client.logout()

    clock.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    assert _login(client, "alice", TEST_PASSWORD, "10.0.0.1").status_code == 302


def test_many_usernames_from_one_address_lock_the_address(
    client, clock, officer, other_officer, province_viewer
):
    limit = settings.AXES_IP_FAILURE_LIMIT
    # Guesses spread over many usernames, none of them reaching the per-username limit.
    for n in range(limit - 1):
        assert _login(client, f"canbo{n % 10}", "sai-mat-khau", "10.0.0.1").status_code == 200
    # Just under the limit the office still logs in.
    assert _login(client, "dave", TEST_PASSWORD, "10.0.0.1").status_code == 302
    client.logout()

    reached = _login(client, "canbo-khac", "sai-mat-khau", "10.0.0.1")
    assert reached.status_code == 429
    assert ADDRESS_LOCKED in reached.text

    # Now even a correct password for an account never tried is refused from that address.
    refused = _login(client, "alice", TEST_PASSWORD, "10.0.0.1")
    assert refused.status_code == 429
    assert ADDRESS_LOCKED in refused.text
    assert "15 phút" in refused.text
    assert "_auth_user_id" not in client.session
    # Other addresses log in as usual.
    assert _login(client, "erin", TEST_PASSWORD, "10.0.0.2").status_code == 302
    client.logout()

    clock.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    assert _login(client, "alice", TEST_PASSWORD, "10.0.0.1").status_code == 302


def test_an_office_of_honest_typists_is_not_locked_out(client, clock, officer, other_officer):
    """Each colleague mistypes a few times then logs in: the success clears their failures."""
    typos = settings.AXES_FAILURE_LIMIT - 1
    # Together more failures than the address limit, but each user's success clears theirs.
    for _round in range(settings.AXES_IP_FAILURE_LIMIT // (2 * typos) + 1):
        for username in ("alice", "dave"):
            for _ in range(typos):
                _login(client, username, "sai-mat-khau", "10.0.0.1")
            assert _login(client, username, TEST_PASSWORD, "10.0.0.1").status_code == 302
            client.logout()


# ------------------------------------------------------------------------------
# Passwords and sessions
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-xyz", "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 8 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến."),
        ("73910462851", "Mật khẩu này hoàn toàn là số."),
        ("alice2026", "Mật khẩu quá giống với"),
    ],
)
def test_weak_passwords_are_refused_in_vietnamese(officer_client, officer, password, message):
    response = officer_client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert any(error.startswith(message) for error in errors), errors
    assert message in response.text
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


def test_a_session_ends_after_session_cookie_age_without_activity(client, clock, officer):
    assert _login(client, "alice", TEST_PASSWORD, "10.0.0.1").status_code == 302
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE

    # Activity just before the end keeps the session alive (it slides with each request).
    clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
    assert client.get(reverse("enterprises:list")).status_code == 200

    clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
