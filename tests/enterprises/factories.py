from __future__ import annotations

from datetime import date

import factory

from atvsld_portal.models import ReportingPeriod
from enterprises.models import (
    AnnualOshReport,
    Enterprise,
    EnterpriseMember,
    MonitoringRecord,
    OwnershipType,
)
from enterprises.validators import tax_code_check_digit
from tests.core.factories import CommuneFactory


def valid_tax_code(n: int) -> str:
    """A deterministic valid 10-digit tax code, distinct for each n.

    Bodies are 13 apart and a remainder-zero body (1 in 11) moves up by one, so two n never meet.
    """
    body = 600000000 + n * 13
    while tax_code_check_digit(f"{body:09d}") is None:
        body += 1
    return f"{body:09d}{tax_code_check_digit(f'{body:09d}')}"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Công ty TNHH Số {n}")
    tax_code = factory.Sequence(valid_tax_code)
    ownership_type = factory.LazyFunction(lambda: OwnershipType.objects.get(code="2"))
    activity_code = "0810"
    workforce_total = 20
    workforce_women = 5


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseMember

    enterprise = factory.SubFactory(EnterpriseFactory)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    commune = factory.SubFactory(CommuneFactory)
    kind = "annual_osh_report"
    year = 2026
    opens_on = date(2026, 11, 1)
    due_on = date(2027, 1, 10)
    closes_on = date(2027, 1, 31)


class AnnualReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualOshReport

    enterprise = factory.SubFactory(EnterpriseFactory)
    period = factory.SubFactory(
        PeriodFactory, commune=factory.SelfAttribute("..enterprise.commune")
    )
    year = factory.SelfAttribute("period.year")
    workers_total = 20


class MonitoringRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringRecord

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2026
    sampled_from = date(2026, 4, 10)
    sampled_to = date(2026, 4, 11)
    organisation = "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk"
    organisation_announcement = "15/CB-SYT, 12/3/2021"
    workers_exposed = 10
