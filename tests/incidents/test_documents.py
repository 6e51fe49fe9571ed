"""The commune's documents for the informal sector: biên bản, quick report and the register
(incidents.documents, incidents.views.documents, the informal-sector services)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from atvsld_portal.models import AdministrativeUnit, Filing, ResponsibleUnit, User
from enterprises.models import Enterprise
from incidents import documents, services
from incidents.models import Accident, IncidentRecord, InjuryCode, QuickReportMethod, Victim
from tests.core.factories import ResponsibleUnitFactory, UserFactory
from tests.incidents.factories import HCM

pytestmark = pytest.mark.django_db
S = Victim.Severity
REGISTER = reverse("incidents:register")


def declared(
    *,
    commune: AdministrativeUnit,
    by: User,
    severities: tuple[str, ...] = (S.SERIOUS,),
    enterprise: Enterprise | None = None,
    kind: str = Accident.Kind.ACCIDENT,
    occurred_at: datetime | None = None,
    names: tuple[str, ...] = (),
) -> Accident:
    accident = Accident.objects.create(
        commune=commune,
        sector=Accident.Sector.EMPLOYED if enterprise else Accident.Sector.INFORMAL,
        enterprise=enterprise,
        kind=kind,
        occurred_at=occurred_at or timezone.now() - timedelta(hours=5),
        place="Rẫy cà phê buôn Ken",
        account="Người lao động bị ngã từ thang tự chế khi đang hái cà phê, đập đầu xuống đất.",
        channel=Filing.Channel.PHONE,
        created_by=by,
    )
    code, _created = InjuryCode.objects.get_or_create(
        version="test", code="024", defaults={"name": "Gãy xương sườn"}
    )
    for number, severity in enumerate(severities, start=1):
        victim = Victim.objects.create(
            accident=accident,
            full_name=names[number - 1] if names else f"Y Bih Niê {number}",
            sex=Victim.Sex.FEMALE,
            birth_year=1985,
            occupation_name="Nông dân",
            severity=severity,
            days_off=12,
        )
        if severity == S.SERIOUS:
            victim.injury_codes.add(code)
    services.accident_submit(accident=accident, by=by, channel=Filing.Channel.PHONE)
    accident.refresh_from_db()
    return accident


def record_data(**overrides) -> dict:
    data = {
        "recorded_at": "11/03/2026 09:00",
        "recorded_place": "Trụ sở UBND xã Ea Ly",
        "members_present": "Nguyễn Văn An, công chức văn hóa - xã hội\nY Bih Niê, người bị nạn",
        "work_being_done": "Hái cà phê",
        "injuries_and_treatment": "Gãy xương sườn; Bệnh viện Đa khoa tỉnh",
        "preliminary_cause": "Thang tự chế không chắc chắn",
    }
    return {**data, **overrides}


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # table cells wrap words onto several lines


@pytest.fixture
def police_reporter(commune) -> User:
    user = UserFactory(username="paul", role=User.Role.UNIT_REPORTER, administrative_unit=commune)
    ResponsibleUnitFactory(commune=commune, kind=ResponsibleUnit.Kind.POLICE).members.add(user)
    return user


# ------------------------------------------------------------------------------
# Biên bản ghi nhận sự việc
# ------------------------------------------------------------------------------
def test_the_record_form_saves_and_its_pdf_names_the_victim(client, officer):
    accident = declared(commune=officer.commune, by=officer, names=("Y Bih Niê",))
    client.force_login(officer)
    url = reverse("incidents:incident_record", kwargs={"public_id": accident.public_id})

    assert client.get(url).status_code == 200
    response = client.post(url, record_data())

    assert response.status_code == 302
    record = IncidentRecord.objects.get(accident=accident)
    assert record.recorded_by == officer
    assert timezone.localtime(record.recorded_at).day == 11  # day-first input
    assert record.history.first().history_user == officer
    pdf = client.get(
        reverse("incidents:incident_record_pdf", kwargs={"public_id": accident.public_id})
    )
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "BIÊN BẢN" in text
    assert "Y Bih Niê" in text
    assert "Ea Ly" in text


def test_the_record_docx_opens_in_word(officer):
    from docx import Document

    accident = declared(commune=officer.commune, by=officer, names=("H'Hen Mlô",))
    form_data = {
        "recorded_at": timezone.now() - timedelta(hours=1),
        **{k: v for k, v in record_data().items() if k != "recorded_at"},
    }
    record = services.incident_record_save(accident=accident, by=officer, data=form_data)

    text = "\n".join(
        p.text for p in Document(io.BytesIO(documents.incident_record_docx(record))).paragraphs
    )

    assert "BIÊN BẢN" in text
    assert "H'Hen Mlô" in text


@pytest.mark.parametrize("severities", [(S.FATAL,), (S.SERIOUS, S.SERIOUS), (S.MINOR,)])
def test_no_record_unless_exactly_one_seriously_injured(officer, severities):
    accident = declared(commune=officer.commune, by=officer, severities=severities)

    with pytest.raises(ValidationError):
        services.incident_record_save(accident=accident, by=officer, data={})

    assert not IncidentRecord.objects.exists()


def test_no_record_for_an_employed_sector_accident(client, officer, enterprise):
    accident = declared(commune=officer.commune, by=officer, enterprise=enterprise)

    with pytest.raises(ValidationError):
        services.incident_record_save(accident=accident, by=officer, data={})
    client.force_login(officer)
    url = reverse("incidents:incident_record", kwargs={"public_id": accident.public_id})
    assert client.get(url).status_code == 404


def test_the_form_shows_the_refusal_for_a_death(client, officer):
    accident = declared(commune=officer.commune, by=officer, severities=(S.FATAL, S.SERIOUS))
    client.force_login(officer)
    url = reverse("incidents:incident_record", kwargs={"public_id": accident.public_id})

    response = client.post(url, record_data())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not IncidentRecord.objects.exists()


def test_a_leader_reads_the_record_but_cannot_write_it(client, officer, leader):
    accident = declared(commune=officer.commune, by=officer)
    client.force_login(leader)

    url = reverse("incidents:incident_record", kwargs={"public_id": accident.public_id})
    assert client.get(url).status_code == 403


# ------------------------------------------------------------------------------
# Quick report
# ------------------------------------------------------------------------------
def test_the_quick_report_is_addressed_to_the_police_and_home_affairs(client, officer):
    from docx import Document

    accident = declared(commune=officer.commune, by=officer, severities=(S.FATAL, S.MINOR))
    client.force_login(officer)
    kwargs = {"public_id": accident.public_id}

    pdf = client.get(reverse("incidents:quick_report_pdf", kwargs=kwargs))
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "Kính gửi" in text
    assert "Công an xã Ea Ly" in text
    assert "Sở Nội vụ tỉnh Đắk Lắk" in text
    assert "Mẫu số 06" in text

    docx = client.get(reverse("incidents:quick_report_docx", kwargs=kwargs))
    document = Document(io.BytesIO(b"".join(docx.streaming_content)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Kính gửi: Công an xã Ea Ly" in body
    assert document.tables[0].rows[1].cells[1].text == "Y Bih Niê 1"


def test_the_form_version_comes_from_the_setting(officer, settings):
    settings.QUICK_REPORT_FORM_VERSION = "Mẫu số 06 (bản chính thức)"
    accident = declared(commune=officer.commune, by=officer, severities=(S.FATAL,))

    assert "Mẫu số 06 (bản chính thức)" in pdf_text(documents.quick_report_pdf(accident))


def test_no_quick_report_for_a_single_serious_injury(client, officer):
    accident = declared(commune=officer.commune, by=officer, severities=(S.SERIOUS, S.MINOR))

    with pytest.raises(ValidationError):
        services.quick_report_record(
            accident=accident,
            by=officer,
            sent_at=timezone.now(),
            method=QuickReportMethod.PHONE,
            recipients="Công an xã Ea Ly",
        )
    client.force_login(officer)
    url = reverse("incidents:quick_report_pdf", kwargs={"public_id": accident.public_id})
    assert client.get(url).status_code == 404


@pytest.mark.skipif(
    not hasattr(Accident, "quick_report_sent_at"), reason="quick_report_* fields not migrated yet"
)
def test_the_sending_of_the_quick_report_is_recorded(client, officer):
    accident = declared(commune=officer.commune, by=officer, severities=(S.SERIOUS, S.SERIOUS))
    client.force_login(officer)
    url = reverse("incidents:quick_report_sent", kwargs={"public_id": accident.public_id})

    response = client.post(
        url,
        {"sent_at": "01/01/2026 07:05", "method": "phone", "recipients": "Công an xã Ea Ly"},
    )

    assert response.status_code == 302
    accident.refresh_from_db()
    assert (
        timezone.localtime(accident.quick_report_sent_at).strftime("%d/%m %H:%M") == "01/01 07:05"
    )
    assert accident.quick_report_method == QuickReportMethod.PHONE
    assert accident.quick_report_recipients == "Công an xã Ea Ly"


# ------------------------------------------------------------------------------
# Register
# ------------------------------------------------------------------------------
def test_the_register_lists_informal_victims_of_the_year_only(client, officer, enterprise):
    this_year = datetime(2026, 2, 3, 10, 0, tzinfo=HCM)
    kept = declared(
        commune=officer.commune,
        by=officer,
        severities=(S.SERIOUS, S.MINOR),
        occurred_at=this_year,
        names=("Ksor Kim", "Rơ Mah Hlao"),
    )
    declared(
        commune=officer.commune,
        by=officer,
        occurred_at=this_year,
        kind=Accident.Kind.TECHNICAL_INCIDENT,
        severities=(),
        names=(),
    )
    declared(
        commune=officer.commune,
        by=officer,
        enterprise=enterprise,
        occurred_at=this_year,
        names=("Công nhân mỏ đá",),
    )
    declared(
        commune=officer.commune,
        by=officer,
        occurred_at=datetime(2025, 12, 31, 23, 0, tzinfo=HCM),
        names=("Năm trước",),
    )
    client.force_login(officer)

    response = client.get(REGISTER, {"year": "2026"})

    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [row[3] for row in rows] == ["Ksor Kim", "Rơ Mah Hlao"]
    assert rows[0][0] == kept.receipt_number
    assert "Công nhân mỏ đá" not in response.content.decode()


def test_the_register_xlsx_has_typed_numbers(client, officer):
    from openpyxl import load_workbook

    declared(
        commune=officer.commune,
        by=officer,
        occurred_at=datetime(2026, 2, 3, 10, 0, tzinfo=HCM),
        names=("=cmd",),
    )
    client.force_login(officer)

    response = client.get(reverse("incidents:register_xlsx"), {"year": "2026"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.values)[:2]
    assert header[5] == "Năm sinh"
    assert row[3] == "'=cmd"  # neutralised
    assert type(row[5]) is int
    assert row[5] == 1985
    assert type(row[10]) is int
    assert row[10] == 12
    assert row[1].date() == date(2026, 2, 3)


def test_the_register_pdf_renders(client, officer):
    declared(
        commune=officer.commune,
        by=officer,
        occurred_at=datetime(2026, 2, 3, 10, 0, tzinfo=HCM),
        names=("Ksor Kim",),
    )
    client.force_login(officer)

    response = client.get(reverse("incidents:register_pdf"), {"year": "2026"})

    text = pdf_text(b"".join(response.streaming_content))
    assert "Ksor Kim" in text
    assert "SỔ THỐNG KÊ" in text


@pytest.mark.parametrize("persona", ["enterprise_owner", "police_reporter"])
def test_the_register_is_for_commune_readers_only(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for name in ("register", "register_pdf", "register_xlsx"):
        assert client.get(reverse(f"incidents:{name}")).status_code == 403


def test_another_commune_register_is_not_reachable(client, officer, other_officer, other_commune):
    declared(
        commune=officer.commune,
        by=officer,
        occurred_at=datetime(2026, 2, 3, 10, 0, tzinfo=HCM),
        names=("Ksor Kim",),
    )
    client.force_login(other_officer)

    own = client.get(REGISTER, {"year": "2026"})
    assert own.status_code == 200
    assert list(own.context["page_obj"]) == []
    assert client.get(REGISTER, {"year": "2026", "commune": officer.commune.pk}).status_code == 404


def test_a_province_viewer_picks_a_commune(client, officer, province_viewer):
    declared(
        commune=officer.commune,
        by=officer,
        occurred_at=datetime(2026, 2, 3, 10, 0, tzinfo=HCM),
        names=("Ksor Kim",),
    )
    client.force_login(province_viewer)

    response = client.get(REGISTER, {"year": "2026", "commune": officer.commune.pk})

    assert response.status_code == 200
    assert [row[3] for row in response.context["page_obj"]] == ["Ksor Kim"]


# ------------------------------------------------------------------------------
# Scope
# ------------------------------------------------------------------------------
def test_every_document_url_is_404_for_another_commune(client, officer, other_officer):
    one_serious = declared(commune=officer.commune, by=officer)
    services.incident_record_save(
        accident=one_serious,
        by=officer,
        data={
            "recorded_at": timezone.now() - timedelta(hours=1),
            **{k: v for k, v in record_data().items() if k != "recorded_at"},
        },
    )
    fatal = declared(commune=officer.commune, by=officer, severities=(S.FATAL,))
    client.force_login(other_officer)

    for name, accident in [
        ("incident_record", one_serious),
        ("incident_record_pdf", one_serious),
        ("incident_record_docx", one_serious),
        ("quick_report_pdf", fatal),
        ("quick_report_docx", fatal),
    ]:
        url = reverse(f"incidents:{name}", kwargs={"public_id": accident.public_id})
        assert client.get(url).status_code == 404, name
    url = reverse("incidents:quick_report_sent", kwargs={"public_id": fatal.public_id})
    assert client.post(url, {}).status_code == 404
    assert (
        client.post(
            reverse("incidents:incident_record", kwargs={"public_id": one_serious.public_id}),
            record_data(),
        ).status_code
        == 404
    )


def test_the_status_card_knows_what_is_missing(officer):
    accident = declared(commune=officer.commune, by=officer)
    status = documents.informal_documents_status(accident, list(accident.victims.all()))

    assert status["needs_record"]
    assert status["record"] is None
    assert not status["needs_quick_report"]
