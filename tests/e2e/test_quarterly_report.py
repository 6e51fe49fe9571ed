"""Journey: the commune leader opens the quarter's draft, rewrites a narrative part, generates
the PDF (eager Celery: done within the request), downloads it, issues it with a number and sees
its hash; then anyone opens the verification page of the QR code without logging in."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from reporting import report_services
from reporting.models import QuarterlyReport
from tests.core.factories import TEST_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
STRENGTHS = "Các doanh nghiệp khai thác đá đã tổ chức huấn luyện đầy đủ cho người lao động."


def _url(name: str, report: QuarterlyReport) -> str:
    return reverse(f"reporting:{name}", kwargs={"public_id": report.public_id})


def test_leader_edits_generates_downloads_and_issues_then_anyone_verifies(
    live_server, page: Page, leader, officer, commune
):
    today = timezone.localdate()
    report = report_services.report_create(
        commune=commune,
        variant=QuarterlyReport.Variant.QUARTERLY,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        by=officer,
    )
    base = live_server.url

    page.goto(f"{base}/accounts/login/?next={reverse('reporting:report_list')}")
    page.locator("#id_username").fill("lena")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("button[type=submit]").click()
    page.locator(f"#reports a[href='{report.get_absolute_url()}']").click()

    # Rewrite a narrative part; the figures are not on the form.
    page.locator("#report-edit").click()
    expect(page.locator("#drafted-note")).to_be_visible()
    page.locator("#id_strengths").fill(STRENGTHS)
    page.locator("form:has(#id_strengths) button[type=submit]").click()
    expect(page.locator("#narrative-strengths")).to_contain_text(STRENGTHS)

    # Generate: eagerly, the PDF is ready when the page comes back.
    page.locator("#report-generate").click()
    expect(page.locator("#download-pdf")).to_be_visible()
    with page.expect_download() as download_info:
        page.locator("#download-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # Issue with the number of the register of outgoing documents.
    page.locator("#id_number").fill("05")
    expect(page.locator("#id_signed_on")).to_have_value(today.strftime("%d/%m/%Y"))
    page.locator("#report-issue").click()
    expect(page.locator("#issued-number")).to_have_text("05/BC-UBND")
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.ISSUED
    assert report.strengths == STRENGTHS
    expect(page.locator("#issued-sha256")).to_have_text(report.sha256)
    expect(page.locator("#report-generate")).to_have_count(0)

    # The QR code's page, without an account.
    page.context.clear_cookies()
    page.goto(f"{base}{reverse('reporting:verify', kwargs={'token': report.verify_token})}")
    expect(page.locator("#verify-number")).to_have_text("05/BC-UBND")
    expect(page.locator("#verify-sha256")).to_have_text(report.sha256)
    expect(page.locator("body")).not_to_contain_text(STRENGTHS)
