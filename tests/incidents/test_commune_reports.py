"""The commune's accident report to Sở Nội vụ on the informal sector
(incidents.views.commune_reports, incidents.commune_report_documents)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atvsld_portal.models import Filing, PersonalDataView, ReportingPeriod, User
from atvsld_portal.services import period_open
from incidents.models import Accident, CommuneAccidentReport, Victim
from incidents.services import reports
from tests.core.factories import CommuneFactory, UserFactory
from tests.incidents.factories import HCM, AccidentFactory, VictimFactory

pytestmark = pytest.mark.django_db
S = Victim.Severity
VICTIM_NAME = "Y Bih Niê"
INCIDENT_ACCOUNT = "Sập giàn giáo tự chế tại công trình nhà ở, không có người bị nạn."
ENTERPRISE_ACCOUNT = "Công nhân mỏ đá bị đá văng trúng chân."


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


def url(name: str, report: CommuneAccidentReport) -> str:
    return reverse(f"commune_reports:{name}", kwargs={"public_id": report.public_id})


def open_report(commune, officer) -> CommuneAccidentReport:
    period = ReportingPeriod.objects.create(
        commune=commune,
        kind=reports.COMMUNE_REPORT_KIND,
        year=2026,
        part=ReportingPeriod.Part.H1,
        opens_on=date(2026, 6, 15),
        due_on=date(2026, 7, 5),
        closes_on=date(2026, 7, 31),
    )
    assert period_open(period=period, by=officer) == 1
    return CommuneAccidentReport.objects.get(period=period)


def informal_accident(
    commune,
    by: User,
    *,
    severities=(S.SERIOUS,),
    names=(VICTIM_NAME,),
    kind=Accident.Kind.ACCIDENT,
    account="Ngã từ thang khi hái cà phê.",
    day=date(2026, 3, 10),
) -> Accident:
    accident = AccidentFactory(
        sector=Accident.Sector.INFORMAL,
        enterprise=None,
        commune=commune,
        kind=kind,
        status=Accident.Status.RECEIVED,
        receipt_number=f"TNLĐ-{Accident.objects.count() + 1:04d}",
        occurred_at=at(day),
        account=account,
        created_by=by,
    )
    for severity, name in zip(severities, names, strict=False):
        VictimFactory(
            accident=accident,
            severity=severity,
            full_name=name,
            sex=Victim.Sex.FEMALE,
            occupation_name="Nông dân",
        )
    return accident


@pytest.fixture
def report(commune, officer):
    return open_report(commune, officer)


@pytest.fixture
def records(commune, officer, enterprise):
    """One informal accident (a serious victim), one technical incident, one enterprise
    accident that does not belong in the informal-sector report."""
    informal_accident(commune, officer)
    informal_accident(
        commune,
        officer,
        kind=Accident.Kind.TECHNICAL_INCIDENT,
        severities=(),
        names=(),
        account=INCIDENT_ACCOUNT,
    )
    employed = AccidentFactory(
        enterprise=enterprise,
        status=Accident.Status.RECEIVED,
        receipt_number="TNLĐ-DN-0001",
        account=ENTERPRISE_ACCOUNT,
        created_by=officer,
    )
    VictimFactory(accident=employed, severity=S.FATAL, full_name="Nguyễn Văn Mỏ")


def get_as(client, user, path: str, when: date = date(2026, 7, 3), **params):
    with time_machine.travel(at(when), tick=False):
        client.force_login(user)
        return client.get(path, params)


def post_as(client, user, path: str, data: dict, when: date = date(2026, 7, 3)):
    with time_machine.travel(at(when), tick=False):
        client.force_login(user)
        return client.post(path, data)


def mark_sent(client, officer, report, sent_on: date, **extra):
    data = {
        "sent_on": sent_on.strftime("%d/%m/%Y"),
        "sent_via": CommuneAccidentReport.SentVia.EMAIL,
        **extra,
    }
    return post_as(client, officer, url("mark_sent", report), data, when=sent_on)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def views_logged(report) -> int:
    return PersonalDataView.objects.filter(object_id=str(report.public_id)).count()


# ------------------------------------------------------------------------------
# Content
# ------------------------------------------------------------------------------
def test_opening_the_period_creates_the_report(report, commune):
    assert report.commune == commune
    assert report.status == Filing.Status.DRAFT
    assert report.form_version == "pl16-draft-2025"


def test_detail_counts_informal_accidents_and_lists_incidents_apart(
    client, officer, report, records
):
    response = get_as(client, officer, url("detail", report))

    assert response.status_code == 200
    content = response.context["content"]
    # accidents, fatal, multi-victim, victims, women, deaths, seriously injured
    assert content.totals == [1, 0, 0, 1, 1, 0, 1]
    assert [victim["name"] for victim in content.victims] == [VICTIM_NAME]
    assert VICTIM_NAME in response.text
    assert [incident["account"] for incident in content.incidents] == [INCIDENT_ACCOUNT]
    assert INCIDENT_ACCOUNT in response.text
    assert ENTERPRISE_ACCOUNT not in response.text
    assert "Nguyễn Văn Mỏ" not in response.text
    assert views_logged(report) == 1


def test_province_viewer_sees_no_names_and_is_not_logged(client, province_viewer, report, records):
    response = get_as(client, province_viewer, url("detail", report))

    assert response.status_code == 200
    assert VICTIM_NAME not in response.text
    assert [victim["name"] for victim in response.context["content"].victims] == ["—"]
    assert views_logged(report) == 0
    pdf = get_as(client, province_viewer, url("pdf", report))
    assert pdf.status_code == 200
    assert VICTIM_NAME not in pdf_text(b"".join(pdf.streaming_content))
    assert views_logged(report) == 0


def test_leader_sees_names_and_the_view_is_logged(client, leader, report, records):
    response = get_as(client, leader, url("detail", report))
    assert VICTIM_NAME in response.text
    assert views_logged(report) == 1


def test_no_view_is_logged_when_there_is_no_victim_to_show(client, officer, report):
    assert get_as(client, officer, url("detail", report)).status_code == 200
    assert views_logged(report) == 0


# ------------------------------------------------------------------------------
# Sending, freezing, taking back
# ------------------------------------------------------------------------------
def test_mark_sent_on_time_freezes_the_figures(client, officer, commune, report, records):
    response = mark_sent(client, officer, report, date(2026, 7, 3), document_number="12/BC-UBND")

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Filing.Status.SUBMITTED
    assert report.sent_on == date(2026, 7, 3)
    assert report.sent_via == CommuneAccidentReport.SentVia.EMAIL
    assert report.document_number == "12/BC-UBND"
    assert report.is_on_time is True
    informal_accident(commune, officer, names=("H'Hen Niê",), day=date(2026, 4, 2))
    detail = get_as(client, officer, url("detail", report), when=date(2026, 7, 10))
    assert detail.context["content"].totals[0] == 1
    assert "Hen Niê" not in detail.text
    assert "12/BC-UBND" in detail.text


def test_mark_sent_after_the_due_date_is_late(client, officer, province_viewer, report):
    assert mark_sent(client, officer, report, date(2026, 7, 10)).status_code == 302
    report.refresh_from_db()
    assert report.is_on_time is False
    listing = get_as(client, province_viewer, reverse("commune_reports:list"), date(2026, 7, 11))
    assert "10/07/2026" in listing.text
    assert "05/07/2026" in listing.text


def test_mark_sent_with_a_future_date_shows_the_error(client, officer, report):
    data = {"sent_on": "20/07/2026", "sent_via": CommuneAccidentReport.SentVia.POST}
    response = post_as(client, officer, url("mark_sent", report), data)

    assert response.status_code == 200
    assert response.context["sent_form"].errors["sent_on"]
    assert 'value="20/07/2026"' in response.text
    report.refresh_from_db()
    assert report.status == Filing.Status.DRAFT


def test_withdraw_reopens_the_report_and_the_figures_are_live_again(
    client, officer, commune, report, records
):
    mark_sent(client, officer, report, date(2026, 7, 3))
    informal_accident(commune, officer, names=("H Linh Êban",), day=date(2026, 5, 2))

    response = post_as(
        client, officer, url("withdraw", report), {"reason": "Thiếu một vụ tháng 5."}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Filing.Status.REOPENED
    assert report.sent_on is None
    assert report.sent_via == ""
    detail = get_as(client, officer, url("detail", report))
    assert detail.context["content"].totals[0] == 2
    assert "Thiếu một vụ tháng 5." in detail.text
    assert get_as(client, officer, url("edit", report)).status_code == 200


def test_withdraw_needs_a_reason(client, officer, report):
    mark_sent(client, officer, report, date(2026, 7, 3))
    response = post_as(client, officer, url("withdraw", report), {"reason": ""})
    assert response.status_code == 200
    assert response.context["reason_form"].errors["reason"]
    report.refresh_from_db()
    assert report.status == Filing.Status.SUBMITTED


def test_a_sent_report_cannot_be_edited(client, officer, report):
    mark_sent(client, officer, report, date(2026, 7, 3))
    assert get_as(client, officer, url("edit", report)).status_code == 403


# ------------------------------------------------------------------------------
# Editing
# ------------------------------------------------------------------------------
def edit_data(**overrides) -> dict:
    data = {
        "form_version": "pl16-draft-2025",
        "document_number": "",
        "report_date": "02/07/2026",
        "recipient": "Sở Nội vụ tỉnh Đắk Lắk",
        "signer_title": "Phó Chủ tịch",
        "signer_name": "Trần Thị Hoa",
        "remarks": "Đề nghị tăng cường tuyên truyền cho người làm nông nghiệp.",
    }
    return {**data, **overrides}


def test_edit_saves_the_header(client, officer, report):
    response = post_as(client, officer, url("edit", report), edit_data())

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.report_date == date(2026, 7, 2)
    assert report.signer_name == "Trần Thị Hoa"
    assert report.remarks.startswith("Đề nghị")


def test_edit_with_errors_keeps_what_was_typed(client, officer, report):
    response = post_as(
        client,
        officer,
        url("edit", report),
        edit_data(report_date="31/02/2026", form_version="unknown-form"),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["report_date"]
    assert form.errors["form_version"]
    assert "Trần Thị Hoa" in response.text
    assert 'value="31/02/2026"' in response.text
    report.refresh_from_db()
    assert report.signer_name == ""


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
OBJECT_URLS = ("detail", "edit", "pdf", "docx", "xlsx")
ACTION_URLS = ("mark_sent", "withdraw")


def test_leader_and_province_viewer_cannot_act(client, leader, province_viewer, report):
    for user in (leader, province_viewer):
        assert get_as(client, user, url("detail", report)).status_code == 200
        assert get_as(client, user, url("edit", report)).status_code == 403
        assert post_as(client, user, url("edit", report), edit_data()).status_code == 403
        assert mark_sent(client, user, report, date(2026, 7, 3)).status_code == 403
        assert post_as(client, user, url("withdraw", report), {"reason": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Filing.Status.DRAFT


def test_outsiders_get_404_on_every_object_url(
    client, other_officer, enterprise_owner, other_enterprise_owner, commune, report
):
    reporter = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    for user in (other_officer, enterprise_owner, other_enterprise_owner, reporter):
        for name in OBJECT_URLS:
            assert get_as(client, user, url(name, report)).status_code == 404, (user, name)
        for name in ACTION_URLS:
            assert post_as(client, user, url(name, report), {}).status_code == 404, (user, name)


def test_list_is_refused_to_enterprise_users_and_unit_reporters(
    client, enterprise_owner, commune, report
):
    reporter = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    for user in (enterprise_owner, reporter):
        assert get_as(client, user, reverse("commune_reports:list")).status_code == 403


def test_list_scopes_to_the_commune_and_the_province(
    client, officer, other_officer, province_viewer, other_commune, report
):
    other_report = open_report(other_commune, other_officer)

    own = get_as(client, officer, reverse("commune_reports:list"))
    assert list(own.context["page_obj"]) == [report]
    assert f"{reverse('period_create')}?kind=commune_accident_report" in own.text
    other = get_as(client, other_officer, reverse("commune_reports:list"))
    assert list(other.context["page_obj"]) == [other_report]
    province = get_as(client, province_viewer, reverse("commune_reports:list"))
    assert set(province.context["page_obj"]) == {report, other_report}
    assert other_commune.name in province.text
    assert "?kind=commune_accident_report" not in province.text


# ------------------------------------------------------------------------------
# Documents
# ------------------------------------------------------------------------------
def test_pdf_is_the_decree_30_report_marked_as_draft(client, officer, report, records):
    response = get_as(client, officer, url("pdf", report))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(b"".join(response.streaming_content)).split())
    for words in (
        "ỦY BAN NHÂN DÂN",
        "XÃ EA LY",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO",
        "Tình hình tai nạn lao động của người lao động làm việc không theo hợp đồng lao động",
        "6 tháng đầu năm 2026",
        "DỰ THẢO",
        "/BC-UBND",
        "Sở Nội vụ tỉnh Đắk Lắk",
        "Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        VICTIM_NAME,
        INCIDENT_ACCOUNT[:30],
    ):
        assert words in text, words
    assert views_logged(report) == 1


def test_pdf_of_a_sent_report_carries_its_number(client, officer, report):
    mark_sent(client, officer, report, date(2026, 7, 3), document_number="12/BC-UBND")
    response = get_as(client, officer, url("pdf", report), when=date(2026, 7, 4))
    text = " ".join(pdf_text(b"".join(response.streaming_content)).split())
    assert "Số: 12/BC-UBND" in text
    assert "DỰ THẢO" not in text
    assert "ngày 03 tháng 7 năm 2026" in text


def test_docx_opens_and_holds_names_only_for_officials(
    client, officer, province_viewer, report, records
):
    from docx import Document

    def docx_text(user) -> str:
        response = get_as(client, user, url("docx", report))
        assert response.status_code == 200
        document = Document(io.BytesIO(b"".join(response.streaming_content)))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)

    officer_text = docx_text(officer)
    assert "BÁO CÁO" in officer_text
    assert "6 tháng đầu năm 2026" in officer_text
    assert VICTIM_NAME in officer_text
    assert INCIDENT_ACCOUNT in officer_text
    assert VICTIM_NAME not in docx_text(province_viewer)


def test_xlsx_opens_with_the_parts(client, officer, province_viewer, report, records):
    from openpyxl import load_workbook

    def cells(user) -> list:
        response = get_as(client, user, url("xlsx", report))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]

    values = cells(officer)
    assert "BÁO CÁO" in values
    assert any(str(value).startswith("I. Tình hình chung") for value in values)
    assert VICTIM_NAME in values
    assert INCIDENT_ACCOUNT in values
    assert VICTIM_NAME not in cells(province_viewer)


def test_list_queries_do_not_grow_with_the_communes(client, province_viewer, province, officer):
    def queries(count: int) -> int:
        for _number in range(count):
            open_report(CommuneFactory(parent=province), officer)
        client.force_login(province_viewer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("commune_reports:list")).status_code == 200
        return len(captured)

    assert queries(2) == queries(4)
