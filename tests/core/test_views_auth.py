"""Login, logout, password change and reset, and login throttling (django-axes)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from atvsld_portal.security import client_ip
from tests.core.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text


def test_login_then_home_shows_the_commune(client, officer):
    response = _login(client, "alice", TEST_PASSWORD, follow=True)
    assert response.status_code == 200
    assert "Xã Ea Ly" in response.text


def test_wrong_password_shows_a_vietnamese_error_and_keeps_the_username(client, officer):
    response = _login(client, "alice", "wrong")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.text
    assert 'value="alice"' in response.text


def test_five_failures_lock_the_username_from_that_address_only(client, officer, other_officer):
    for _ in range(5):
        _login(client, "alice", "wrong", REMOTE_ADDR="10.0.0.1")
    locked = _login(client, "alice", TEST_PASSWORD, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "tạm khóa" in locked.text
    # A colleague in the same office (same address) can still log in...
    assert _login(client, "dave", TEST_PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302
    client.logout()
    # ...and so can alice from another computer.
    assert _login(client, "alice", TEST_PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_forwarded_for_is_ignored_without_a_proxy(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.9"


@override_settings(AXES_BEHIND_PROXY=True)
def test_behind_the_proxy_the_appended_forwarded_for_hop_counts(rf):
    request = rf.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_logout_is_a_post(officer_client):
    response = officer_client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert officer_client.get(reverse("home")).status_code == 302


def test_password_change(officer_client, officer):
    response = officer_client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Thay-doi-mat-khau-2026",
            "new_password2": "Thay-doi-mat-khau-2026",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Thay-doi-mat-khau-2026")


def test_password_reset_sends_a_vietnamese_email(client, officer):
    officer.email = "alice@example.invalid"
    officer.save()
    response = client.post(reverse("password_reset"), {"email": "alice@example.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "mật khẩu" in mail.outbox[0].subject.lower()
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_session_ends_with_the_browser(client, officer):
    _login(client, "alice", TEST_PASSWORD)
    assert client.session.get_expire_at_browser_close()
