"""The world of the access matrix test (tests/test_access_matrix.py): places, personas and one
builder per kind of object named in the "URL access matrix" of docs/permissions.md.

Every builder makes one object of its kind inside a :class:`Scope` (a commune and one of its
enterprises) and returns the keyword arguments of the URL that names it. The matrix test calls a
builder once for the personas' own commune and enterprise, and again for another enterprise of the
same commune, another commune of the province and a commune of another province.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from atvsld_portal.models import AdministrativeUnit, Filing, ResponsibleUnit, User
from atvsld_portal.services import filing_scan_add
from enterprises.models import Enterprise, EnterpriseRegistration
from incidents import services as incident_services
from incidents.models import Accident, IncidentRecord, InjuryCode, Victim
from incidents.services.reports import COMMUNE_REPORT_KIND, PERIODIC_REPORT_KIND
from reporting import report_services
from reporting.models import IndicatorValue, QuarterlyReport
from tests.core.factories import (
    CommuneFactory,
    ProvinceFactory,
    ResponsibleUnitFactory,
    UserFactory,
)
from tests.enterprises.factories import (
    AnnualReportFactory,
    EnterpriseFactory,
    MemberFactory,
    MonitoringRecordFactory,
)
from tests.incidents.factories import (
    AccidentFactory,
    CommuneAccidentReportFactory,
    DiseaseCaseFactory,
    DiseaseExamFactory,
    PeriodicAccidentReportFactory,
    VictimFactory,
)
from tests.plans.factories import (
    ActivityReportFactory,
    AssignmentFactory,
    PlanFactory,
    TaskFactory,
)
from tests.reporting.factories import HistoricalAggregateFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ROLES = ("CO", "CL", "UR", "EU", "PV")
PROJECT_APPS = ("atvsld_portal", "enterprises", "incidents", "plans", "reporting")


# ------------------------------------------------------------------------------
# Places and personas
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """Where a built object lives: a commune, one of its enterprises, and two of its people (an
    official who records things there and a member of the enterprise)."""

    name: str
    commune: AdministrativeUnit
    enterprise: Enterprise
    officer: User
    member: User


@dataclass
class World:
    personas: dict[str, User]  # by role column: CO, CL, UR, EU, PV
    police_unit: ResponsibleUnit  # the unit reporter's unit in the own commune
    scopes: dict[str, Scope]
    clients: dict[str, Client] = field(default_factory=dict)  # logged in, by role column

    @property
    def own(self) -> Scope:
        return self.scopes["own"]


def build_world() -> World:
    """The personas and places of tests/conftest.py (alice, lena, dave, erin, bob, charlie),
    a police unit reporter of the commune (uma), and the places of the four scopes: the own
    commune and enterprise, another enterprise of the commune, another commune of the province,
    a commune of another province."""
    province = ProvinceFactory(code="66", name="Đắk Lắk")
    commune = CommuneFactory(
        parent=province, name="Ea Ly", code=None, code_provisional="TEST-EA-LY"
    )
    other_commune = CommuneFactory(
        parent=province, name="Ea Bá", code=None, code_provisional="TEST-EA-BA"
    )
    far_province = ProvinceFactory(code="67", name="Đắk Nông")
    far_commune = CommuneFactory(
        parent=far_province, name="Quảng Sơn", code=None, code_provisional="TEST-QUANG-SON"
    )

    def person(username: str, role: str, unit: AdministrativeUnit) -> User:
        return UserFactory(username=username, role=role, administrative_unit=unit)

    def enterprise_of(place: AdministrativeUnit, name: str, username: str):
        found = EnterpriseFactory(commune=place, name=name)
        member = person(username, User.Role.ENTERPRISE_USER, place)
        MemberFactory(user=member, enterprise=found)
        return found, member

    alice = person("alice", User.Role.COMMUNE_OFFICIAL, commune)
    lena = person("lena", User.Role.COMMUNE_LEADER, commune)
    dave = person("dave", User.Role.COMMUNE_OFFICIAL, other_commune)
    frank = person("frank", User.Role.COMMUNE_OFFICIAL, far_commune)
    erin = person("erin", User.Role.PROVINCE_VIEWER, province)
    uma = person("uma", User.Role.UNIT_REPORTER, commune)
    police = ResponsibleUnitFactory(
        commune=commune, kind=ResponsibleUnit.Kind.POLICE, name="Công an xã Ea Ly"
    )
    police.members.add(uma)
    enterprise, bob = enterprise_of(commune, "Công ty TNHH Đá Ea Ly", "bob")
    other_enterprise, charlie = enterprise_of(commune, "Công ty TNHH Gạch Tân Lập", "charlie")
    near_enterprise, eve = enterprise_of(other_commune, "Công ty TNHH Cà phê Ea Bá", "eve")
    far_enterprise, fiona = enterprise_of(far_commune, "Công ty TNHH Quảng Sơn", "fiona")
    return World(
        personas={"CO": alice, "CL": lena, "UR": uma, "EU": bob, "PV": erin},
        police_unit=police,
        scopes={
            "own": Scope("own", commune, enterprise, alice, bob),
            "other_enterprise": Scope(
                "other_enterprise", commune, other_enterprise, alice, charlie
            ),
            "other_commune": Scope("other_commune", other_commune, near_enterprise, dave, eve),
            "other_province": Scope("other_province", far_commune, far_enterprise, frank, fiona),
        },
    )


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def _today() -> date:
    return timezone.localdate()


def _open_period(commune: AdministrativeUnit, kind: str, part: str = "year"):
    """This year's period of ``kind`` in the commune, open now (drafts are not locked)."""
    from atvsld_portal.models import ReportingPeriod

    today = _today()
    period, _created = ReportingPeriod.objects.get_or_create(
        commune=commune,
        kind=kind,
        year=today.year,
        part=part,
        defaults={
            "opens_on": today - timedelta(days=30),
            "due_on": today + timedelta(days=10),
            "closes_on": today + timedelta(days=40),
            "opened_at": timezone.now(),
        },
    )
    return period


def _pdf_file(name: str = "tai-lieu.pdf") -> ContentFile:
    return ContentFile(PDF, name=name)


def _injury_code() -> InjuryCode:
    code, _created = InjuryCode.objects.get_or_create(
        version="test", code="024", defaults={"name": "Gãy xương sườn"}
    )
    return code


def _unit_of(world: World, scope: Scope) -> ResponsibleUnit:
    """The unit reporter's unit in the own commune, a police unit elsewhere."""
    if scope.commune == world.own.commune:
        return world.police_unit
    unit, _created = ResponsibleUnit.objects.get_or_create(
        commune=scope.commune,
        kind=ResponsibleUnit.Kind.POLICE,
        defaults={"name": f"Công an xã {scope.commune.name}"},
    )
    return unit


def _reporter_of(world: World, scope: Scope, unit: ResponsibleUnit) -> User:
    if unit == world.police_unit:
        return world.personas["UR"]
    reporter = UserFactory(role=User.Role.UNIT_REPORTER, administrative_unit=scope.commune)
    unit.members.add(reporter)
    return reporter


# ------------------------------------------------------------------------------
# Builders: (world, scope, state) -> URL kwargs
# ------------------------------------------------------------------------------
Builder = Callable[[World, Scope, str], dict]


def build_enterprise(world: World, scope: Scope, state: str) -> dict:
    return {"public_id": scope.enterprise.public_id}


def build_registration(world: World, scope: Scope, state: str) -> dict:
    EnterpriseRegistration.objects.create(
        enterprise=scope.enterprise,
        contact_name="Nguyễn Thị Hoa",
        contact_email=f"lienhe-{scope.enterprise.pk}@example.vn",
    )
    return {"public_id": scope.enterprise.public_id}


def build_membership(world: World, scope: Scope, state: str) -> dict:
    colleague = UserFactory(role=User.Role.ENTERPRISE_USER, administrative_unit=scope.commune)
    return {"pk": MemberFactory(user=colleague, enterprise=scope.enterprise).pk}


def _annual_report(scope: Scope, state: str):
    return AnnualReportFactory(
        enterprise=scope.enterprise,
        period=_open_period(scope.commune, "annual_osh_report"),
        status=state or Filing.Status.DRAFT,
    )


def build_annual_report(world: World, scope: Scope, state: str) -> dict:
    return {"public_id": _annual_report(scope, state).public_id}


def build_annual_report_scan(world: World, scope: Scope, state: str) -> dict:
    report = _annual_report(scope, Filing.Status.SUBMITTED)
    upload = SimpleUploadedFile("ban-chup.pdf", PDF, content_type="application/pdf")
    scan = filing_scan_add(filing=report, upload=upload, by=scope.officer)
    return {"public_id": report.public_id, "version": scan.version}


def build_monitoring_record(world: World, scope: Scope, state: str) -> dict:
    record = MonitoringRecordFactory(
        enterprise=scope.enterprise, year=_today().year, status=state or Filing.Status.DRAFT
    )
    record.report_file.save("quan-trac.pdf", _pdf_file(), save=True)
    return {"public_id": record.public_id}


def build_period(world: World, scope: Scope, state: str) -> dict:
    return {"public_id": _open_period(scope.commune, "annual_osh_report").public_id}


def _plan(scope: Scope):
    year = _today().year
    return PlanFactory(commune=scope.commune, start_year=year, end_year=year + 4)


def build_plan(world: World, scope: Scope, state: str) -> dict:
    return {"public_id": _plan(scope).public_id}


def _task(scope: Scope):
    return TaskFactory(group__plan=_plan(scope))


def build_task(world: World, scope: Scope, state: str) -> dict:
    return {"public_id": _task(scope).public_id}


def _assignment(world: World, scope: Scope):
    return AssignmentFactory(task=_task(scope), unit=_unit_of(world, scope))


def build_assignment(world: World, scope: Scope, state: str) -> dict:
    return {"pk": _assignment(world, scope).pk}


def build_activity_report(world: World, scope: Scope, state: str) -> dict:
    assignment = _assignment(world, scope)
    report = ActivityReportFactory(
        assignment=assignment,
        reported_by=_reporter_of(world, scope, assignment.unit),
        occurred_on=_today() - timedelta(days=3),
    )
    report.attachment.save("bien-ban-hop.pdf", _pdf_file(), save=True)
    return {"public_id": report.public_id}


def _accident(scope: Scope, *, channel: str = Filing.Channel.ONLINE) -> Accident:
    """A draft accident of the scope's enterprise with one victim."""
    accident = AccidentFactory(
        enterprise=scope.enterprise,
        commune=scope.commune,
        channel=channel,
        created_by=scope.member if channel == Filing.Channel.ONLINE else scope.officer,
        occurred_at=timezone.now() - timedelta(days=2),
    )
    victim = VictimFactory(
        accident=accident,
        severity=Victim.Severity.SERIOUS,
        personal_id="066090001234",
    )
    victim.injury_codes.add(_injury_code())
    return accident


def _submitted(scope: Scope, accident: Accident, **kwargs):
    by = scope.member if accident.channel == Filing.Channel.ONLINE else scope.officer
    declaration = incident_services.accident_submit(accident=accident, by=by, **kwargs)
    accident.refresh_from_db()
    return declaration


def build_accident(world: World, scope: Scope, state: str) -> dict:
    """States: ``received`` (default), ``submitted``, ``paper-draft`` (typed in by the commune
    for the enterprise, still a draft)."""
    if state == "paper-draft":
        return {"public_id": _accident(scope, channel=Filing.Channel.PAPER).public_id}
    accident = _accident(scope)
    _submitted(scope, accident)
    if state != "submitted":
        incident_services.accident_receive(accident=accident, by=scope.officer)
    return {"public_id": accident.public_id}


def build_informal_accident(world: World, scope: Scope, state: str) -> dict:
    """An accident of a worker without a labour contract (no enterprise), taken by phone.
    States: ``serious`` (default: the biên bản applies), ``recorded`` (its biên bản is made),
    ``fatal`` (the quick report applies)."""
    accident = Accident.objects.create(
        commune=scope.commune,
        sector=Accident.Sector.INFORMAL,
        occurred_at=timezone.now() - timedelta(hours=5),
        place="Rẫy cà phê buôn Ken",
        account="Người lao động bị ngã từ thang tự chế khi đang hái cà phê, đập đầu xuống đất.",
        channel=Filing.Channel.PHONE,
        created_by=scope.officer,
    )
    severity = Victim.Severity.FATAL if state == "fatal" else Victim.Severity.SERIOUS
    victim = Victim.objects.create(
        accident=accident,
        full_name="Y Bih Niê",
        sex=Victim.Sex.FEMALE,
        birth_year=1985,
        occupation_name="Nông dân",
        severity=severity,
        days_off=12,
    )
    if severity == Victim.Severity.SERIOUS:
        victim.injury_codes.add(_injury_code())
    incident_services.accident_submit(
        accident=accident, by=scope.officer, channel=Filing.Channel.PHONE
    )
    if state == "recorded":
        IncidentRecord.objects.create(
            accident=accident,
            recorded_at=timezone.now() - timedelta(hours=2),
            recorded_place="Trụ sở UBND xã",
            members_present="Công chức văn hóa - xã hội\nY Bih Niê, người bị nạn",
            work_being_done="Hái cà phê",
            injuries_and_treatment="Gãy xương sườn; Bệnh viện Đa khoa tỉnh",
            preliminary_cause="Thang tự chế không chắc chắn",
            recorded_by=scope.officer,
        )
    return {"public_id": accident.public_id}


def build_declaration(world: World, scope: Scope, state: str) -> dict:
    """A declaration that arrived on paper, with its scan, typed in by the commune."""
    accident = _accident(scope, channel=Filing.Channel.PAPER)
    declaration = _submitted(
        scope,
        accident,
        channel=Filing.Channel.PAPER,
        scan=SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf"),
    )
    return {"public_id": declaration.public_id}


def build_correction(world: World, scope: Scope, state: str) -> dict:
    """A correction the enterprise started on its received online declaration; ``submitted``
    when it has been sent to the commune (default: still a draft)."""
    accident = _accident(scope)
    _submitted(scope, accident)
    incident_services.accident_receive(accident=accident, by=scope.officer)
    declaration = incident_services.correction_start(
        accident=accident, by=scope.member, reason="Sai nơi xảy ra"
    )
    if state == "submitted":
        incident_services.correction_submit(declaration=declaration, by=scope.member)
    return {"public_id": declaration.public_id}


def _periodic_report(scope: Scope, state: str):
    return PeriodicAccidentReportFactory(
        enterprise=scope.enterprise,
        period=_open_period(scope.commune, PERIODIC_REPORT_KIND),
        status=state or Filing.Status.DRAFT,
    )


def build_periodic_report(world: World, scope: Scope, state: str) -> dict:
    return {"public_id": _periodic_report(scope, state).public_id}


def build_periodic_report_scan(world: World, scope: Scope, state: str) -> dict:
    report = _periodic_report(scope, Filing.Status.SUBMITTED)
    upload = SimpleUploadedFile("ban-chup.pdf", PDF, content_type="application/pdf")
    scan = filing_scan_add(filing=report, upload=upload, by=scope.officer)
    return {"public_id": report.public_id, "version": scan.version}


def build_commune_report(world: World, scope: Scope, state: str) -> dict:
    period = _open_period(scope.commune, COMMUNE_REPORT_KIND)
    return {"public_id": CommuneAccidentReportFactory(period=period).public_id}


def build_exam(world: World, scope: Scope, state: str) -> dict:
    exam = DiseaseExamFactory(enterprise=scope.enterprise, status=state or Filing.Status.DRAFT)
    exam.result_file.save("ket-qua.pdf", _pdf_file(), save=True)
    return {"public_id": exam.public_id}


def build_case(world: World, scope: Scope, state: str) -> dict:
    case = DiseaseCaseFactory(enterprise=scope.enterprise, created_by=scope.officer)
    case.exposure_confirmation.save("xac-nhan.pdf", _pdf_file(), save=True)
    return {"public_id": case.public_id}


def build_indicator_value(world: World, scope: Scope, state: str) -> dict:
    value = IndicatorValue.objects.create(
        commune=scope.commune,
        year=_today().year,
        quarter=0,
        code="accidents",
        value=Decimal("2"),
        numerator=Decimal("2"),
        unit="vụ",
    )
    return {"public_id": value.public_id}


def build_historical_aggregate(world: World, scope: Scope, state: str) -> dict:
    aggregate = HistoricalAggregateFactory(commune=scope.commune, entered_by=scope.officer)
    aggregate.scan.save("bao-cao-2024.pdf", _pdf_file(), save=True)
    return {"public_id": aggregate.public_id}


def build_quarterly_report(world: World, scope: Scope, state: str) -> dict:
    """The commune's report to the Party committee, drafted from the data. States: ``draft``
    (default), ``ready`` (its PDF generated) and ``issued`` (numbered and frozen)."""
    today = _today()
    author = scope.officer
    report = report_services.report_create(
        commune=scope.commune,
        variant=QuarterlyReport.Variant.QUARTERLY,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        by=author,
    )
    if state in {"ready", "issued"}:
        report.pdf.save("bao-cao.pdf", _pdf_file(), save=False)
        report.status = QuarterlyReport.Status.READY
    if state == "issued":
        report.status = QuarterlyReport.Status.ISSUED
        report.number = 7
        report.number_year = today.year
        report.signed_on = today
        report.sha256 = hashlib.sha256(PDF).hexdigest()
        report.issued_at = timezone.now()
        report.issued_by = author
    report.save()
    return {"public_id": report.public_id}


BUILDERS: dict[str, Builder] = {
    "enterprise": build_enterprise,
    "registration": build_registration,
    "membership": build_membership,
    "annual-report": build_annual_report,
    "annual-report-scan": build_annual_report_scan,
    "monitoring-record": build_monitoring_record,
    "period": build_period,
    "plan": build_plan,
    "task": build_task,
    "assignment": build_assignment,
    "activity-report": build_activity_report,
    "accident": build_accident,
    "informal-accident": build_informal_accident,
    "declaration": build_declaration,
    "correction": build_correction,
    "periodic-report": build_periodic_report,
    "periodic-report-scan": build_periodic_report_scan,
    "commune-report": build_commune_report,
    "exam": build_exam,
    "case": build_case,
    "indicator-value": build_indicator_value,
    "historical-aggregate": build_historical_aggregate,
    "quarterly-report": build_quarterly_report,
}

# Kinds owned by an enterprise: another enterprise's object of the same commune is 404 for EU.
ENTERPRISE_OWNED = frozenset(
    {
        "enterprise",
        "registration",
        "membership",
        "annual-report",
        "annual-report-scan",
        "monitoring-record",
        "accident",
        "declaration",
        "correction",
        "periodic-report",
        "periodic-report-scan",
        "exam",
        "case",
    }
)

# The state each URL's object is built in, when it is not the builder's default: the state in
# which the URL's ✓ roles may use it (a draft to edit, a submitted filing to decide, ...).
URL_STATES: dict[str, str] = {
    "enterprises:annual_report_approve": Filing.Status.SUBMITTED,
    "enterprises:annual_report_return": Filing.Status.SUBMITTED,
    "enterprises:annual_report_reopen": Filing.Status.APPROVED,
    "enterprises:annual_report_detail": Filing.Status.SUBMITTED,
    "enterprises:annual_report_pdf": Filing.Status.SUBMITTED,
    "enterprises:annual_report_xlsx": Filing.Status.SUBMITTED,
    "enterprises:annual_report_scan_upload": Filing.Status.SUBMITTED,
    "enterprises:monitoring_approve": Filing.Status.SUBMITTED,
    "enterprises:monitoring_return": Filing.Status.SUBMITTED,
    "enterprises:monitoring_reopen": Filing.Status.APPROVED,
    "enterprises:monitoring_detail": Filing.Status.SUBMITTED,
    "enterprises:monitoring_report_file": Filing.Status.SUBMITTED,
    "incidents:edit": "paper-draft",
    "incidents:submit": "paper-draft",
    "incidents:receipt": "submitted",
    "incidents:receive": "submitted",
    "incidents:incident_record_pdf": "recorded",
    "incidents:incident_record_docx": "recorded",
    "incidents:quick_report_pdf": "fatal",
    "incidents:quick_report_docx": "fatal",
    "incidents:quick_report_sent": "fatal",
    "incidents:correction_apply": "submitted",
    "statistics:report_approve": Filing.Status.SUBMITTED,
    "statistics:report_return": Filing.Status.SUBMITTED,
    "statistics:report_reopen": Filing.Status.APPROVED,
    "statistics:report_detail": Filing.Status.SUBMITTED,
    "statistics:report_pdf": Filing.Status.SUBMITTED,
    "statistics:report_xlsx": Filing.Status.SUBMITTED,
    "statistics:report_scan_upload": Filing.Status.SUBMITTED,
    "diseases:exam_approve": Filing.Status.SUBMITTED,
    "diseases:exam_return": Filing.Status.SUBMITTED,
    "diseases:exam_reopen": Filing.Status.APPROVED,
    "diseases:exam_detail": Filing.Status.SUBMITTED,
    "diseases:exam_file": Filing.Status.SUBMITTED,
    "reporting:report_detail": "issued",
    "reporting:report_progress": "issued",
    "reporting:report_pdf": "issued",
    "reporting:report_docx": "issued",
    "reporting:report_xlsx": "issued",
    "reporting:report_issue": "ready",
}


def build(kind: str, world: World, scope: Scope, url_name: str) -> dict:
    """The URL kwargs of a new object of ``kind`` in ``scope``, in the state ``url_name`` needs."""
    return BUILDERS[kind](world, scope, URL_STATES.get(url_name, ""))


# ------------------------------------------------------------------------------
# Pages without an object that need data to answer
# ------------------------------------------------------------------------------
def _periods_everywhere(world: World) -> None:
    """The compliance CSV needs a reporting period in every commune the user may choose."""
    for scope in world.scopes.values():
        _open_period(scope.commune, "annual_osh_report")


URL_SETUPS: dict[str, Callable[[World], None]] = {
    "compliance:table": _periods_everywhere,
    "compliance:table_csv": _periods_everywhere,
}


# ------------------------------------------------------------------------------
# "Nothing changed": a fingerprint of every row of the portal's tables
# ------------------------------------------------------------------------------
def data_fingerprint() -> dict[str, tuple]:
    """What the current transaction has written so far to each table of the portal's apps
    (PostgreSQL's per-transaction counters of inserted, updated and deleted rows; elsewhere the
    row counts), read in one query, so a refused request can be shown to have written nothing."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del "
                "FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
                [tables],
            )
            return {table: tuple(counts) for table, *counts in cursor.fetchall()}
        selects = [
            f"SELECT '{table}', COUNT(*) FROM {connection.ops.quote_name(table)}"
            for table in tables
        ]
        cursor.execute(" UNION ALL ".join(selects))
        return {table: (count,) for table, count in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))
