from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.conf import settings

from atvsld_portal.models import ReportingPeriod
from incidents.models import (
    Accident,
    Cause,
    CommuneAccidentReport,
    DiseaseCase,
    DiseaseExam,
    InjuryFactor,
    OccupationalDisease,
    PeriodicAccidentReport,
    Victim,
)
from incidents.services.reports import COMMUNE_REPORT_KIND, PERIODIC_REPORT_KIND
from tests.core.factories import CommuneFactory, UserFactory
from tests.enterprises.factories import EnterpriseFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


class AccidentFactory(factory.django.DjangoModelFactory):
    """A draft accident at an enterprise, in the enterprise's commune."""

    class Meta:
        model = Accident

    enterprise = factory.SubFactory(EnterpriseFactory)
    commune = factory.SelfAttribute("enterprise.commune")
    sector = Accident.Sector.EMPLOYED
    occurred_at = datetime(2026, 3, 10, 8, 30, tzinfo=HCM)
    place = "Mỏ đá thôn 1"
    account = (
        "Công nhân vận hành máy nghiền bị đá văng trúng đầu khi đang điều chỉnh băng tải "
        "mà không dừng máy."
    )
    declarant_name = "Nguyễn Văn Bình"
    declarant_position = "Giám đốc"
    declarant_phone = "0905123456"
    created_by = factory.SubFactory(UserFactory)


class VictimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Victim

    accident = factory.SubFactory(AccidentFactory)
    full_name = factory.Sequence(lambda n: f"Người bị nạn {n}")
    sex = Victim.Sex.MALE
    birth_year = 1990
    occupation_name = "Công nhân vận hành"
    severity = Victim.Severity.MINOR


# ------------------------------------------------------------------------------
# Statistics and occupational diseases (issue 6)
# ------------------------------------------------------------------------------
class ReceivedAccidentFactory(AccidentFactory):
    """An accident received by the commune: counted in statistics, classified by default."""

    status = Accident.Status.RECEIVED
    receipt_number = factory.Sequence(lambda n: f"TNLĐ-T{n:05d}")
    main_cause = Cause.NO_SAFE_PROCEDURE
    injury_factor = factory.LazyFunction(lambda: InjuryFactor.objects.get(code="12"))


class StatisticsPeriodFactory(factory.django.DjangoModelFactory):
    """The accident statistics period (Phụ lục XII) of the first half of 2026."""

    class Meta:
        model = ReportingPeriod

    commune = factory.SubFactory(CommuneFactory)
    kind = PERIODIC_REPORT_KIND
    year = 2026
    part = ReportingPeriod.Part.H1
    opens_on = date(2026, 6, 15)
    due_on = date(2026, 7, 5)
    closes_on = date(2026, 7, 31)


class PeriodicAccidentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodicAccidentReport

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = factory.SubFactory(
        StatisticsPeriodFactory, commune=factory.SelfAttribute("..enterprise.commune")
    )
    year = factory.SelfAttribute("period.year")
    part = factory.SelfAttribute("period.part")
    workers_total = 20
    workers_women = 5


class CommuneAccidentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneAccidentReport

    period = factory.SubFactory(StatisticsPeriodFactory, kind=COMMUNE_REPORT_KIND)
    commune = factory.SelfAttribute("period.commune")
    year = factory.SelfAttribute("period.year")
    part = factory.SelfAttribute("period.part")
    form_version = factory.LazyFunction(lambda: settings.COMMUNE_ACCIDENT_REPORT_FORM)


class DiseaseExamFactory(factory.django.DjangoModelFactory):
    """A draft round of occupational-disease detection exams."""

    class Meta:
        model = DiseaseExam

    enterprise = factory.SubFactory(EnterpriseFactory)
    exam_date = date(2026, 3, 12)
    facility = "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk"
    workers_examined = 20


class DiseaseCaseFactory(factory.django.DjangoModelFactory):
    """A suspected case of silicosis (disease 1) at an enterprise."""

    class Meta:
        model = DiseaseCase

    enterprise = factory.SubFactory(EnterpriseFactory)
    commune = factory.SelfAttribute("enterprise.commune")
    full_name = factory.Sequence(lambda n: f"Người lao động {n}")
    sex = DiseaseCase.Sex.MALE
    birth_date = date(1980, 5, 1)
    job = "Thợ khai thác đá"
    years_in_job = Decimal("12.0")
    exposure_months = 144
    exam_date = date(2026, 3, 12)
    exam_facility = "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk"
    disease = factory.LazyFunction(lambda: OccupationalDisease.objects.get(code="1"))
    result = DiseaseCase.Result.SUSPECTED
    created_by = factory.SubFactory(UserFactory)
