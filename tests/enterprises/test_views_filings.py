"""Annual reports and monitoring records through the pages users take."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atvsld_portal.models import Filing
from enterprises.models import AnnualOshReport, HarmfulFactor, MonitoringRecord
from tests.enterprises.factories import AnnualReportFactory, MonitoringRecordFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def _url(name, obj, **kwargs):
    return reverse(f"enterprises:{name}", kwargs={"public_id": obj.public_id, **kwargs})


@pytest.fixture
def report(enterprise):
    return AnnualReportFactory(enterprise=enterprise, workers_total=20)


def test_enterprise_user_files_and_official_approves(client, enterprise_owner, officer, enterprise):
    PeriodFactory(commune=enterprise.commune, year=2026)
    with time_machine.travel(date(2026, 12, 1)):
        client.force_login(enterprise_owner)
        response = client.post(_url("annual_report_start", enterprise), {"year": "2026"})
        report = AnnualOshReport.objects.get(enterprise=enterprise, year=2026)
        assert response["Location"] == _url("annual_report_edit", report)
        client.post(
            _url("annual_report_edit", report), {"workers_total": "1.250", "workers_women": "300"}
        )
        client.post(_url("annual_report_submit", report))
    report.refresh_from_db()
    assert (report.status, report.workers_total, report.channel) == (
        Filing.Status.SUBMITTED,
        1250,
        "online",
    )
    client.force_login(officer)
    client.post(_url("annual_report_approve", report), {"note": ""})
    report.refresh_from_db()
    assert report.status == Filing.Status.APPROVED
    page = client.get(_url("annual_report_detail", report)).text
    assert str(enterprise_owner) in page
    assert str(officer) in page


def test_invalid_report_keeps_the_typed_values_and_explains(client, enterprise_owner, report):
    client.force_login(enterprise_owner)
    response = client.post(
        _url("annual_report_edit", report),
        {"workers_total": "10", "workers_exposed": "5", "workers_exposed_examined": "7"},
    )
    assert response.status_code == 200
    assert 'value="7"' in response.text
    report.refresh_from_db()
    assert report.workers_exposed_examined == 0


def test_official_enters_a_paper_report(client, officer, report):
    client.force_login(officer)
    client.post(_url("annual_report_edit", report), {"workers_total": "30", "channel": "paper"})
    client.post(_url("annual_report_submit", report))
    report.refresh_from_db()
    assert (report.channel, report.entered_by, report.status) == (
        "paper",
        officer,
        Filing.Status.SUBMITTED,
    )
    assert str(officer) in client.get(_url("annual_report_detail", report)).text


def test_enterprise_cannot_decide_and_leader_can(client, enterprise_owner, leader, report):
    report.status = Filing.Status.SUBMITTED
    report.save()
    client.force_login(enterprise_owner)
    assert client.post(_url("annual_report_approve", report)).status_code == 403
    client.force_login(leader)
    client.post(_url("annual_report_return", report), {"reason": "Thiếu mục 6"})
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (Filing.Status.RETURNED, "Thiếu mục 6")


def test_approved_report_is_locked_for_the_enterprise(client, enterprise_owner, report):
    report.status = Filing.Status.APPROVED
    report.save()
    client.force_login(enterprise_owner)
    assert client.get(_url("annual_report_edit", report)).status_code == 403


def test_draft_locks_at_the_close_date_and_unlocks_when_extended(client, enterprise_owner, report):
    with time_machine.travel(date(2027, 2, 5)):
        client.force_login(enterprise_owner)
        assert client.get(_url("annual_report_edit", report)).status_code == 403
        report.period.closes_on = date(2027, 2, 28)
        report.period.save()
        assert client.get(_url("annual_report_edit", report)).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["annual_report_detail", "annual_report_edit", "annual_report_pdf", "annual_report_xlsx"],
)
def test_it_returns_404_for_other_enterprise(client, other_enterprise_owner, report, name):
    client.force_login(other_enterprise_owner)
    assert client.get(_url(name, report)).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "annual_report_submit",
        "annual_report_approve",
        "annual_report_return",
        "annual_report_reopen",
        "annual_report_scan_upload",
    ],
)
def test_posts_return_404_for_other_commune(client, other_officer, report, name):
    client.force_login(other_officer)
    assert client.post(_url(name, report), {"reason": "x"}).status_code == 404


def test_scans_are_versioned_and_served_only_to_readers(
    client, enterprise_owner, other_enterprise_owner, report
):
    client.force_login(enterprise_owner)
    for _ in range(2):
        client.post(
            _url("annual_report_scan_upload", report),
            {"file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4 scan")},
        )
    response = client.get(_url("annual_report_scan", report, version=2))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"
    client.force_login(other_enterprise_owner)
    assert client.get(_url("annual_report_scan", report, version=1)).status_code == 404


def test_a_heic_scan_is_refused_with_a_message(client, enterprise_owner, report):
    client.force_login(enterprise_owner)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    response = client.post(
        _url("annual_report_scan_upload", report),
        {"file": SimpleUploadedFile("a.heic", heic)},
        follow=True,
    )
    assert "JPEG" in response.text


def test_pdf_and_xlsx_downloads(client, enterprise_owner, report):
    client.force_login(enterprise_owner)
    pdf = client.get(_url("annual_report_pdf", report))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(_url("annual_report_xlsx", report))
    assert xlsx.content.startswith(b"PK")


def test_monitoring_record_with_results_then_approval(
    client, enterprise_owner, officer, enterprise
):
    client.force_login(enterprise_owner)
    noise = HarmfulFactor.objects.get(code="noise")
    data = {
        "year": "2026",
        "round": "1",
        "sampled_from": "10/04/2026",
        "sampled_to": "11/04/2026",
        "organisation": "CDC Đắk Lắk",
        "organisation_announcement": "15/CB-SYT",
        "workers_exposed": "12",
        "results-TOTAL_FORMS": "1",
        "results-INITIAL_FORMS": "0",
        "results-0-factor": noise.pk,
        "results-0-location": "Xưởng nghiền",
        "results-0-samples_measured": "6",
        "results-0-samples_over": "2",
    }
    response = client.post(_url("monitoring_create", enterprise), data)
    record = MonitoringRecord.objects.get(enterprise=enterprise)
    assert response["Location"] == record.get_absolute_url()
    assert record.sampled_from == date(2026, 4, 10)  # day-first
    client.post(_url("monitoring_submit", record))
    client.force_login(officer)
    client.post(_url("monitoring_approve", record), {"note": ""})
    record.refresh_from_db()
    assert record.status == Filing.Status.APPROVED
    text = client.get(record.get_absolute_url()).text
    assert "Xưởng nghiền" in text


def test_monitoring_result_over_measured_is_refused(client, enterprise_owner, enterprise):
    client.force_login(enterprise_owner)
    data = {
        "year": "2026",
        "round": "1",
        "sampled_from": "10/04/2026",
        "sampled_to": "11/04/2026",
        "organisation": "CDC",
        "organisation_announcement": "15/CB-SYT",
        "workers_exposed": "12",
        "results-TOTAL_FORMS": "1",
        "results-INITIAL_FORMS": "0",
        "results-0-factor": HarmfulFactor.objects.get(code="dust").pk,
        "results-0-location": "Kho",
        "results-0-samples_measured": "2",
        "results-0-samples_over": "3",
    }
    response = client.post(_url("monitoring_create", enterprise), data)
    assert response.status_code == 200
    assert not MonitoringRecord.objects.exists()
    assert 'value="Kho"' in response.text


@pytest.mark.parametrize("name", ["monitoring_detail", "monitoring_edit", "monitoring_report_file"])
def test_monitoring_returns_404_for_other_enterprise(
    client, other_enterprise_owner, enterprise, name
):
    record = MonitoringRecordFactory(enterprise=enterprise)
    client.force_login(other_enterprise_owner)
    assert client.get(_url(name, record)).status_code == 404


def test_enterprise_home_lists_what_is_owed(client, enterprise_owner, enterprise):
    AnnualReportFactory(enterprise=enterprise, year=2026)
    with time_machine.travel(date(2027, 1, 5)):
        client.force_login(enterprise_owner)
        text = client.get(reverse("enterprises:mine")).text
    assert enterprise.name in text
    assert "10/01/2027" in text


def test_period_pages(client, officer, enterprise):
    client.force_login(officer)
    response = client.post(
        reverse("period_create"),
        {
            "kind": "annual_osh_report",
            "year": "2026",
            "part": "year",
            "opens_on": "01/11/2026",
            "due_on": "10/01/2027",
            "closes_on": "31/01/2027",
        },
    )
    assert response.status_code == 302
    period = enterprise.commune.reporting_periods.get()
    client.post(reverse("period_open", kwargs={"public_id": period.public_id}))
    assert AnnualOshReport.objects.filter(enterprise=enterprise, year=2026).exists()


def test_period_of_another_commune_is_404(client, other_officer, enterprise):
    period = PeriodFactory(commune=enterprise.commune)
    client.force_login(other_officer)
    assert (
        client.post(reverse("period_open", kwargs={"public_id": period.public_id})).status_code
        == 404
    )
    assert (
        client.get(reverse("period_edit", kwargs={"public_id": period.public_id})).status_code
        == 404
    )


def test_monitoring_report_file_is_checked_and_served_privately(
    client, enterprise_owner, enterprise
):
    client.force_login(enterprise_owner)
    data = {
        "year": "2026",
        "round": "1",
        "sampled_from": "10/04/2026",
        "sampled_to": "11/04/2026",
        "organisation": "CDC",
        "organisation_announcement": "15/CB-SYT",
        "workers_exposed": "12",
        "results-TOTAL_FORMS": "1",
        "results-INITIAL_FORMS": "0",
        "results-0-factor": HarmfulFactor.objects.get(code="dust").pk,
        "results-0-location": "Kho",
        "results-0-samples_measured": "2",
        "results-0-samples_over": "0",
    }
    bad = client.post(
        _url("monitoring_create", enterprise),
        {**data, "report_file": SimpleUploadedFile("kq.pdf", b"MZ not a pdf")},
    )
    assert bad.status_code == 200
    assert not MonitoringRecord.objects.exists()
    client.post(
        _url("monitoring_create", enterprise),
        {**data, "report_file": SimpleUploadedFile("kq.pdf", b"%PDF-1.4 ket qua")},
    )
    record = MonitoringRecord.objects.get()
    assert record.report_file.name.startswith("monitoring-reports/")
    assert "kq" not in record.report_file.name  # a random name, not the user's
    response = client.get(_url("monitoring_report_file", record))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ket qua"
