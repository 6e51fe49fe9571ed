"""Journey: an enterprise user declares an accident with two victims, saves a draft, resumes,
submits and downloads the receipt; the commune official receives it from the inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.models import Accident, InjuryCode
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base: str, username: str, next_path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()


def _victim(page: Page, index: int, name: str, severity: str) -> None:
    page.locator(f"#id_victims-{index}-full_name").fill(name)
    page.locator(f"#id_victims-{index}-sex").select_option("male")
    page.locator(f"#id_victims-{index}-birth_year").fill("1990")
    page.locator(f"#id_victims-{index}-occupation_name").fill("Công nhân khai thác đá")
    page.locator(f"#id_victims-{index}-severity").select_option(severity)


def test_declare_resume_submit_download_and_receive(
    live_server, page: Page, enterprise, enterprise_owner, officer
):
    serious_code = InjuryCode.objects.get(code="034")
    when = timezone.localtime() - timedelta(hours=3)

    _log_in(page, live_server.url, "bob", "/accidents/new/")
    page.locator("#id_enterprise").select_option(str(enterprise.pk))
    page.locator("#id_occurred_at").fill(when.strftime("%d/%m/%Y %H:%M"))
    page.locator("#id_place").fill("Khu khai thác số 2, mỏ đá Ea Lâm")
    page.locator("#id_account").fill(
        "Đá lăn từ tầng khai thác phía trên xuống khu vực đang xúc đá, hai công nhân bị thương."
    )
    _victim(page, 0, "Nguyễn Văn Bình", "serious")
    page.locator("#id_victims-0-injury_codes").select_option(str(serious_code.pk))
    page.get_by_role("button", name="Lưu và thêm người bị nạn").click()

    accident = Accident.objects.get()
    assert accident.status == Accident.Status.DRAFT
    _victim(page, 1, "Trần Văn Cường", "minor")
    page.get_by_role("button", name="Lưu bản nháp").click()

    # Resume later from the list, then submit.
    page.goto(f"{live_server.url}{accident.get_absolute_url()}")
    page.get_by_role("button", name="Gửi khai báo").click()
    accident.refresh_from_db()
    assert accident.receipt_number.endswith("/00001")
    expect(page.get_by_text(accident.receipt_number).first).to_be_visible()
    assert accident.victims.count() == 2

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải giấy tiếp nhận (PDF)").click()
    assert download_info.value.suggested_filename.endswith(".pdf")

    page.context.clear_cookies()
    _log_in(page, live_server.url, "alice", "/accidents/inbox/")
    expect(page.get_by_text(accident.receipt_number)).to_be_visible()
    page.get_by_role("button", name="Tiếp nhận").first.click()
    accident.refresh_from_db()
    assert accident.status == Accident.Status.RECEIVED
