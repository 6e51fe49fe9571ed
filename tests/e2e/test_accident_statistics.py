"""Journey: an enterprise user files the half-year accident statistics report (Phụ lục XII), the
commune official returns it with a reason, the enterprise corrects and resubmits it, and the
official approves it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from atvsld_portal.models import Filing, ReportingPeriod
from atvsld_portal.services import period_open
from incidents.models import PeriodicAccidentReport
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REASON = "Tổng quỹ lương chưa đúng, kiểm tra lại."


def _log_in(page: Page, base: str, username: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()


def _url(name: str, report: PeriodicAccidentReport) -> str:
    return reverse(f"statistics:{name}", kwargs={"public_id": report.public_id})


def test_file_return_resubmit_and_approve(
    live_server, page: Page, enterprise, enterprise_owner, officer, commune
):
    today = timezone.localdate()
    period = ReportingPeriod.objects.create(
        commune=commune,
        kind="accident_statistics",
        year=today.year,
        part="h1",
        opens_on=today - timedelta(days=5),
        due_on=today + timedelta(days=5),
        closes_on=today + timedelta(days=20),
    )
    period_open(period=period, by=officer)
    report = PeriodicAccidentReport.objects.get(enterprise=enterprise)
    base = live_server.url

    # The enterprise finds its draft in the list, fills the header and files it.
    _log_in(page, base, "bob", reverse("statistics:report_list"))
    page.locator(f"a[href='{report.get_absolute_url()}']").click()
    page.locator(f"a[href='{_url('report_edit', report)}']").click()
    page.locator("#id_workers_total").fill("46")
    page.locator("#id_workers_women").fill("12")
    page.locator("#id_payroll_million").fill("3.200")
    page.locator("form:has(#id_workers_total) button[type=submit]").click()
    expect(page.locator("#table-i")).to_be_visible()
    page.locator(f"form[action='{_url('report_submit', report)}'] button").click()
    expect(page.locator(f"form[action='{_url('report_approve', report)}']")).to_have_count(0)
    report.refresh_from_db()
    assert (report.status, report.workers_total, report.report_date) == (
        Filing.Status.SUBMITTED,
        46,
        today,
    )

    # The official returns it with a reason.
    _log_in(page, base, "alice", report.get_absolute_url())
    returning = page.locator(f"form[action='{_url('report_return', report)}']")
    returning.locator("textarea[name=reason]").fill(REASON)
    returning.locator("button").click()
    expect(page.locator(".alert-warning", has_text=REASON)).to_be_visible()
    report.refresh_from_db()
    assert report.status == Filing.Status.RETURNED

    # The enterprise sees the reason, corrects the payroll and resubmits.
    _log_in(page, base, "bob", report.get_absolute_url())
    expect(page.locator(".alert-warning", has_text=REASON)).to_be_visible()
    page.locator(f"a[href='{_url('report_edit', report)}']").click()
    page.locator("#id_payroll_million").fill("3.450,5")
    page.locator("form:has(#id_workers_total) button[type=submit]").click()
    page.locator(f"form[action='{_url('report_submit', report)}'] button").click()
    expect(page.locator(f"form[action='{_url('report_submit', report)}']")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == Filing.Status.SUBMITTED

    # The official approves it.
    _log_in(page, base, "alice", report.get_absolute_url())
    page.locator(f"form[action='{_url('report_approve', report)}'] button").click()
    expect(page.locator(f"form[action='{_url('report_reopen', report)}']")).to_be_visible()
    report.refresh_from_db()
    assert report.status == Filing.Status.APPROVED
    assert str(report.payroll_million) == "3450.5"
