"""The report's PDF through a real Celery worker and Redis: the page returns at once, the
progress fragment shows the steps while the worker runs, and the report ends ready with its PDF;
a step that fails ends in "failed" with the error kept, and Retry runs the job again.

The worker of ``start_worker`` runs in a thread of this process, so the test can hold the job at
its last step (laying out the pages) until it has seen the intermediate progress, and can make
that step fail: no timing luck and no test hook in the production code.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import quarterly, report_services
from reporting.models import QuarterlyReport
from tests.integration.test_worker import (  # the real worker of the core tests
    _wait_for,
    live_worker,  # noqa: F401 - a fixture, used by name
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
Status = QuarterlyReport.Status
PROGRESS = re.compile(r'<progress id="report-progress-bar" class="w-100" value="(\d+)" max="100">')


def url(name: str, report: QuarterlyReport) -> str:
    return reverse(f"reporting:{name}", kwargs={"public_id": report.public_id})


def _draft(commune, officer) -> QuarterlyReport:
    today = timezone.localdate()
    return report_services.report_create(
        commune=commune,
        variant=QuarterlyReport.Variant.QUARTERLY,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        by=officer,
    )


def _status(report: QuarterlyReport) -> str:
    return QuarterlyReport.objects.values_list("status", flat=True).get(pk=report.pk)


def test_the_worker_reports_its_steps_and_ends_ready(live_worker, client, officer, monkeypatch):  # noqa: F811
    report = _draft(officer.commune, officer)
    client.force_login(officer)
    real_render = quarterly.render_report_pdf
    at_layout, release = threading.Event(), threading.Event()

    def held_render(*args, **kwargs):
        at_layout.set()
        release.wait(timeout=30)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(quarterly, "render_report_pdf", held_render)

    response = client.post(url("report_generate", report))
    assert response.status_code == 302
    page = client.get(report.get_absolute_url()).text
    assert 'hx-trigger="every 1s"' in page  # the page polls while the worker works

    seen: list[tuple[int, str]] = []

    def intermediate_step_seen() -> bool:
        fragment = client.get(url("report_progress", report), HTTP_HX_REQUEST="true").text
        match = PROGRESS.search(fragment)
        if match and "hx-get" in fragment:
            report.refresh_from_db(fields=["progress_step"])
            seen.append((int(match.group(1)), report.progress_step))
        return at_layout.is_set() and any(1 <= value <= 99 for value, _step in seen)

    try:
        assert _wait_for(intermediate_step_seen, timeout=30), seen
    finally:
        release.set()
    value, step = seen[-1]
    assert 1 <= value <= 99
    assert step

    assert _wait_for(lambda: _status(report) != Status.GENERATING, timeout=60)
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (Status.READY, 100, "")
    with report.pdf.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    done = client.get(url("report_progress", report), HTTP_HX_REQUEST="true")
    assert "hx-get" not in done.text
    assert url("report_pdf", report) in done.text
    assert done["HX-Refresh"] == "true"


def test_a_failing_step_in_the_worker_keeps_the_error_and_retry_works(
    live_worker,  # noqa: F811
    client,
    officer,
    monkeypatch,
):
    report = _draft(officer.commune, officer)
    client.force_login(officer)
    real_render = quarterly.render_report_pdf

    def broken(*args, **kwargs):
        raise OSError("Không ghi được tệp tạm của trình dàn trang")

    monkeypatch.setattr(quarterly, "render_report_pdf", broken)
    client.post(url("report_generate", report))
    assert _wait_for(lambda: _status(report) != Status.GENERATING, timeout=60)

    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert "Không ghi được tệp tạm" in report.error
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Không ghi được tệp tạm" in page
    assert 'id="report-retry"' in page

    monkeypatch.setattr(quarterly, "render_report_pdf", real_render)
    client.post(url("report_generate", report))
    assert _wait_for(lambda: _status(report) == Status.READY, timeout=60)
    report.refresh_from_db()
    assert report.error == ""
    assert report.pdf
