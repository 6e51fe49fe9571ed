"""A commune whose records are full of hostile text: every free-text field a user types (names,
places, accounts, notes, narratives) holds a string of the corpus, so every page, form and
document that shows them is exercised with it.

One object of each kind, in each state in which a form of the portal shows (a draft to edit, a
submitted filing to decide, an approved one to reopen, a received accident for the commune's
workflow...). Built with the test factories and the services, like the other test modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import cycle
from typing import Any

from django.db import models
from django.utils import timezone

from atvsld_portal.models import (
    AdministrativeUnit,
    Filing,
    ReportingPeriod,
    ResponsibleUnit,
    User,
)
from enterprises.models import (
    Enterprise,
    EnterpriseRegistration,
    HarmfulFactor,
    MonitoringResult,
)
from incidents import services as incident_services
from incidents.models import (
    Accident,
    IncidentRecord,
    InjuryCode,
    Victim,
)
from incidents.services.reports import (
    COMMUNE_REPORT_KIND,
    PERIODIC_REPORT_KIND,
    commune_report_mark_sent,
)
from reporting import report_services
from reporting.models import QuarterlyReport
from tests.core.factories import (
    CommuneFactory,
    ProvinceFactory,
    ResponsibleUnitFactory,
    UserFactory,
    VillageFactory,
)
from tests.enterprises.factories import (
    AnnualReportFactory,
    EnterpriseFactory,
    MemberFactory,
    MonitoringRecordFactory,
)
from tests.hardening.corpus import DOCUMENT_CORPUS, Hostile
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

# Text fields that are not free text: codes, numbers, contact details with their own validation,
# keys computed from other fields, and technical columns.
NOT_FREE_TEXT = frozenset(
    {
        "abbreviation",
        "activity_code",
        "code",
        "code_provisional",
        "contact_email",
        "contact_phone",
        "declarant_phone",
        "dedup_key",
        "email",
        "error",
        "form_version",
        "history_change_reason",
        "kind",
        "letter",
        "method",
        "name_search",
        "number",
        "object_id",
        "original_name",
        "password",
        "personal_id",
        "phone",
        "progress_step",
        "purpose",
        "receipt_number",
        "sha256",
        "symbol",
        "target_unit",
        "task_name",
        "tax_code",
        "unit",
        "username",
        "version",
    }
)


class Typist:
    """Types the corpus into text fields, one string after the other round the corpus, each
    where it fits (the 10,000-character text only into unlimited text fields)."""

    def __init__(self, pool: tuple[Hostile, ...] = DOCUMENT_CORPUS) -> None:
        self.pool = pool
        self._next = cycle(range(len(pool)))
        self.typed: list[tuple[models.Model, str, Hostile]] = []

    def text_for(self, max_length: int | None) -> Hostile:
        for _ in range(len(self.pool)):
            item = self.pool[next(self._next)]
            if max_length is None or len(item.text) <= max_length:
                return item
        raise AssertionError(f"nothing of the corpus fits {max_length} characters")

    def fill(self, obj: models.Model, *, save: bool = True) -> models.Model:
        """Every free-text field of ``obj`` gets the next corpus string that fits."""
        names = []
        for model_field in free_text_fields(type(obj)):
            item = self.text_for(getattr(model_field, "max_length", None))
            setattr(obj, model_field.attname, item.text)
            self.typed.append((obj, model_field.name, item))
            names.append(model_field.attname)
        if save and names:
            obj.save()
        return obj


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    result = []
    for model_field in model._meta.concrete_fields:
        if not isinstance(model_field, models.CharField | models.TextField):
            continue
        if model_field.choices or model_field.unique or model_field.name in NOT_FREE_TEXT:
            continue
        max_length = getattr(model_field, "max_length", None)
        if isinstance(model_field, models.CharField) and (max_length or 0) < 30:
            continue
        result.append(model_field)
    return result


@dataclass
class HostileWorld:
    commune: AdministrativeUnit
    personas: dict[str, User]  # CO, CL, UR, EU, PV
    objects: dict[str, Any] = field(default_factory=dict)
    typist: Typist = field(default_factory=Typist)


def _period(commune: AdministrativeUnit, kind: str, year: int, part: str = "year"):
    today = timezone.localdate()
    if year == today.year:
        opens, due, closes = today - timedelta(30), today + timedelta(10), today + timedelta(40)
    else:
        opens, due, closes = date(year, 11, 1), date(year, 12, 10), date(year, 12, 31)
    period, _created = ReportingPeriod.objects.get_or_create(
        commune=commune,
        kind=kind,
        year=year,
        part=part,
        defaults={
            "opens_on": opens,
            "due_on": due,
            "closes_on": closes,
            "opened_at": timezone.now(),
        },
    )
    return period


def _injury_code() -> InjuryCode:
    code, _created = InjuryCode.objects.get_or_create(
        version="hardening", code="024", defaults={"name": "Gãy xương sườn"}
    )
    return code


def build_hostile_world() -> HostileWorld:
    """The commune Ea Ly of Đắk Lắk with the personas of tests/conftest.py (alice, lena, bob,
    erin) and a police unit reporter (uma), and its records, all full of hostile text."""
    province = ProvinceFactory(code="66", name="Đắk Lắk")
    commune = CommuneFactory(
        parent=province, name="Ea Ly", code=None, code_provisional="TEST-EA-LY"
    )
    officer = UserFactory(
        username="alice", role=User.Role.COMMUNE_OFFICIAL, administrative_unit=commune
    )
    leader = UserFactory(
        username="lena", role=User.Role.COMMUNE_LEADER, administrative_unit=commune
    )
    province_viewer = UserFactory(
        username="erin", role=User.Role.PROVINCE_VIEWER, administrative_unit=province
    )
    enterprise = EnterpriseFactory(commune=commune)
    enterprise_owner = UserFactory(
        username="bob", role=User.Role.ENTERPRISE_USER, administrative_unit=commune
    )
    MemberFactory(user=enterprise_owner, enterprise=enterprise)
    world = HostileWorld(
        commune=commune,
        personas={"CO": officer, "CL": leader, "EU": enterprise_owner, "PV": province_viewer},
    )
    typist, objects = world.typist, world.objects
    today = timezone.localdate()
    year = today.year

    # People and places. Names of people are typed by administrators: hostile too.
    for user in (officer, leader, enterprise_owner):
        typist.fill(user)
    reporter = UserFactory(
        username="uma", role=User.Role.UNIT_REPORTER, administrative_unit=commune
    )
    world.personas["UR"] = reporter
    police = typist.fill(ResponsibleUnitFactory(commune=commune, kind=ResponsibleUnit.Kind.POLICE))
    police.members.add(reporter)
    typist.fill(ResponsibleUnitFactory(commune=commune, kind=ResponsibleUnit.Kind.FRONT))
    objects["village"] = typist.fill(VillageFactory(commune=commune))

    # The registry.
    enterprise.village = objects["village"]
    typist.fill(enterprise)
    objects["enterprise"] = enterprise
    pending = typist.fill(EnterpriseFactory(commune=commune, status=Enterprise.Status.PENDING))
    objects["registration"] = typist.fill(
        EnterpriseRegistration(
            enterprise=pending, contact_name="x", contact_email="lien-he@example.vn"
        )
    )
    colleague = UserFactory(role=User.Role.ENTERPRISE_USER, administrative_unit=commune)
    objects["membership"] = MemberFactory(user=colleague, enterprise=enterprise)

    # Annual OSH reports and monitoring records: a draft, a submitted one, an approved one.
    for offset, status in enumerate((Filing.Status.DRAFT, Filing.Status.SUBMITTED, "approved")):
        report = AnnualReportFactory(
            enterprise=enterprise,
            period=_period(commune, "annual_osh_report", year - offset),
            status=status,
        )
        objects[f"annual_report_{status}"] = typist.fill(report)
        record = MonitoringRecordFactory(
            enterprise=enterprise,
            year=year - 1,
            round=offset + 1,
            status=status,
            sampled_from=date(year - 1, 4, 10),
            sampled_to=date(year - 1, 4, 11),
        )
        typist.fill(record)
        factor = HarmfulFactor.objects.filter(is_active=True).first()
        typist.fill(
            MonitoringResult(record=record, factor=factor, samples_measured=3, samples_over=0)
        )
        objects[f"monitoring_{status}"] = record

    # The plan, a task, an assignment and the unit's activity reports.
    plan = typist.fill(PlanFactory(commune=commune, start_year=year, end_year=year + 4))
    task = TaskFactory(group__plan=plan)
    typist.fill(task.group)
    typist.fill(task)
    assignment = typist.fill(AssignmentFactory(task=task, unit=police))
    objects.update(plan=plan, task=task, assignment=assignment)
    for status in ("submitted", "returned"):
        activity = ActivityReportFactory(
            assignment=assignment,
            reported_by=reporter,
            occurred_on=today - timedelta(days=3),
            status=status,
        )
        objects[f"activity_{status}"] = typist.fill(activity)

    # Accidents in each state a form of the commune or the enterprise acts on.
    def accident(*, by: User, channel=Filing.Channel.ONLINE, severity=Victim.Severity.SERIOUS):
        found = AccidentFactory(
            enterprise=enterprise,
            commune=commune,
            channel=channel,
            created_by=by,
            occurred_at=timezone.now() - timedelta(days=2),
        )
        typist.fill(found)
        victim = typist.fill(VictimFactory(accident=found, severity=severity))
        if severity == Victim.Severity.SERIOUS:
            victim.injury_codes.add(_injury_code())
        return found

    def submitted(found: Accident, by: User, **kwargs) -> Accident:
        incident_services.accident_submit(accident=found, by=by, **kwargs)
        found.refresh_from_db()
        return found

    objects["accident_draft"] = accident(by=enterprise_owner)
    objects["accident_paper_draft"] = accident(by=officer, channel=Filing.Channel.PAPER)
    objects["accident_submitted"] = submitted(accident(by=enterprise_owner), enterprise_owner)
    received = submitted(accident(by=enterprise_owner), enterprise_owner)
    incident_services.accident_receive(accident=received, by=officer)
    objects["accident_received"] = received
    fatal = submitted(
        accident(by=enterprise_owner, severity=Victim.Severity.FATAL), enterprise_owner
    )
    incident_services.accident_receive(accident=fatal, by=officer)
    incident_services.accident_start_investigation(
        accident=fatal, by=officer, level="province", note=typist.text_for(None).text
    )
    objects["accident_investigated"] = fatal
    for state, severity in (("serious", Victim.Severity.SERIOUS), ("fatal", Victim.Severity.FATAL)):
        informal = typist.fill(
            Accident(
                commune=commune,
                sector=Accident.Sector.INFORMAL,
                occurred_at=timezone.now() - timedelta(hours=5),
                channel=Filing.Channel.PHONE,
                created_by=officer,
            )
        )
        victim = typist.fill(
            Victim(
                accident=informal,
                sex=Victim.Sex.FEMALE,
                birth_year=1985,
                severity=severity,
                days_off=12,
            )
        )
        if severity == Victim.Severity.SERIOUS:
            victim.injury_codes.add(_injury_code())
        submitted(informal, officer, channel=Filing.Channel.PHONE)
        if informal.status == Accident.Status.SUBMITTED:
            incident_services.accident_receive(accident=informal, by=officer)
        objects[f"informal_{state}"] = informal
    objects["incident_record"] = typist.fill(
        IncidentRecord(
            accident=objects["informal_fatal"],
            recorded_at=timezone.now() - timedelta(hours=2),
            recorded_by=officer,
        )
    )
    for state in ("draft", "submitted"):
        corrected = submitted(accident(by=enterprise_owner), enterprise_owner)
        incident_services.accident_receive(accident=corrected, by=officer)
        declaration = incident_services.correction_start(
            accident=corrected, by=enterprise_owner, reason=typist.text_for(None).text
        )
        if state == "submitted":
            incident_services.correction_submit(declaration=declaration, by=enterprise_owner)
        objects[f"correction_{state}"] = declaration

    # Accident statistics (Phụ lục XII), the commune's report, occupational diseases.
    for offset, status in enumerate((Filing.Status.DRAFT, Filing.Status.SUBMITTED, "approved")):
        periodic = PeriodicAccidentReportFactory(
            enterprise=enterprise,
            period=_period(commune, PERIODIC_REPORT_KIND, year - offset),
            status=status,
        )
        objects[f"periodic_{status}"] = typist.fill(periodic)
        exam = DiseaseExamFactory(enterprise=enterprise, status=status)
        objects[f"exam_{status}"] = typist.fill(exam)
    _period(commune, PERIODIC_REPORT_KIND, year, part="h1")
    objects["commune_report"] = typist.fill(
        CommuneAccidentReportFactory(period=_period(commune, COMMUNE_REPORT_KIND, year))
    )
    sent = typist.fill(
        CommuneAccidentReportFactory(period=_period(commune, COMMUNE_REPORT_KIND, year, "h1"))
    )
    objects["commune_report_sent"] = commune_report_mark_sent(
        report=sent, by=officer, sent_on=today, sent_via="online", document_number="12/BC"
    )
    objects["case"] = typist.fill(
        DiseaseCaseFactory(enterprise=enterprise, created_by=officer, personal_id="066090001234")
    )

    # Reporting: a historical aggregate, the commune's document settings, the report to the
    # Party committee (a draft to edit, a generated one to issue).
    objects["document_settings"] = typist.fill(report_services.document_settings_for(commune))
    objects["historical"] = typist.fill(
        HistoricalAggregateFactory(commune=commune, entered_by=officer)
    )
    for state, quarter in (("draft", (today.month - 1) // 3 + 1), ("ready", 0)):
        report = report_services.report_create(
            commune=commune,
            variant=(
                QuarterlyReport.Variant.QUARTERLY if quarter else QuarterlyReport.Variant.ANNUAL
            ),
            year=year if quarter else year - 1,
            quarter=quarter,
            by=officer,
        )
        typist.fill(report)
        if state == "ready":
            report.pdf.save("bao-cao.pdf", _pdf(), save=False)
            report.status = QuarterlyReport.Status.READY
            report.save()
        objects[f"quarterly_{state}"] = report
    return world


def _pdf():
    from django.core.files.base import ContentFile

    return ContentFile(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", name="x.pdf")
