"""Journey: a commune official logs in through the real login page and lands on the commune."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_logs_in_and_lands_on_the_communes_dashboard(live_server, page: Page, officer):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}/reporting/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ea Ly")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_wrong_password_shows_a_vietnamese_error(live_server, page: Page, officer):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Sai tên đăng nhập hoặc mật khẩu")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("alice")


def test_the_menu_works_at_360_px(live_server, page: Page, officer):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Mở/đóng thanh điều hướng").click()
    expect(page.get_by_role("link", name="Trang chủ").first).to_be_visible()
