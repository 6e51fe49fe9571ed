"""Journey: the official searches without marks, opens an enterprise and approves its report."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from atvsld_portal.models import Filing
from tests.core.factories import TEST_PASSWORD
from tests.enterprises.factories import AnnualReportFactory, EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_finds_an_enterprise_without_marks_and_approves_its_report(
    live_server, page: Page, officer, commune
):
    enterprise = EnterpriseFactory(commune=commune, name="Công ty TNHH Khai thác Đá Ea Lâm")
    EnterpriseFactory(commune=commune, name="Hợp tác xã Gạch ngói Tân Lập")
    report = AnnualReportFactory(
        enterprise=enterprise, status=Filing.Status.SUBMITTED, workers_total=46
    )

    page.goto(f"{live_server.url}/accounts/login/?next=/enterprises/")
    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_label("Tên hoặc mã số thuế").fill("khai thac da")
    # htmx refreshes the results region as the official types.
    expect(page.locator("#results")).not_to_contain_text("Gạch ngói")
    page.get_by_role("link", name="Công ty TNHH Khai thác Đá Ea Lâm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Công ty TNHH Khai thác Đá Ea Lâm")

    page.get_by_role("link", name="Báo cáo năm 2026").click()
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt báo cáo.")).to_be_visible()
    report.refresh_from_db()
    assert report.status == Filing.Status.APPROVED
