"""The enterprise's accident statistics report (Phụ lục XII) through the pages users take
(incidents.views.statistics)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from itertools import count

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atvsld_portal.models import Filing, ReportingPeriod
from atvsld_portal.services import period_open
from incidents.models import Accident, Cause, InjuryFactor, PeriodicAccidentReport
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import HCM, AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db

RECEIPTS = count(1)


@pytest.fixture(autouse=True)
def in_june():
    """Inside the H1 2026 filing window (opens 15 June, closes 31 July)."""
    with time_machine.travel(datetime(2026, 6, 20, 9, 0, tzinfo=HCM), tick=False):
        yield


def _url(name: str, obj, **kwargs) -> str:
    return reverse(f"statistics:{name}", kwargs={"public_id": obj.public_id, **kwargs})


def _open_period(commune, by, *, year: int = 2026, part: str = "h1") -> ReportingPeriod:
    period = ReportingPeriod.objects.create(
        commune=commune,
        kind="accident_statistics",
        year=year,
        part=part,
        opens_on=date(year, 6, 15) if part == "h1" else date(year, 12, 1),
        due_on=date(year, 7, 5) if part == "h1" else date(year + 1, 1, 10),
        closes_on=date(year, 7, 31) if part == "h1" else date(year + 1, 1, 31),
    )
    period_open(period=period, by=by)
    return period


def _counted_accident(enterprise, *, severities=("minor",), sexes=None, **fields) -> Accident:
    """A received, classified occupational accident of ``enterprise`` in March 2026."""
    defaults = {
        "status": Accident.Status.RECEIVED,
        "receipt_number": f"TK-{next(RECEIPTS):05d}",
        "main_cause": Cause.NO_SAFE_PROCEDURE,
        "injury_factor": InjuryFactor.objects.get(code="12"),
    }
    accident = AccidentFactory(enterprise=enterprise, **{**defaults, **fields})
    for index, severity in enumerate(severities):
        sex = (sexes or ["male"] * len(severities))[index]
        VictimFactory(accident=accident, severity=severity, sex=sex)
    return accident


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _row_values(html: str, key: str) -> list[int]:
    """Columns 3-13 of the Table I row ``key`` as the detail page shows them."""
    match = re.search(rf'<tr[^>]*data-row="{re.escape(key)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"row {key} not on the page"
    cells = re.findall(r'<td class="text-end">\s*([\d.]+)\s*</td>', match.group(1))
    return [int(cell.replace(".", "")) for cell in cells]


@pytest.fixture
def period(commune, officer, enterprise, other_enterprise):
    """The H1 2026 period, opened: one draft per active enterprise of the commune."""
    return _open_period(commune, officer)


@pytest.fixture
def report(period, enterprise) -> PeriodicAccidentReport:
    return PeriodicAccidentReport.objects.get(enterprise=enterprise, year=2026, part="h1")


@pytest.fixture
def other_report(period, other_enterprise) -> PeriodicAccidentReport:
    return PeriodicAccidentReport.objects.get(enterprise=other_enterprise, year=2026, part="h1")


@pytest.fixture
def submitted(report, enterprise_owner, client) -> PeriodicAccidentReport:
    client.force_login(enterprise_owner)
    client.post(_url("report_submit", report))
    report.refresh_from_db()
    assert report.status == Filing.Status.SUBMITTED
    return report


# ------------------------------------------------------------------------------
# List
# ------------------------------------------------------------------------------
def test_list_is_scoped_to_the_commune_and_to_the_enterprise(
    client,
    officer,
    enterprise_owner,
    other_enterprise_owner,
    other_officer,
    report,
    other_report,
    other_commune,
):
    far = EnterpriseFactory(commune=other_commune, name="Công ty TNHH Cà phê Ea Bá")
    _open_period(other_commune, other_officer)
    url = reverse("statistics:report_list")

    client.force_login(officer)
    text = client.get(url).text
    assert report.enterprise.name in text
    assert other_report.enterprise.name in text
    assert far.name not in text

    client.force_login(enterprise_owner)
    text = client.get(url).text
    assert report.enterprise.name in text
    assert other_report.enterprise.name not in text

    client.force_login(other_enterprise_owner)
    text = client.get(url).text
    assert other_report.enterprise.name in text
    assert report.enterprise.name not in text

    client.force_login(other_officer)
    text = client.get(url).text
    assert far.name in text
    assert report.enterprise.name not in text


def test_list_filters_by_year_part_status_and_enterprise(client, officer, report, other_report):
    other_report.status = Filing.Status.APPROVED
    other_report.save()
    client.force_login(officer)
    url = reverse("statistics:report_list")
    approved = client.get(url, {"status": "approved"}).context["page_obj"].object_list
    assert list(approved) == [other_report]
    assert not client.get(url, {"part": "year"}).context["page_obj"].object_list
    assert not client.get(url, {"year": "2025"}).context["page_obj"].object_list
    mine = client.get(url, {"enterprise": str(report.enterprise.public_id)})
    assert list(mine.context["page_obj"].object_list) == [report]


def test_list_keeps_a_constant_number_of_queries(
    client, officer, report, commune, django_assert_max_num_queries
):
    client.force_login(officer)
    for _ in range(5):
        EnterpriseFactory(commune=commune)
    period_open(period=report.period, by=officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("statistics:report_list"))
    assert len(response.context["page_obj"].object_list) == 7


def test_enterprise_filter_outside_the_scope_is_404(client, other_enterprise_owner, enterprise):
    client.force_login(other_enterprise_owner)
    response = client.get(reverse("statistics:report_list"), {"enterprise": enterprise.public_id})
    assert response.status_code == 404


def test_enterprise_page_links_to_its_reports(client, officer, enterprise):
    client.force_login(officer)
    text = client.get(enterprise.get_absolute_url()).text
    assert f"{reverse('statistics:report_list')}?enterprise={enterprise.public_id}" in text


# ------------------------------------------------------------------------------
# Start
# ------------------------------------------------------------------------------
def test_start_creates_a_draft_only_when_the_period_is_open(
    client, officer, enterprise_owner, enterprise, commune
):
    client.force_login(enterprise_owner)
    start = _url("report_start", enterprise)
    data = {"year": "2026", "part": "h1"}

    response = client.post(start, data)
    assert response.status_code == 302
    assert not PeriodicAccidentReport.objects.exists()
    assert _messages(response)

    period = ReportingPeriod.objects.create(
        commune=commune,
        kind="accident_statistics",
        year=2026,
        part="h1",
        opens_on=date(2026, 6, 15),
        due_on=date(2026, 7, 5),
        closes_on=date(2026, 7, 31),
    )
    client.post(start, data)
    assert not PeriodicAccidentReport.objects.exists(), "the period is not opened yet"

    period_open(period=period, by=officer)
    PeriodicAccidentReport.objects.all().delete()  # as if the enterprise registered afterwards
    listing = client.get(reverse("statistics:report_list")).text
    assert start in listing

    response = client.post(start, data)
    report = PeriodicAccidentReport.objects.get(enterprise=enterprise)
    assert response["Location"] == _url("report_edit", report)
    assert (report.status, report.year, report.part, report.workers_total) == (
        Filing.Status.DRAFT,
        2026,
        "h1",
        enterprise.workforce_total,
    )
    assert start not in client.get(reverse("statistics:report_list")).text
    # Starting again opens the same report.
    assert client.post(start, data)["Location"] == _url("report_edit", report)
    assert PeriodicAccidentReport.objects.count() == 1


def test_start_refuses_outsiders_and_readers(
    client, enterprise, other_enterprise_owner, other_officer, province_viewer
):
    start = _url("report_start", enterprise)
    data = {"year": "2026", "part": "h1"}
    for outsider in (other_enterprise_owner, other_officer):
        client.force_login(outsider)
        assert client.post(start, data).status_code == 404
    client.force_login(province_viewer)
    assert client.post(start, data).status_code == 403


# ------------------------------------------------------------------------------
# Edit
# ------------------------------------------------------------------------------
def test_enterprise_edits_the_header_and_table_ii(client, enterprise_owner, report):
    client.force_login(enterprise_owner)
    page = client.get(_url("report_edit", report))
    assert page.status_code == 200
    assert "report_date" not in page.context["form"].fields  # dated on submission
    assert page.context["channel_form"] is None
    response = client.post(
        _url("report_edit", report),
        {
            "recipient": "Sở Nội vụ tỉnh Đắk Lắk",
            "workers_total": "1.250",
            "workers_women": "300",
            "payroll_million": "12.500,5",
            "days_off": "12",
            "cost_medical": "1.500",
            "cost_wages": "2.000",
            "cost_compensation": "500",
            "cost_total": "4.000",
            "property_damage": "7.000",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.workers_total, report.workers_women, report.payroll_million) == (
        1250,
        300,
        Decimal("12500.5"),
    )
    assert (report.cost_total, report.property_damage, report.channel) == (4000, 7000, "online")


def test_failed_edit_keeps_what_was_typed_and_explains(client, enterprise_owner, report):
    client.force_login(enterprise_owner)
    response = client.post(
        _url("report_edit", report),
        {
            "workers_total": "10",
            "workers_women": "40",
            "cost_medical": "100",
            "cost_wages": "200",
            "cost_compensation": "0",
            "cost_total": "999",
        },
    )
    assert response.status_code == 200
    assert 'value="40"' in response.text
    assert 'value="999"' in response.text
    assert "Số lao động nữ không được lớn hơn tổng số lao động." in response.text
    assert "cost_total" in response.context["form"].errors
    report.refresh_from_db()
    assert (report.workers_total, report.workers_women) == (20, 5)


def test_table_ii_is_filled_from_the_accident_records(client, enterprise_owner, report, enterprise):
    accident = _counted_accident(enterprise, property_damage=3_000_000)
    victim = accident.victims.get()
    victim.days_off, victim.cost_medical, victim.cost_wages = 9, 1_200_000, 800_000
    victim.save()
    client.force_login(enterprise_owner)
    response = client.post(
        _url("report_edit", report),
        {"workers_total": "20", "cost_total": "5", "fill_damage_from_records": "on"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.days_off, report.cost_medical, report.cost_wages, report.cost_total) == (
        9,
        1200,
        800,
        2000,
    )
    assert report.property_damage == 3000


def test_official_enters_a_paper_report_with_its_date(client, officer, report):
    client.force_login(officer)
    response = client.post(
        _url("report_edit", report),
        {"channel": "paper", "report_date": "02/07/2026", "workers_total": "25"},
    )
    assert response.status_code == 302
    client.post(_url("report_submit", report))
    report.refresh_from_db()
    assert (report.status, report.channel, report.entered_by, report.report_date) == (
        Filing.Status.SUBMITTED,
        "paper",
        officer,
        date(2026, 7, 2),
    )


def test_edit_is_refused_to_readers_and_once_submitted(
    client, province_viewer, enterprise_owner, submitted
):
    client.force_login(province_viewer)
    assert client.get(_url("report_edit", submitted)).status_code == 403
    assert client.post(_url("report_submit", submitted)).status_code == 403
    client.force_login(enterprise_owner)
    assert client.get(_url("report_edit", submitted)).status_code == 403


# ------------------------------------------------------------------------------
# Detail: Table I from the records
# ------------------------------------------------------------------------------
def test_detail_counts_table_i_from_the_accidents(client, officer, report, enterprise):
    _counted_accident(enterprise, severities=("fatal", "serious"), sexes=["male", "female"])
    _counted_accident(enterprise, severities=("minor",))
    _counted_accident(enterprise, severities=("minor",), commuting=True)
    _counted_accident(enterprise, status=Accident.Status.DRAFT, receipt_number=None)
    _counted_accident(enterprise, occurred_at=datetime(2026, 8, 1, 8, tzinfo=HCM))
    client.force_login(officer)
    html = client.get(_url("report_detail", report)).text
    #                                3  4  5  6  7  8  9 10 11 12 13
    assert _row_values(html, "1") == [2, 1, 1, 3, 0, 1, 0, 1, 0, 1, 0]
    assert _row_values(html, "2") == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert _row_values(html, "3") == [3, 1, 1, 4, 0, 1, 0, 1, 0, 1, 0]
    assert _row_values(html, "cause-5")[:4] == [2, 1, 1, 3]
    assert "Số vụ có từ 2 người bị nạn trở lên" in html
    assert reverse("incidents:list") in html
    assert 'id="rule-errors"' not in html


def test_submit_is_blocked_by_an_accident_without_a_main_cause(
    client, enterprise_owner, report, enterprise
):
    accident = _counted_accident(enterprise, main_cause="")
    client.force_login(enterprise_owner)
    detail = client.get(_url("report_detail", report)).text
    assert 'id="rule-errors"' in detail
    assert accident.receipt_number in detail

    response = client.post(_url("report_submit", report))
    assert response.status_code == 302
    messages = _messages(response)
    assert any(accident.receipt_number in message for message in messages)
    assert len(messages) >= 2, "one message per broken rule"
    report.refresh_from_db()
    assert (report.status, report.table, report.report_date) == (Filing.Status.DRAFT, {}, None)


def test_submit_freezes_table_i_and_dates_the_report(
    client, enterprise_owner, officer, report, enterprise
):
    _counted_accident(enterprise, severities=("serious",))
    client.force_login(enterprise_owner)
    client.post(_url("report_submit", report))
    report.refresh_from_db()
    assert report.status == Filing.Status.SUBMITTED
    assert report.report_date == date(2026, 6, 20)
    assert report.master_snapshot["name"] == enterprise.name
    total = next(row for row in report.table["rows"] if row["key"] == "1")
    assert total["values"] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]

    # A later accident does not rewrite what was filed; the page says the records changed.
    _counted_accident(enterprise, severities=("minor",))
    client.force_login(officer)
    response = client.get(_url("report_detail", report))
    assert _row_values(response.text, "1")[0] == 1
    assert response.context["records_differ"] is True


def test_detail_shows_the_h1_over_year_warning(client, officer, report, enterprise):
    _counted_accident(enterprise)
    with time_machine.travel(datetime(2026, 12, 5, 9, tzinfo=HCM), tick=False):
        _open_period(enterprise.commune, officer, part="year")
        year_report = PeriodicAccidentReport.objects.get(enterprise=enterprise, part="year")
        year_report.table = {"rows": []}  # filed empty, as typed by mistake
        year_report.status = Filing.Status.SUBMITTED
        year_report.save()
        client.force_login(officer)
        warnings = client.get(_url("report_detail", report)).context["warnings"]
    assert warnings


# ------------------------------------------------------------------------------
# Decisions
# ------------------------------------------------------------------------------
def test_leader_returns_enterprise_resubmits_officer_approves_and_reopens(
    client, leader, officer, enterprise_owner, submitted
):
    client.force_login(leader)
    response = client.post(_url("report_return", submitted), {"reason": ""})
    submitted.refresh_from_db()
    assert submitted.status == Filing.Status.SUBMITTED
    assert "Vui lòng ghi lý do trước khi gửi." in _messages(response)

    client.post(_url("report_return", submitted), {"reason": "Thiếu số ngày nghỉ"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.return_reason) == (
        Filing.Status.RETURNED,
        "Thiếu số ngày nghỉ",
    )

    client.force_login(enterprise_owner)
    assert "Thiếu số ngày nghỉ" in client.get(_url("report_detail", submitted)).text
    client.post(_url("report_submit", submitted))
    client.force_login(officer)
    client.post(_url("report_approve", submitted), {"note": "Đủ"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decided_by) == (Filing.Status.APPROVED, officer)

    client.force_login(leader)
    client.post(_url("report_reopen", submitted), {"reason": "Sửa số lao động"})
    submitted.refresh_from_db()
    assert submitted.status == Filing.Status.REOPENED
    events = client.get(_url("report_detail", submitted)).context["events"]
    assert [event.to_status for event in events] == [
        "submitted",
        "returned",
        "submitted",
        "approved",
        "reopened",
    ]


def test_officer_returns_and_leader_approves(client, officer, leader, submitted):
    client.force_login(officer)
    client.post(_url("report_return", submitted), {"reason": "Sai quỹ lương"})
    submitted.refresh_from_db()
    assert submitted.status == Filing.Status.RETURNED
    client.post(_url("report_submit", submitted))  # the commune resubmits a paper correction
    client.force_login(leader)
    client.post(_url("report_approve", submitted), {"note": ""})
    submitted.refresh_from_db()
    assert submitted.status == Filing.Status.APPROVED


@pytest.mark.parametrize("name", ["report_approve", "report_return", "report_reopen"])
def test_enterprise_and_province_cannot_decide(
    client, enterprise_owner, province_viewer, submitted, name
):
    for user in (enterprise_owner, province_viewer):
        client.force_login(user)
        assert client.post(_url(name, submitted), {"reason": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Filing.Status.SUBMITTED


def test_province_viewer_reads_and_downloads(client, province_viewer, report):
    client.force_login(province_viewer)
    assert client.get(_url("report_detail", report)).status_code == 200
    assert client.get(_url("report_pdf", report)).status_code == 200
    assert client.get(reverse("statistics:report_list")).context["page_obj"].object_list


# ------------------------------------------------------------------------------
# Outsiders: 404 on every object URL
# ------------------------------------------------------------------------------
OBJECT_URLS = [
    ("get", "report_detail"),
    ("get", "report_edit"),
    ("post", "report_edit"),
    ("post", "report_submit"),
    ("post", "report_approve"),
    ("post", "report_return"),
    ("post", "report_reopen"),
    ("post", "report_scan_upload"),
    ("get", "report_scan_download"),
    ("get", "report_pdf"),
    ("get", "report_xlsx"),
]


@pytest.mark.parametrize("outsider", ["other_enterprise_owner", "other_officer"])
@pytest.mark.parametrize(("method", "name"), OBJECT_URLS)
def test_outsiders_get_404(client, request, enterprise_owner, report, outsider, method, name):
    client.force_login(enterprise_owner)
    client.post(
        _url("report_scan_upload", report),
        {"file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4 scan")},
    )
    client.force_login(request.getfixturevalue(outsider))
    kwargs = {"version": 1} if name == "report_scan_download" else {}
    response = getattr(client, method)(_url(name, report, **kwargs), {"reason": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("outsider", ["other_enterprise_owner", "other_officer"])
def test_outsiders_cannot_start_a_report_for_the_enterprise(
    client, request, period, enterprise, outsider
):
    PeriodicAccidentReport.objects.filter(enterprise=enterprise).delete()
    client.force_login(request.getfixturevalue(outsider))
    response = client.post(_url("report_start", enterprise), {"year": "2026", "part": "h1"})
    assert response.status_code == 404
    assert not PeriodicAccidentReport.objects.filter(enterprise=enterprise).exists()


# ------------------------------------------------------------------------------
# Scans and downloads
# ------------------------------------------------------------------------------
def test_scans_are_versioned_and_served_to_readers(
    client, enterprise_owner, province_viewer, report
):
    client.force_login(enterprise_owner)
    for _ in range(2):
        client.post(
            _url("report_scan_upload", report),
            {"file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4 scan")},
        )
    client.force_login(province_viewer)
    response = client.get(_url("report_scan_download", report, version=2))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"
    assert client.get(_url("report_scan_download", report, version=3)).status_code == 404
    upload = client.post(
        _url("report_scan_upload", report),
        {"file": SimpleUploadedFile("bc.pdf", b"%PDF-1.4 scan")},
    )
    assert upload.status_code == 403


def test_pdf_and_xlsx_downloads(client, enterprise_owner, report, enterprise):
    client.force_login(enterprise_owner)
    pdf = client.get(_url("report_pdf", report))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f"phu-luc-xii-{enterprise.tax_code}-2026-h1.pdf" in pdf["Content-Disposition"]
    xlsx = client.get(_url("report_xlsx", report))
    assert xlsx.content.startswith(b"PK")
    assert f"phu-luc-xii-{enterprise.tax_code}-2026-h1.xlsx" in xlsx["Content-Disposition"]
