"""The demo computes the plan's three goals (issue 7): after ``load_demo``, both communes have
values for every demo year, the current year's goals have a number and a status (met or not met,
never "insufficient data"), each traceable to its records, and the years before the records come
from the historical aggregates. One load, late in the year (every quarter has started; this
year's monitoring rounds are all decided). tests/test_make_run_walk.py loads it on the real date.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import AdministrativeUnit, Filing, Outbox
from enterprises.models import MonitoringRecord
from incidents.models import DiseaseExam
from reporting import demo as reporting_demo
from reporting import quarterly
from reporting.models import ComputationRun, HistoricalAggregate, IndicatorValue
from reporting.services import RECOMPUTE_TASK

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
YEAR = 2026
GOALS = [Code.FATALITY_FREQUENCY, Code.EXPOSED_EXAM_COVERAGE, Code.MONITORED_ENTERPRISES]
S = IndicatorValue.Status
CASSAVA = "Công ty TNHH Chế biến Tinh bột sắn Ea Ly"
STUB_PDF = b"%PDF-1.7\n% stub\n"


@pytest.fixture(autouse=True)
def no_pdf_layout(monkeypatch):
    """The demo issues two quarterly reports, each with its PDF. Their layout is tested in
    tests/reporting and their real rendering in the make-run walk; here a stub stands in for it
    (about 3 s a load)."""
    monkeypatch.setattr(quarterly, "render_report_pdf", lambda *args, **kwargs: STUB_PDF)


def value(commune: str, code: str, year: int = YEAR, quarter: int = 0) -> IndicatorValue:
    return IndicatorValue.objects.get(commune__name=commune, code=code, year=year, quarter=quarter)


def monitored(commune: str, year: int) -> int:
    """Establishments with an approved monitoring record of the year that counts exposed
    workers, counted here independently of reporting.indicators."""
    return (
        MonitoringRecord.objects.filter(
            enterprise__commune__name=commune,
            year=year,
            status=Filing.Status.APPROVED,
            workers_exposed__gt=0,
        )
        .values("enterprise")
        .distinct()
        .count()
    )


def test_the_demo_computes_the_three_goals_for_both_communes():
    with time_machine.travel(TODAY):
        call_command("load_demo", verbosity=0)

    # Every commune of the demo has every goal for every demo year, and every quarter so far.
    years = reporting_demo.demo_years(TODAY.date())
    assert years == [2021, 2022, 2023, 2024, 2025, 2026]
    for commune in ("Ea Ly", "Ea Bá"):
        for code in GOALS:
            stored = IndicatorValue.objects.filter(commune__name=commune, code=code)
            assert set(stored.filter(quarter=0).values_list("year", flat=True)) == set(years)
            assert set(stored.filter(year=YEAR).values_list("quarter", flat=True)) == {
                0,
                1,
                2,
                3,
                4,
            }
            current = value(commune, code)
            assert current.value is not None, (commune, code)
            assert current.status in {S.MET, S.NOT_MET}, (commune, code, current.status_reason)
            assert current.run.trigger == ComputationRun.Trigger.COMMAND

    # The recompute the services asked for through the outbox was done by the load itself.
    assert not Outbox.objects.filter(task_name=RECOMPUTE_TASK, status=Outbox.Status.PENDING)

    # Ea Ly, fatality frequency: one death this year after a year without (small-number rule),
    # N from the first-half reports and last year's annual reports, so provisional.
    fatality = value("Ea Ly", Code.FATALITY_FREQUENCY)
    assert fatality.numerator == 1
    assert fatality.denominator > 1000
    expected = (Decimal(1000) / fatality.denominator).quantize(Decimal("0.001"), ROUND_HALF_UP)
    assert fatality.value == expected
    assert fatality.status == S.NOT_MET
    assert fatality.provisional
    assert fatality.details["previous_deaths"] == 0
    assert fatality.details["previous_workforce"] > 1000
    assert len(fatality.details["records"]) >= 1
    # Ea Bá has had no fatal accident: still none is met.
    assert value("Ea Bá", Code.FATALITY_FREQUENCY).numerator == 0
    assert value("Ea Bá", Code.FATALITY_FREQUENCY).status == S.MET

    # Exam coverage: realistic, below 100 %; the cassava plant's round of this year waits for
    # the commune's decision, so its exposed workers count as not examined yet.
    for commune in ("Ea Ly", "Ea Bá"):
        coverage = value(commune, Code.EXPOSED_EXAM_COVERAGE)
        assert 50 < coverage.value < 100
        assert coverage.status == S.NOT_MET
        rows = coverage.details["enterprises"]
        assert coverage.numerator == sum(row["counted"] for row in rows)
        assert coverage.denominator == sum(row["exposed"] for row in rows)
    cassava = next(
        row
        for row in value("Ea Ly", Code.EXPOSED_EXAM_COVERAGE).details["enterprises"]
        if row["enterprise"] == CASSAVA
    )
    assert cassava["exposed"] > 0
    assert cassava["examined"] == 0
    assert (
        DiseaseExam.objects.get(enterprise__name=CASSAVA, exam_date__year=YEAR).status
        == Filing.Status.SUBMITTED
    )

    # Monitored establishments: this year's and last year's approved records, one per
    # establishment; Ea Ly grows enough (+5 %), Ea Bá does not.
    for commune, status in (("Ea Ly", S.MET), ("Ea Bá", S.NOT_MET)):
        growth = value(commune, Code.MONITORED_ENTERPRISES)
        assert growth.value == monitored(commune, YEAR) > 0
        assert growth.details["previous"] == monitored(commune, YEAR - 1) > 0
        assert growth.status == status
        assert value(commune, Code.MONITORED_ENTERPRISES, YEAR - 1).value == monitored(
            commune, YEAR - 1
        )

    # The years before the records come from the historical aggregates (employed and informal
    # sectors), and the first recorded year compares itself with them.
    ealy = AdministrativeUnit.objects.get(name="Ea Ly")
    aggregate = HistoricalAggregate.objects.get(
        commune=ealy, year=2022, sector=HistoricalAggregate.Sector.EMPLOYED
    )
    assert aggregate.entered_by.username == "canbo.ealy"
    assert aggregate.source_document.endswith("/BC-UBND")
    assert (
        HistoricalAggregate.objects.filter(
            commune=ealy, sector=HistoricalAggregate.Sector.INFORMAL
        ).count()
        == 2
    )
    baseline = value("Ea Ly", Code.FATALITY_FREQUENCY, 2022)
    assert baseline.details["aggregate"] == str(aggregate.public_id)
    assert aggregate.source_document in baseline.source_note
    assert (baseline.numerator, baseline.denominator) == (aggregate.deaths, aggregate.workforce)
    assert baseline.status == S.MET  # 0.847 in 2021, 0.809 in 2022: -4.5 %
    assert value("Ea Ly", Code.FATALITY_FREQUENCY, 2023).details["previous_value"] == str(
        baseline.value
    )
    monitored_2022 = value("Ea Ly", Code.MONITORED_ENTERPRISES, 2022)
    assert monitored_2022.value == aggregate.monitored_establishments
    assert value("Ea Ly", Code.MONITORED_ENTERPRISES, 2023).details["previous"] == (
        aggregate.monitored_establishments
    )
    informal = value("Ea Ly", Code.INFORMAL_ACCIDENTS, 2022)
    assert "BC-UBND" in informal.source_note
    assert value("Ea Bá", Code.FATALITY_FREQUENCY, 2022).details["aggregate"]
