"""Factories for the indicator tests: approved filings of any year (one reporting period per
commune, kind, year and part, shared by every enterprise), counted accidents and historical
aggregates."""

from __future__ import annotations

from datetime import date, datetime

import factory

from atvsld_portal.models import Filing, ReportingPeriod
from incidents.models import PeriodicAccidentReport
from incidents.services.reports import PERIODIC_REPORT_KIND
from reporting.models import HistoricalAggregate
from tests.core.factories import CommuneFactory, UserFactory
from tests.enterprises.factories import (
    AnnualReportFactory,
    EnterpriseFactory,
    MonitoringRecordFactory,
    PeriodFactory,
)
from tests.incidents.factories import (
    HCM,
    DiseaseExamFactory,
    ReceivedAccidentFactory,
    StatisticsPeriodFactory,
)

APPROVED = Filing.Status.APPROVED


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Vietnam's local time (Asia/Ho_Chi_Minh)."""
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


class AnnualPeriodFactory(PeriodFactory):
    """The annual OSH report period of any year (shared by the commune's enterprises)."""

    class Meta:
        django_get_or_create = ("commune", "kind", "year", "part")

    part = ReportingPeriod.Part.YEAR
    opens_on = factory.LazyAttribute(lambda o: date(o.year, 11, 1))
    due_on = factory.LazyAttribute(lambda o: date(o.year + 1, 1, 10))
    closes_on = factory.LazyAttribute(lambda o: date(o.year + 1, 1, 31))


class ApprovedAnnualReportFactory(AnnualReportFactory):
    """An approved annual OSH report of ``year`` with ``workers_total`` workers."""

    year = 2026
    period = factory.SubFactory(
        AnnualPeriodFactory,
        commune=factory.SelfAttribute("..enterprise.commune"),
        year=factory.SelfAttribute("..year"),
    )
    status = APPROVED


class H1PeriodFactory(StatisticsPeriodFactory):
    class Meta:
        django_get_or_create = ("commune", "kind", "year", "part")

    kind = PERIODIC_REPORT_KIND
    part = ReportingPeriod.Part.H1
    opens_on = factory.LazyAttribute(lambda o: date(o.year, 6, 15))
    due_on = factory.LazyAttribute(lambda o: date(o.year, 7, 5))
    closes_on = factory.LazyAttribute(lambda o: date(o.year, 7, 31))


class ApprovedH1ReportFactory(factory.django.DjangoModelFactory):
    """An approved Phụ lục XII report of the first half of ``year``."""

    class Meta:
        model = PeriodicAccidentReport

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2026
    period = factory.SubFactory(
        H1PeriodFactory,
        commune=factory.SelfAttribute("..enterprise.commune"),
        year=factory.SelfAttribute("..year"),
    )
    part = ReportingPeriod.Part.H1
    workers_total = 20
    workers_women = 0
    status = APPROVED


class ApprovedMonitoringFactory(MonitoringRecordFactory):
    """An approved workplace monitoring record of ``year`` with exposed workers."""

    year = 2026
    sampled_from = factory.LazyAttribute(lambda o: date(o.year, 4, 10))
    sampled_to = factory.LazyAttribute(lambda o: date(o.year, 4, 11))
    status = APPROVED


class ApprovedExamFactory(DiseaseExamFactory):
    status = APPROVED


class CountedAccidentFactory(ReceivedAccidentFactory):
    """A received (so counted) accident of an enterprise; its creator belongs to the commune."""

    created_by = factory.SubFactory(
        UserFactory, administrative_unit=factory.SelfAttribute("..commune")
    )


class HistoricalAggregateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HistoricalAggregate

    commune = factory.SubFactory(CommuneFactory)
    year = 2024
    sector = HistoricalAggregate.Sector.EMPLOYED
    source_document = factory.Sequence(lambda n: f"{n + 10}/BC-UBND")
    source_date = factory.LazyAttribute(lambda o: date(o.year + 1, 1, 15))
    entered_by = factory.SubFactory(
        UserFactory, administrative_unit=factory.SelfAttribute("..commune")
    )
