"""incidents.compliance.compliance_summary (and compliance_summaries, of many periods at once):
the counts of the compliance table, lighter (the indicator recompute reads them for every period
of a commune's year)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atvsld_portal.models import ReportingPeriod
from atvsld_portal.services import period_open
from enterprises.models import Enterprise
from incidents.compliance import compliance_summaries, compliance_summary, compliance_table
from incidents.models import PeriodicAccidentReport
from incidents.services import reports
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import StatisticsPeriodFactory
from tests.incidents.test_compliance import at, submit_periodic

pytestmark = pytest.mark.django_db


@pytest.fixture
def h1_period(commune):
    return StatisticsPeriodFactory(commune=commune)


def test_summary_counts_match_the_table_and_read_the_filings_in_one_query(
    officer, h1_period, enterprise, other_enterprise, enterprise_owner, other_enterprise_owner
):
    paper_enterprise = EnterpriseFactory(commune=h1_period.commune, name="HTX Cà phê Ea Ly")
    closed = EnterpriseFactory(commune=h1_period.commune, name="Công ty đã giải thể")
    missing = EnterpriseFactory(commune=h1_period.commune, name="Công ty chưa nộp")
    period_open(period=h1_period, by=officer)
    submit_periodic(enterprise, enterprise_owner, date(2026, 7, 1))
    submit_periodic(other_enterprise, other_enterprise_owner, date(2026, 7, 10))
    submit_periodic(closed, officer, date(2026, 7, 2))
    paper = PeriodicAccidentReport.objects.get(enterprise=paper_enterprise)
    with time_machine.travel(at(date(2026, 7, 20)), tick=False):
        reports.periodic_report_save(
            report=paper, by=officer, data={"report_date": date(2026, 7, 3)}, channel="paper"
        )
        reports.periodic_report_submit(report=paper, by=officer)
    # A closed enterprise still owes the filing it made; one without a filing stays overdue.
    Enterprise.objects.filter(pk=closed.pk).update(status=Enterprise.Status.CLOSED)
    assert missing.pk

    for today in (date(2026, 7, 4), date(2026, 7, 25)):
        _rows, expected = compliance_table(period=h1_period, today=today)
        assert compliance_summary(period=h1_period, today=today) == replace(expected, disagreeing=0)
    summary = compliance_summary(period=h1_period, today=date(2026, 7, 25))
    assert (summary.owed, summary.on_time, summary.late, summary.paper) == (5, 3, 1, 1)
    assert summary.overdue == 1

    active = set(
        Enterprise.objects.filter(
            commune=h1_period.commune, status=Enterprise.Status.ACTIVE
        ).values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as queries:
        again = compliance_summary(
            period=h1_period, today=date(2026, 7, 25), active_enterprise_ids=active
        )
    assert again == summary
    assert len(queries) == 1  # the filings only: no deferred column is read back one by one


def test_summaries_of_several_periods_read_the_filings_in_one_query_per_kind(
    officer, commune, other_commune, h1_period, enterprise, other_enterprise, enterprise_owner
):
    period_open(period=h1_period, by=officer)
    submit_periodic(enterprise, enterprise_owner, date(2026, 7, 1))
    annual = ReportingPeriod.objects.create(
        commune=commune,
        kind="annual_osh_report",
        year=2025,
        opens_on=date(2025, 11, 1),
        due_on=date(2026, 1, 10),
        closes_on=date(2026, 1, 31),
    )
    elsewhere = StatisticsPeriodFactory(commune=other_commune)
    EnterpriseFactory.create_batch(2, commune=other_commune)
    periods = [h1_period, annual, elsewhere]
    active = {
        each.pk: set(
            Enterprise.objects.filter(commune=each, status=Enterprise.Status.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        for each in (commune, other_commune)
    }
    today = date(2026, 7, 25)

    with CaptureQueriesContext(connection) as queries:
        summaries = compliance_summaries(periods=periods, today=today, active_enterprise_ids=active)

    assert len(queries) == 2  # the periodic reports of both communes, then the annual reports
    assert summaries == {p.pk: compliance_summary(period=p, today=today) for p in periods}
    assert (summaries[h1_period.pk].on_time, summaries[h1_period.pk].overdue) == (1, 1)
    assert (summaries[elsewhere.pk].owed, summaries[elsewhere.pk].overdue) == (2, 2)
