"""Personal data (issue 9, deliverable 4; Decree 13/2023/NĐ-CP and Law 91/2025/QH15).

1. Every form that collects a natural person's data shows the privacy notice (purpose, legal
   basis, who sees it, the retention period from the setting, the data controller).
2. After PERSONAL_DATA_RETENTION_YEARS the victims' and patients' personal fields are
   pseudonymised everywhere (records, change history, frozen snapshots, commune reports), the
   figures stay identical, and a second run changes nothing.
3. The personal-data view log is exported as CSV for the data controller (superusers only).
4. Reports and the province view never show a victim's or patient's name or personal ID.
"""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date, datetime

import pytest
import time_machine
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from atvsld_portal.models import Filing, PersonalDataView, ReportingPeriod
from atvsld_portal.privacy import record_personal_data_view
from incidents import services, statistics
from incidents.models import (
    Accident,
    AccidentDeclaration,
    CommuneAccidentReport,
    DiseaseCase,
    IncidentRecord,
    InjuryCode,
    Victim,
)
from incidents.services import reports as report_services_incidents
from incidents.services.reports import COMMUNE_REPORT_KIND
from incidents.services.retention import personal_data_pseudonymise_expired
from incidents.tasks import pseudonymise_expired_personal_data_task
from reporting import report_services
from reporting.indicators import Sources, compute_year
from reporting.models import ComputationRun, IndicatorValue, QuarterlyReport
from reporting.quarterly.figures import accident_counts
from reporting.services import indicators_recompute
from tests.core.factories import UserFactory
from tests.incidents.factories import (
    HCM,
    AccidentFactory,
    CommuneAccidentReportFactory,
    DiseaseCaseFactory,
    ReceivedAccidentFactory,
    StatisticsPeriodFactory,
    VictimFactory,
)
from tests.reporting.factories import ApprovedAnnualReportFactory

pytestmark = pytest.mark.django_db
FATAL, SERIOUS, MINOR = Victim.Severity.FATAL, Victim.Severity.SERIOUS, Victim.Severity.MINOR
NOTICE = 'data-testid="privacy-notice"'


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def serious_code() -> InjuryCode:
    return InjuryCode.objects.order_by("pk").first()


# ==============================================================================
# 1. The privacy notice on every form that collects personal data
# ==============================================================================
@pytest.fixture
def form_pages(commune, enterprise, enterprise_owner, officer):
    """URL of every form that collects a natural person's data, with who opens it."""
    draft = AccidentFactory(enterprise=enterprise, created_by=enterprise_owner)
    VictimFactory(accident=draft)
    filed = ReceivedAccidentFactory(enterprise=enterprise)
    VictimFactory(accident=filed)
    filed.declarations.create(
        version=1, snapshot=services.accident_snapshot(filed), submitted_by=enterprise_owner
    )
    correction = services.correction_start(accident=filed, by=enterprise_owner, reason="Sai ngày")
    informal = ReceivedAccidentFactory(
        enterprise=None, commune=commune, sector=Accident.Sector.INFORMAL
    )
    VictimFactory(accident=informal, severity=SERIOUS).injury_codes.add(serious_code())
    for_enterprise = f"?enterprise={enterprise.public_id}"
    return {
        "accident declaration (enterprise)": (enterprise_owner, reverse("incidents:create")),
        "accident entered from paper (commune)": (officer, reverse("incidents:create")),
        "accident draft": (enterprise_owner, reverse("incidents:edit", args=[draft.public_id])),
        "declaration correction": (
            enterprise_owner,
            reverse("incidents:correction_edit", args=[correction.public_id]),
        ),
        "incident record (biên bản)": (
            officer,
            reverse("incidents:incident_record", args=[informal.public_id]),
        ),
        "disease case (commune)": (officer, reverse("diseases:case_create")),
        "disease case (enterprise)": (
            enterprise_owner,
            reverse("diseases:case_create") + for_enterprise,
        ),
        "disease exam round": (enterprise_owner, reverse("diseases:exam_create") + for_enterprise),
        "enterprise self-registration": (None, reverse("enterprises:register")),
        "member invitation": (
            officer,
            reverse("enterprises:member_invite", args=[enterprise.public_id]),
        ),
        "enterprise registry form": (officer, reverse("enterprises:create")),
        "enterprise registry edit": (
            officer,
            reverse("enterprises:edit", args=[enterprise.public_id]),
        ),
    }


RETENTION_KINDS = {
    "accident declaration (enterprise)",
    "accident entered from paper (commune)",
    "accident draft",
    "declaration correction",
    "incident record (biên bản)",
    "disease case (commune)",
    "disease case (enterprise)",
    "disease exam round",
}


def test_every_form_collecting_personal_data_shows_the_notice(client, form_pages, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 7
    for label, (user, url) in form_pages.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        page = response.content.decode()
        assert page.count(NOTICE) == 1, label
        notice = page.split(NOTICE, 1)[1].split("</aside>", 1)[0]
        # Vietnamese, with the controller, the legal basis and the purpose.
        assert "Bên kiểm soát dữ liệu cá nhân: Ủy ban nhân dân xã" in notice, label
        assert "Nghị định số 13/2023/NĐ-CP" in notice, label
        assert "Mục đích" in notice, label
        if label in RETENTION_KINDS:
            # The retention period comes from the setting.
            assert "được lưu 7 năm" in notice, label


def test_forms_without_personal_data_have_no_notice(client, officer):
    client.force_login(officer)
    for url in (reverse("period_create"), reverse("password_change")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NOTICE not in response.content.decode(), url


# ==============================================================================
# 2. Retention: pseudonymisation after the period, figures kept
# ==============================================================================
TODAY = date(2026, 11, 20)  # with 15 years: records dated before 20/11/2011 have expired
YEARS = 15
OLD = {
    "fatal": ("Đinh Thị Hồng Nhung", "079188001234"),
    "serious": ("Lương Văn Khải", "079190004321"),
    "typo": ("Lương Văn Khảii", ""),  # the name as first typed, kept in the history
    "informal": ("Y Thuôn Niê Kđăm", "066085001111"),
    "patient": ("Hà Văn Bụi Phổi", "066075009876"),
}
RECENT = {"victim": ("Trịnh Công Gần Đây", "001200005555"), "patient": ("Võ Thị Còn Hạn", "")}


@pytest.fixture
def old_records(commune, enterprise, enterprise_owner, officer):
    """2010 in Ea Ly: an employed accident (a woman killed outside the enterprise's management,
    a man seriously injured, costs and days off), filed online with its receipt stored; an
    informal accident with one seriously injured worker, its biên bản and the commune report
    that listed it; an occupational-disease case. And one accident and one case of 2025, still
    inside the retention period."""
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2010, workers_total=250)
    employed = AccidentFactory(
        enterprise=enterprise,
        occurred_at=datetime(2010, 3, 10, 8, 30, tzinfo=HCM),
        created_by=enterprise_owner,
        main_cause="5",
        injury_factor=statistics.InjuryFactor.objects.get(code="12"),
        account=(
            "Chị Đinh Thị Hồng Nhung bị băng tải cuốn; anh LƯƠNG VĂN KHẢI (CCCD 079190004321) "
            "lao vào kéo chị ra."
        ),
        declarant_phone="0905123456",
    )
    fatal = VictimFactory(
        accident=employed,
        full_name=OLD["fatal"][0],
        personal_id=OLD["fatal"][1],
        sex=Victim.Sex.FEMALE,
        birth_year=None,
        birth_date=date(1988, 4, 2),
        severity=FATAL,
        under_management=False,
        cost_compensation=150_000_000,
    )
    serious = VictimFactory(
        accident=employed,
        full_name=OLD["typo"][0],
        personal_id=OLD["serious"][1],
        birth_year=1990,
        severity=SERIOUS,
        days_off=45,
        cost_medical=12_500_000,
        cost_wages=6_000_000,
    )
    serious.injury_codes.add(serious_code())
    serious.full_name = OLD["serious"][0]  # the typo corrected: two history rows
    serious.save()
    services.accident_submit(accident=employed, by=enterprise_owner)
    services.accident_receive(accident=employed, by=officer)
    declaration = employed.declarations.get()
    declaration.receipt_pdf.save("receipt.pdf", ContentFile(b"%PDF-1.4 stored receipt"))

    informal = ReceivedAccidentFactory(
        enterprise=None,
        commune=commune,
        sector=Accident.Sector.INFORMAL,
        occurred_at=datetime(2010, 8, 2, 15, 0, tzinfo=HCM),
        account="Anh Y Thuôn Niê Kđăm ngã từ mái nhà khi lợp tôn.",
    )
    worker = VictimFactory(
        accident=informal,
        full_name=OLD["informal"][0],
        personal_id=OLD["informal"][1],
        severity=SERIOUS,
        birth_year=1985,
    )
    worker.injury_codes.add(serious_code())
    record = IncidentRecord.objects.create(
        accident=informal,
        recorded_at=datetime(2010, 8, 3, 9, 0, tzinfo=HCM),
        recorded_place="Thôn 3",
        members_present="Y Thuôn Niê Kđăm (người bị nạn)\nÔng Ama Hùng (nhân chứng)",
        work_being_done="Lợp mái tôn",
        injuries_and_treatment="Gãy chân, điều trị tại Bệnh viện tỉnh",
        preliminary_cause="Không đeo dây an toàn",
        recorded_by=officer,
    )
    record.preliminary_cause = "Y Thuôn Niê Kđăm không đeo dây an toàn"
    record.save()
    period = StatisticsPeriodFactory(
        commune=commune,
        kind=COMMUNE_REPORT_KIND,
        year=2010,
        part=ReportingPeriod.Part.YEAR,
        opens_on=date(2010, 12, 1),
        due_on=date(2011, 1, 5),
        closes_on=date(2011, 1, 31),
    )
    report = CommuneAccidentReportFactory(period=period, part=ReportingPeriod.Part.YEAR)
    report.content = statistics.commune_report_content(commune=commune, year=2010, part="year")
    report.status = Filing.Status.SUBMITTED
    report.sent_on = date(2011, 1, 4)
    report.save()

    patient = DiseaseCaseFactory(
        enterprise=enterprise,
        full_name=OLD["patient"][0],
        personal_id=OLD["patient"][1],
        birth_date=date(1975, 8, 19),
        exam_date=date(2010, 6, 1),
        capacity_loss_percent=31,
        created_by=officer,
    )
    patient.follow_up = "Hà Văn Bụi Phổi chuyển sang bộ phận đóng gói."
    patient.save()

    recent = ReceivedAccidentFactory(
        enterprise=enterprise,
        occurred_at=datetime(2025, 5, 6, 9, 0, tzinfo=HCM),
        declarant_phone="0987654321",
    )
    VictimFactory(
        accident=recent,
        full_name=RECENT["victim"][0],
        personal_id=RECENT["victim"][1],
        birth_date=date(2000, 1, 2),
    )
    recent_case = DiseaseCaseFactory(
        enterprise=enterprise,
        full_name=RECENT["patient"][0],
        exam_date=date(2025, 3, 1),
        created_by=officer,
    )
    return {
        "employed": employed,
        "informal": informal,
        "fatal": fatal,
        "serious": serious,
        "worker": worker,
        "report": report,
        "declaration": declaration,
        "patient": patient,
        "recent": recent,
        "recent_case": recent_case,
    }


def figures(commune, enterprise) -> dict:
    """What the statistics, the commune report, the indicators and the quarterly report count."""
    table = statistics.table_i(
        statistics.enterprise_accidents(enterprise=enterprise, year=2010, part="year")
    )
    content = statistics.commune_report_content(commune=commune, year=2010, part="year")
    listed = [
        {key: value for key, value in row.items() if key not in {"name", "account"}}
        for row in content.pop("fatal_and_serious")
    ]
    indicators = {
        quarter: [(f.code, f.value, f.numerator, f.denominator, f.details) for f in values]
        for quarter, values in compute_year(Sources(commune, 2010, today=TODAY)).items()
    }
    victims = list(
        Victim.objects.filter(accident__commune=commune, accident__occurred_at__year=2010)
        .order_by("pk")
        .annotate(year_of_birth=Coalesce("birth_year", ExtractYear("birth_date")))
        .values_list(
            "sex",
            "severity",
            "year_of_birth",  # what age groups read: the year, from either field
            "occupation_name",
            "under_management",
            "days_off",
            "cost_medical",
            "cost_wages",
            "cost_compensation",
        )
    )
    cases = list(
        DiseaseCase.objects.order_by("pk").values_list(
            "sex", "birth_date__year", "exam_date", "result", "capacity_loss_percent"
        )
    )
    return {
        "table_i": table,
        "commune_report": content,
        "listed": listed,
        "indicators": indicators,
        "quarterly": accident_counts(commune, date(2010, 1, 1), date(2010, 12, 31)),
        "victims": victims,
        "cases": cases,
    }


def database_dump() -> str:
    """Every row of every table of the portal's apps (history tables included), as text."""
    rows = []
    for model in apps.get_models():
        if model._meta.app_label in {"atvsld_portal", "enterprises", "incidents", "reporting"}:
            rows += [
                json.dumps(row, default=str, ensure_ascii=False) for row in model.objects.values()
            ]
    return "\n".join(rows).casefold()


def history_counts() -> dict[str, int]:
    tracked = (Victim, Accident, IncidentRecord, DiseaseCase, CommuneAccidentReport)
    return {model.__name__: model.history.model.objects.count() for model in tracked}


def test_expired_personal_data_is_pseudonymised_and_the_figures_stay(
    commune, enterprise, old_records, django_capture_on_commit_callbacks
):
    before = figures(commune, enterprise)
    assert before["table_i"]["rows"][0]["values"][:6] == [1, 1, 1, 2, 1, 1]  # a real data set
    frequency = {code: value for code, value, *_ in before["indicators"][0]}
    assert frequency["fatality_frequency"] is not None
    receipt_name = old_records["declaration"].receipt_pdf.name
    storage = old_records["declaration"].receipt_pdf.storage
    assert storage.exists(receipt_name)
    dump = database_dump()
    for name, personal_id in OLD.values():
        assert name.casefold() in dump  # the check below is not vacuous
        assert personal_id in dump

    with django_capture_on_commit_callbacks(execute=True):
        result = personal_data_pseudonymise_expired(today=TODAY, years=YEARS)

    assert (result.accidents, result.victims, result.disease_cases) == (2, 3, 1)
    assert result.cutoff == date(2011, 11, 20)
    # Nothing identifying is left anywhere in the database, history included...
    dump = database_dump()
    for name, personal_id in OLD.values():
        assert name.casefold() not in dump, name
        if personal_id:
            assert personal_id not in dump, personal_id
    assert "0905123456" not in dump  # the declarant's phone
    assert "0987654321" in dump  # a recent declarant's phone
    # ...while the records still inside the period are untouched.
    for name, personal_id in RECENT.values():
        assert name.casefold() in dump
        assert personal_id in dump
    # The figures are identical.
    assert figures(commune, enterprise) == before

    # One stable pseudonym per person, the same in the record, the history, the snapshot and
    # the commune report; the year of birth kept.
    fatal, serious, worker = (
        Victim.objects.get(pk=old_records[key].pk) for key in ("fatal", "serious", "worker")
    )
    assert fatal.full_name == f"Nạn nhân {fatal.public_id.hex[:6].upper()}"
    assert (fatal.personal_id, fatal.birth_date, fatal.birth_year) == ("", None, 1988)
    assert (serious.personal_id, serious.birth_year) == ("", 1990)
    history = Victim.history.model.objects.filter(id=serious.pk)
    assert history.count() >= 3
    assert {row.full_name for row in history} == {serious.full_name}
    assert {row.personal_id for row in history} == {""}
    assert history.latest().history_change_reason.startswith("Pseudonymised")
    snapshot = AccidentDeclaration.objects.get(pk=old_records["declaration"].pk).snapshot
    assert [v["full_name"] for v in snapshot["victims"]] == [fatal.full_name, serious.full_name]
    assert fatal.full_name in snapshot["account"]
    assert "***" in snapshot["account"]  # the personal ID typed into the account
    assert snapshot["declarant"]["phone"] == ""
    report = CommuneAccidentReport.objects.get(pk=old_records["report"].pk)
    assert [row["name"] for row in report.content["fatal_and_serious"]] == [worker.full_name]
    assert worker.full_name in IncidentRecord.objects.get().members_present
    assert "Ông Ama Hùng" in IncidentRecord.objects.get().members_present
    # The stored receipt (it printed the names) is gone; it is rendered again from the snapshot.
    assert not AccidentDeclaration.objects.get(pk=old_records["declaration"].pk).receipt_pdf
    assert not storage.exists(receipt_name)
    patient = DiseaseCase.objects.get(pk=old_records["patient"].pk)
    assert patient.full_name == f"Người lao động {patient.public_id.hex[:6].upper()}"
    assert (patient.personal_id, patient.birth_date) == ("", date(1975, 1, 1))
    assert patient.pseudonymised_at is not None
    assert Accident.objects.filter(pseudonymised_at__isnull=False).count() == 2
    assert DiseaseCase.objects.get(pk=old_records["recent_case"].pk).pseudonymised_at is None

    # A second run finds nothing to do and writes nothing.
    counts = history_counts()
    again = personal_data_pseudonymise_expired(today=TODAY, years=YEARS)
    assert (again.accidents, again.victims, again.disease_cases, again.history_rows) == (0,) * 4
    assert history_counts() == counts
    assert database_dump() == dump


def test_the_receipt_is_rendered_again_without_the_names(client, officer, old_records):
    personal_data_pseudonymise_expired(today=TODAY, years=YEARS)
    client.force_login(officer)

    response = client.get(reverse("incidents:receipt", args=[old_records["employed"].public_id]))

    text = pdf_text(body(response))
    fatal = Victim.objects.get(pk=old_records["fatal"].pk)
    assert fatal.full_name in text
    assert OLD["fatal"][0] not in text
    page = client.get(old_records["employed"].get_absolute_url()).content.decode()
    assert fatal.full_name in page
    assert OLD["fatal"][0] not in page


def test_dry_run_command_and_task(old_records, settings):
    out = io.StringIO()
    call_command(
        "pseudonymise_personal_data",
        "--dry-run",
        "--today",
        "2026-11-20",
        "--years",
        "15",
        stdout=out,
    )
    assert "would pseudonymise 2 accidents (3 victims) and 1 disease cases" in out.getvalue()
    assert Accident.objects.filter(pseudonymised_at__isnull=False).count() == 0
    assert Victim.objects.filter(full_name=OLD["fatal"][0]).exists()

    # The daily task uses the setting and today's date; the beat schedule runs it.
    settings.PERSONAL_DATA_RETENTION_YEARS = YEARS
    with time_machine.travel(datetime(2026, 11, 20, 3, 30, tzinfo=HCM), tick=False):
        outcome = pseudonymise_expired_personal_data_task.apply().get()
    assert (outcome["accidents"], outcome["disease_cases"]) == (2, 1)
    assert not Victim.objects.filter(full_name=OLD["fatal"][0]).exists()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert pseudonymise_expired_personal_data_task.name in scheduled

    out = io.StringIO()
    call_command("pseudonymise_personal_data", "--today", "2026-11-20", stdout=out)
    assert "pseudonymised 0 accidents (0 victims) and 0 disease cases" in out.getvalue()


# ==============================================================================
# 3. The view log, exported for the data controller
# ==============================================================================
EXPORT = reverse("admin:atvsld_portal_personaldataview_export")


@pytest.fixture
def view_log(officer, leader, enterprise):
    victim = VictimFactory(accident__enterprise=enterprise)
    case = DiseaseCaseFactory(enterprise=enterprise)
    entries = []
    for when, user, obj, purpose in (
        (datetime(2026, 3, 1, 8, 0, tzinfo=HCM), officer, victim, "accident detail"),
        (datetime(2026, 3, 31, 23, 50, tzinfo=HCM), leader, case, "occupational-disease case"),
        (datetime(2026, 4, 1, 0, 10, tzinfo=HCM), officer, case, "occupational-disease case"),
    ):
        with time_machine.travel(when, tick=False):
            entries.append(record_personal_data_view(user, obj, purpose=purpose))
    return entries


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def test_superuser_exports_the_view_log_of_a_date_range(client, view_log, officer, leader):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)

    response = client.get(EXPORT, {"start": "2026-03-01", "end": "2026-03-31"})

    assert response.streaming
    assert "nhat-ky-xem-du-lieu-ca-nhan-20260301-20260331.csv" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert len(header) == 8
    assert [row[0] for row in rows] == ["01/03/2026 08:00", "31/03/2026 23:50"]
    with translation.override("vi"):
        roles = [str(officer.get_role_display()), str(leader.get_role_display())]
    assert [(row[1], row[3]) for row in rows] == list(zip(["alice", "lena"], roles, strict=True))
    assert rows[0][5:] == ["incidents.victim", str(view_log[0].object_id), "accident detail"]
    assert rows[1][5:7] == ["incidents.diseasecase", str(view_log[1].object_id)]
    # Without a range: the whole log.
    assert len(read_csv(client.get(EXPORT))) == 4


def test_superuser_exports_selected_entries_through_the_admin_action(client, view_log):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    changelist = reverse("admin:atvsld_portal_personaldataview_changelist")
    assert EXPORT in client.get(changelist).content.decode()

    response = client.post(
        changelist,
        {"action": "export_csv", "_selected_action": [view_log[0].pk, view_log[2].pk]},
    )

    _header, *rows = read_csv(response)
    assert [row[6] for row in rows] == [view_log[0].object_id, view_log[2].object_id]


def test_nobody_else_gets_the_view_log(client, view_log, officer):
    client.force_login(officer)  # a commune official: not staff, sent to the admin login
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(
        apps.get_model("auth", "Permission").objects.get(codename="view_personaldataview")
    )
    client.force_login(staff)  # staff who may read the log in the admin, but not export it
    assert client.get(EXPORT).status_code == 403
    changelist = reverse("admin:atvsld_portal_personaldataview_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist, {"action": "export_csv", "_selected_action": [view_log[0].pk]}
    )
    assert not response.get("Content-Type", "").startswith("text/csv")


def test_an_inverted_range_is_refused(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(EXPORT, {"start": "2026-04-01", "end": "2026-03-01"}).status_code == 400
    assert client.get(EXPORT, {"start": "31/02/2026"}).status_code == 400


# ==============================================================================
# 4. Reports and the province view never show names or personal IDs
# ==============================================================================
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=HCM)
PEOPLE = {
    "Bạch Thị Bí Mật": "079301234567",
    "Kiều Văn Riêng Tư": "079302345678",
    "Ksor H'Ẩn Danh": "066303456789",
    "Mạc Văn Bệnh Nghề": "066304567890",
}


@pytest.fixture
def named_records(commune, enterprise, officer):
    """2026 in Ea Ly: an employed accident in the fourth quarter (a death and a serious injury),
    an informal accident in May listed in the commune's sent H1 report, a disease case; with
    N from the annual report, and the indicators computed."""
    with time_machine.travel(NOW, tick=False):
        (
            (fatal_name, fatal_id),
            (serious_name, serious_id),
            (informal_name, informal_id),
            (
                patient_name,
                patient_id,
            ),
        ) = PEOPLE.items()
        ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=400)
        employed = ReceivedAccidentFactory(
            enterprise=enterprise, occurred_at=datetime(2026, 10, 12, 9, 0, tzinfo=HCM)
        )
        VictimFactory(accident=employed, full_name=fatal_name, personal_id=fatal_id, severity=FATAL)
        VictimFactory(
            accident=employed, full_name=serious_name, personal_id=serious_id, severity=SERIOUS
        ).injury_codes.add(serious_code())
        informal = ReceivedAccidentFactory(
            enterprise=None,
            commune=commune,
            sector=Accident.Sector.INFORMAL,
            occurred_at=datetime(2026, 5, 2, 14, 0, tzinfo=HCM),
        )
        VictimFactory(
            accident=informal, full_name=informal_name, personal_id=informal_id, severity=SERIOUS
        ).injury_codes.add(serious_code())
        DiseaseCaseFactory(
            enterprise=enterprise,
            full_name=patient_name,
            personal_id=patient_id,
            exam_date=date(2026, 10, 5),
            created_by=officer,
        )
        period = StatisticsPeriodFactory(commune=commune, kind=COMMUNE_REPORT_KIND)
        report = CommuneAccidentReportFactory(period=period)
        report_services_incidents.commune_report_mark_sent(
            report=report, by=officer, sent_on=date(2026, 7, 3), sent_via="email"
        )
        indicators_recompute(
            commune_id=commune.pk,
            year=2026,
            trigger=ComputationRun.Trigger.COMMAND,
            today=NOW.date(),
        )
    return {"employed": employed, "informal": informal}


def assert_anonymous(where: str, text: str) -> None:
    text = html.unescape(text)  # "H'Ẩn" is "H&#x27;Ẩn" in a page
    folded = " ".join(text.split()).casefold()
    for name, personal_id in PEOPLE.items():
        assert name.casefold() not in folded, (where, name)
        assert personal_id not in text, (where, personal_id)


def test_names_exist_where_they_belong(client, officer, named_records):
    """The check below is not vacuous: the commune official sees the names on the record."""
    client.force_login(officer)
    page = client.get(named_records["employed"].get_absolute_url()).content.decode()
    assert "Bạch Thị Bí Mật" in page
    assert "079301234567" in page
    page = html.unescape(client.get(named_records["informal"].get_absolute_url()).text)
    assert "Ksor H'Ẩn Danh" in page


def test_province_pages_and_documents_never_show_names_or_ids(
    client, province_viewer, commune, named_records
):
    client.force_login(province_viewer)
    year = {"year": 2026}
    with time_machine.travel(NOW, tick=False):
        pages = {
            "province overview": client.get(reverse("reporting:province"), year),
            "serious accidents": client.get(reverse("reporting:province_accidents"), year),
            "commune reports": client.get(reverse("reporting:province_commune_reports"), year),
            "summary": client.get(reverse("reporting:province_summary"), {**year, "part": "year"}),
            "drill-down dashboard": client.get(
                reverse("reporting:dashboard"), {"commune": commune.pk, **year}
            ),
        }
        for value in IndicatorValue.objects.filter(commune=commune, year=2026):
            pages[f"explain {value.code} q{value.quarter}"] = client.get(value.get_absolute_url())
        # What the province reads of the commune's records: names and IDs hidden from it.
        sent = CommuneAccidentReport.objects.get()
        pages["commune report to Sở Nội vụ"] = client.get(sent.get_absolute_url())
        pages["disease cases"] = client.get(reverse("diseases:case_list"))
        pages["disease case"] = client.get(DiseaseCase.objects.get().get_absolute_url())
        summary = {**year, "part": "year"}
        pdf = client.get(reverse("reporting:province_summary_pdf"), summary)
        xlsx = client.get(reverse("reporting:province_summary_xlsx"), summary)
        sent_pdf = client.get(reverse("commune_reports:pdf", args=[sent.public_id]))
        # Accident detail for the province: names allowed by docs/permissions.md, IDs never.
        detail = client.get(named_records["employed"].get_absolute_url())

    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_anonymous(where, response.content.decode())
    # The serious accidents are listed (by receipt number), so the page was really checked.
    assert named_records["employed"].receipt_number in pages["serious accidents"].content.decode()
    assert_anonymous("summary PDF", pdf_text(body(pdf)))
    assert_anonymous("summary xlsx", xlsx_text(body(xlsx)))
    assert_anonymous("commune report PDF", pdf_text(body(sent_pdf)))
    assert detail.status_code == 200
    for personal_id in PEOPLE.values():
        assert personal_id not in detail.content.decode()


def test_commune_dashboard_explain_and_quarterly_report_never_show_names_or_ids(
    client, officer, commune, named_records, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with time_machine.travel(NOW, tick=False):
        pages = {"commune dashboard": client.get(reverse("reporting:dashboard"), {"year": 2026})}
        for value in IndicatorValue.objects.filter(commune=commune, year=2026, quarter=0):
            pages[f"explain {value.code}"] = client.get(value.get_absolute_url())
        report = report_services.report_create(
            commune=commune,
            variant=QuarterlyReport.Variant.QUARTERLY,
            year=2026,
            quarter=4,
            by=officer,
        )
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reporting:report_generate", args=[report.public_id]))
        report.refresh_from_db()
        assert report.status == QuarterlyReport.Status.READY, report.error
        pages["quarterly report"] = client.get(report.get_absolute_url())
        pages["quarterly report edit"] = client.get(
            reverse("reporting:report_edit", args=[report.public_id])
        )
        files = {
            kind: body(client.get(reverse(f"reporting:report_{kind}", args=[report.public_id])))
            for kind in ("pdf", "docx", "xlsx")
        }

    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_anonymous(where, response.content.decode())
    # The report counts the accidents (2 in the year to date, 1 death), so it was really built.
    assert report.data["accidents"]["total"]["ytd"]["deaths"] == 1
    assert_anonymous("quarterly report data", json.dumps(report.data, ensure_ascii=False))
    assert_anonymous("quarterly report PDF", pdf_text(files["pdf"]))
    assert_anonymous("quarterly report docx", docx_text(files["docx"]))
    assert_anonymous("quarterly report xlsx", xlsx_text(files["xlsx"]))


def test_the_view_log_export_holds_no_names(client, officer, named_records):
    client.force_login(officer)
    client.get(named_records["employed"].get_absolute_url())  # logs two views (IDs shown)
    assert PersonalDataView.objects.count() == 2
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert_anonymous("view log CSV", body(client.get(EXPORT)).decode("utf-8-sig"))
