"""Hand-computed indicator tables (DOMAIN §4). Every expected value is written out literally,
worked by hand in the comment beside it, never recomputed with the code under test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Filing
from incidents.models import Accident, Victim
from plans.models import PlanGoal
from reporting.indicators import Figure, Sources, compute_year
from reporting.models import ComputationRun, IndicatorValue
from reporting.services import indicators_recompute
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import VictimFactory
from tests.plans.factories import PlanFactory
from tests.reporting.factories import (
    ApprovedAnnualReportFactory,
    ApprovedExamFactory,
    ApprovedH1ReportFactory,
    ApprovedMonitoringFactory,
    CountedAccidentFactory,
    HistoricalAggregateFactory,
    local,
)

pytestmark = pytest.mark.django_db
FATAL, SERIOUS, MINOR = Victim.Severity.FATAL, Victim.Severity.SERIOUS, Victim.Severity.MINOR
MET, NOT_MET = IndicatorValue.Status.MET, IndicatorValue.Status.NOT_MET
INSUFFICIENT = IndicatorValue.Status.INSUFFICIENT


def figures(commune, year: int, quarter: int = 0, *, today: date | None = None) -> dict:
    """The figures of one period, by code (computed after the year has ended by default)."""
    with translation.override("en"):
        sources = Sources(commune, year, today=today or date(year + 1, 1, 20))
        period: list[Figure] = compute_year(sources, [quarter])[quarter]
    return {figure.code: figure for figure in period}


def accident(enterprise, when, *severities, **fields) -> Accident:
    counted = CountedAccidentFactory(enterprise=enterprise, occurred_at=when, **fields)
    for severity in severities:
        VictimFactory(accident=counted, severity=severity)
    return counted


# ------------------------------------------------------------------------------
# DOMAIN §4.1-4.2 worked example
# ------------------------------------------------------------------------------
@pytest.fixture
def worked_example(commune):
    """2025: N = 1,000 + 250 = 1,250, victims 3 (1 death, 2 seriously injured).
    2026: N = 1,000 + 300 = 1,300, 1 death."""
    quarry = EnterpriseFactory(commune=commune, name="Công ty Đá Ea Ly")
    bricks = EnterpriseFactory(commune=commune, name="Công ty Gạch Ea Ly")
    ApprovedAnnualReportFactory(enterprise=quarry, year=2025, workers_total=1000)
    ApprovedAnnualReportFactory(enterprise=bricks, year=2025, workers_total=250)
    ApprovedAnnualReportFactory(enterprise=quarry, year=2026, workers_total=1000)
    ApprovedAnnualReportFactory(enterprise=bricks, year=2026, workers_total=300)
    first = accident(quarry, local(2025, 5, 6), FATAL, SERIOUS, SERIOUS)
    second = accident(bricks, local(2026, 8, 20), FATAL)
    return first, second


def test_2025_frequencies_of_the_worked_example(commune, worked_example):
    first, _second = worked_example
    values = figures(commune, 2025)

    k = values[Code.ACCIDENT_FREQUENCY]
    assert k.value == Decimal("2.400")  # 3 / 1,250 x 1,000
    assert (k.numerator, k.denominator) == (3, 1250)
    assert not k.provisional

    k_death = values[Code.FATALITY_FREQUENCY]
    assert k_death.value == Decimal("0.800")  # 1 / 1,250 x 1,000
    assert (k_death.numerator, k_death.denominator) == (1, 1250)
    assert k_death.details["records"][0]["public_id"] == str(first.public_id)
    assert k_death.details["records"][0]["receipt_number"] == first.receipt_number
    # No figure for 2024 at all: nothing to compare with.
    assert k_death.status == INSUFFICIENT

    assert values[Code.FATAL_RATE].value == Decimal("80.000")  # 1 / 1,250 x 100,000
    assert values[Code.ACCIDENTS].value == 1
    assert values[Code.ACCIDENT_DEATHS].value == 1


def test_2026_year_over_year_is_not_met(commune, worked_example):
    k_death = figures(commune, 2026)[Code.FATALITY_FREQUENCY]

    assert k_death.value == Decimal("0.769")  # 1 / 1,300 x 1,000 = 0.76923
    assert (k_death.numerator, k_death.denominator) == (1, 1300)
    assert k_death.method == "yoy"
    assert k_death.details["previous_value"] == "0.800"
    assert k_death.details["previous_deaths"] == 1
    assert k_death.details["previous_workforce"] == 1250
    # (1/1,300 - 1/1,250) / (1/1,250) = 1,250/1,300 - 1 = -0.0384615 -> -3.846 % (DOMAIN: -3.85 %)
    assert k_death.details["change_percent"] == "-3.846"
    assert k_death.target == Decimal("0.768")  # 0.800 x 0.96
    assert k_death.status == NOT_MET


@pytest.fixture
def baseline_goal(commune):
    """The plan compounds -4 % a year from 2024, whose K_chết is 9 / 10,000 x 1,000 = 0.900
    (a historical aggregate: 2024 is before the portal)."""
    plan = PlanFactory(commune=commune, start_year=2025, end_year=2030)
    PlanGoal.objects.create(
        plan=plan,
        text="Giảm ít nhất 4%/năm tần suất TNLĐ chết người",
        indicator=Code.FATALITY_FREQUENCY,
        direction=PlanGoal.Direction.DECREASE,
        target_value=Decimal("4"),
        method=PlanGoal.Method.BASELINE,
        baseline_year=2024,
    )
    return HistoricalAggregateFactory(
        commune=commune, year=2024, accidents=9, victims=9, deaths=9, workforce=10_000
    )


def test_2026_against_the_2024_baseline_is_met(commune, worked_example, baseline_goal):
    k_death = figures(commune, 2026)[Code.FATALITY_FREQUENCY]

    assert k_death.value == Decimal("0.769")
    assert k_death.method == "baseline"
    assert k_death.details["baseline_year"] == 2024
    assert k_death.details["baseline_value"] == "0.900"
    # 0.900 x 0.96 = 0.864; 0.900 x 0.96^2 = 0.82944
    assert k_death.details["target_path"] == {"2024": "0.900", "2025": "0.864", "2026": "0.829"}
    assert k_death.target == Decimal("0.829")
    assert k_death.status == MET  # 0.769 <= 0.829


def test_2025_against_the_2024_baseline(commune, worked_example, baseline_goal):
    k_death = figures(commune, 2025)[Code.FATALITY_FREQUENCY]

    assert k_death.target == Decimal("0.864")
    assert k_death.status == MET  # 0.800 <= 0.864


def test_a_baseline_more_than_three_years_back_is_still_found(commune, baseline_goal):
    """2030 against 2024: 0.900 x 0.96^6 = 0.900 x 0.782757789696 = 0.70448 -> 0.704.

    DOMAIN §4.2 prints 0.705 because it rounds 0.96^6 to 0.7828 before multiplying."""
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2030, workers_total=2000)
    accident(enterprise, local(2030, 4, 2), FATAL)

    k_death = figures(commune, 2030)[Code.FATALITY_FREQUENCY]

    assert k_death.value == Decimal("0.500")  # 1 / 2,000 x 1,000
    assert k_death.details["baseline_value"] == "0.900"
    assert k_death.target == Decimal("0.704")
    assert k_death.status == MET


# ------------------------------------------------------------------------------
# Small-number rule
# ------------------------------------------------------------------------------
@pytest.fixture
def steady_workforce(commune):
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2025, workers_total=400)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=400)
    return enterprise


def test_no_death_two_years_running_is_met(commune, steady_workforce):
    accident(steady_workforce, local(2026, 3, 3), MINOR)

    k_death = figures(commune, 2026)[Code.FATALITY_FREQUENCY]

    assert k_death.value == Decimal("0.000")
    assert k_death.status == MET
    assert "change_percent" not in k_death.details


def test_a_death_after_a_year_without_is_not_met_and_shows_no_percentage(commune, steady_workforce):
    accident(steady_workforce, local(2026, 3, 3), FATAL)

    k_death = figures(commune, 2026)[Code.FATALITY_FREQUENCY]

    assert k_death.value == Decimal("2.500")  # 1 / 400 x 1,000
    assert k_death.status == NOT_MET
    assert "change_percent" not in k_death.details
    assert k_death.target is None
    assert k_death.details["previous_deaths"] == 0


# ------------------------------------------------------------------------------
# Monitored establishments with harmful factors (+5 % a year)
# ------------------------------------------------------------------------------
def monitored(commune, year: int, count: int) -> list:
    return [
        ApprovedMonitoringFactory(enterprise=EnterpriseFactory(commune=commune), year=year)
        for _ in range(count)
    ]


def test_monitoring_20_to_21_is_met_from_the_records(commune):
    records_2025 = monitored(commune, 2025, 20)
    for record in records_2025:  # the same 20 again, plus one more
        ApprovedMonitoringFactory(enterprise=record.enterprise, year=2026)
    monitored(commune, 2026, 1)
    # A second round of one of them counts once; a record without exposed workers not at all.
    ApprovedMonitoringFactory(enterprise=records_2025[0].enterprise, year=2026, round=2)
    ApprovedMonitoringFactory(enterprise=EnterpriseFactory(commune=commune), workers_exposed=0)
    # A harmful establishment (annual report) that was not monitored: coverage 21 / 22.
    harmful = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=harmful, year=2026, workers_total=40, workers_exposed=12)

    values = figures(commune, 2026)
    growth = values[Code.MONITORED_ENTERPRISES]

    assert growth.value == 21
    assert growth.details["previous"] == 20
    assert growth.details["required"] == 21  # ceil(1.05 x 20) = ceil(21.0)
    assert growth.target == 21
    assert growth.details["growth_percent"] == "5.000"  # (21 - 20) / 20 x 100
    assert growth.status == MET
    coverage = values[Code.MONITORING_COVERAGE]
    assert (coverage.numerator, coverage.denominator) == (21, 22)
    assert coverage.value == Decimal("95.455")  # 21 / 22 x 100 = 95.4545


def test_monitoring_20_to_20_is_not_met(commune):
    HistoricalAggregateFactory(
        commune=commune, year=2025, harmful_establishments=30, monitored_establishments=20
    )
    monitored(commune, 2026, 20)

    growth = figures(commune, 2026)[Code.MONITORED_ENTERPRISES]

    assert growth.value == 20
    assert growth.details["previous"] == 20
    assert growth.details["required"] == 21
    assert growth.details["growth_percent"] == "0.000"
    assert growth.status == NOT_MET


def test_monitoring_21_after_an_aggregate_of_20_is_met(commune):
    HistoricalAggregateFactory(
        commune=commune, year=2025, harmful_establishments=30, monitored_establishments=20
    )
    monitored(commune, 2026, 21)

    growth = figures(commune, 2026)[Code.MONITORED_ENTERPRISES]

    assert (growth.value, growth.target, growth.status) == (21, 21, MET)


def test_monitoring_growth_from_0_to_1_is_met(commune):
    # Last year is on record (an approved annual report with exposed workers), none monitored.
    exposed(commune, total=40, exposed=12, year=2025)
    monitored(commune, 2026, 1)

    growth = figures(commune, 2026)[Code.MONITORED_ENTERPRISES]

    assert growth.value == 1
    assert growth.details["previous"] == 0
    assert growth.target == 1
    assert growth.status == MET
    assert "growth_percent" not in growth.details


def test_monitoring_0_to_0_is_not_met(commune):
    exposed(commune, total=40, exposed=12, year=2025)

    growth = figures(commune, 2026)[Code.MONITORED_ENTERPRISES]

    assert (growth.value, growth.status) == (0, NOT_MET)


def test_monitoring_growth_cannot_be_judged_without_last_years_records(commune):
    monitored(commune, 2026, 3)

    growth = figures(commune, 2026)[Code.MONITORED_ENTERPRISES]

    assert growth.value == 3
    assert growth.status == INSUFFICIENT
    assert growth.details["previous"] is None


# ------------------------------------------------------------------------------
# Examination of exposed workers (100 %)
# ------------------------------------------------------------------------------
def exposed(commune, *, total: int, exposed: int, examined: int = 0, year: int = 2026):
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(
        enterprise=enterprise,
        year=year,
        workers_total=total,
        workers_exposed=exposed,
        workers_exposed_examined=examined,
    )
    return enterprise


def test_examination_412_of_430_is_not_met(commune):
    quarry = exposed(commune, total=300, exposed=230, examined=212)
    bricks = exposed(commune, total=250, exposed=200, examined=200)
    ApprovedExamFactory(enterprise=quarry, exam_date=date(2026, 3, 12), workers_examined=212)
    ApprovedExamFactory(enterprise=bricks, exam_date=date(2026, 6, 10), workers_examined=200)
    # Never counted: a round still in draft, a round of last year.
    ApprovedExamFactory(
        enterprise=quarry, exam_date=date(2026, 9, 1), workers_examined=18, status="draft"
    )
    ApprovedExamFactory(enterprise=bricks, exam_date=date(2025, 10, 1), workers_examined=200)

    coverage = figures(commune, 2026)[Code.EXPOSED_EXAM_COVERAGE]

    assert (coverage.numerator, coverage.denominator) == (412, 430)
    assert coverage.value == Decimal("95.814")  # 412 / 430 x 100 = 95.8139
    assert coverage.target == 100
    assert coverage.status == NOT_MET
    assert coverage.details["annual_report_examined"] == 412  # the cross-check

    first_quarter = figures(commune, 2026, 1)[Code.EXPOSED_EXAM_COVERAGE]
    assert (first_quarter.numerator, first_quarter.denominator) == (212, 430)
    assert first_quarter.value == Decimal("49.302")  # 212 / 430 x 100 = 49.3023


def test_repeated_exam_rounds_never_push_coverage_past_100(commune):
    enterprise = exposed(commune, total=80, exposed=50)
    ApprovedExamFactory(enterprise=enterprise, exam_date=date(2026, 3, 1), workers_examined=40)
    ApprovedExamFactory(enterprise=enterprise, exam_date=date(2026, 9, 1), workers_examined=40)

    coverage = figures(commune, 2026)[Code.EXPOSED_EXAM_COVERAGE]

    assert coverage.details["enterprises"] == [
        {"enterprise": enterprise.name, "exposed": 50, "examined": 80, "counted": 50}
    ]
    assert (coverage.numerator, coverage.denominator) == (50, 50)
    assert coverage.value == Decimal("100.000")
    assert coverage.status == MET


# ------------------------------------------------------------------------------
# Workforce N: the fallback chain and "ngoài mẫu số"
# ------------------------------------------------------------------------------
def test_the_workforce_fallback_chain_and_victims_outside_the_denominator(commune):
    # A: annual report of 2026 (100) wins over its H1 report (95) and last year's (90).
    a = EnterpriseFactory(commune=commune, name="A")
    ApprovedAnnualReportFactory(enterprise=a, year=2026, workers_total=100)
    ApprovedH1ReportFactory(enterprise=a, year=2026, workers_total=95)
    ApprovedAnnualReportFactory(enterprise=a, year=2025, workers_total=90)
    # B: no annual report of 2026 -> its approved H1 report (50) wins over 2025's (40).
    b = EnterpriseFactory(commune=commune, name="B")
    ApprovedH1ReportFactory(enterprise=b, year=2026, workers_total=50)
    ApprovedAnnualReportFactory(enterprise=b, year=2025, workers_total=40)
    # C: only the annual report of 2025 (30): provisional.
    c = EnterpriseFactory(commune=commune, name="C")
    ApprovedAnnualReportFactory(enterprise=c, year=2025, workers_total=30)
    # D: only a report not yet approved -> no N at all.
    d = EnterpriseFactory(commune=commune, name="D")
    ApprovedAnnualReportFactory(
        enterprise=d, year=2026, workers_total=500, status=Filing.Status.SUBMITTED
    )
    managed = accident(a, local(2026, 2, 2), MINOR)
    outsider = CountedAccidentFactory(enterprise=a, occurred_at=local(2026, 4, 4))
    VictimFactory(accident=outsider, severity=SERIOUS, under_management=False)
    no_workforce = accident(d, local(2026, 5, 5), FATAL)

    values = figures(commune, 2026)
    k = values[Code.ACCIDENT_FREQUENCY]

    # N = 100 + 50 + 30 = 180; only A's managed victim is inside: 1 / 180 x 1,000 = 5.5556
    assert (k.numerator, k.denominator) == (1, 180)
    assert k.value == Decimal("5.556")
    assert k.provisional
    assert k.details["workforce_sources"] == {
        str(a.pk): [100, "annual"],
        str(b.pk): [50, "h1"],
        str(c.pk): [30, "annual_previous"],
    }
    assert k.source_note == (
        "1 x annual OSH report of the year; 1 x Appendix XII report of the first half; "
        "1 x annual OSH report of the previous year (provisional)"
    )
    outside = {(row["accident"], row["reason"], row["severity"]) for row in k.details["outside"]}
    assert outside == {
        (str(outsider.public_id), "not_managed", SERIOUS),
        (str(no_workforce.public_id), "no_workforce", FATAL),
    }
    k_death = values[Code.FATALITY_FREQUENCY]
    assert (k_death.numerator, k_death.denominator, k_death.value) == (0, 180, Decimal("0.000"))
    assert len(k_death.details["outside"]) == 2
    # The absolute counts keep every victim.
    assert values[Code.ACCIDENTS].value == 3
    assert values[Code.ACCIDENT_DEATHS].value == 1
    assert values[Code.ACCIDENTS].details["victims"] == 3
    assert str(managed.public_id) in {r["public_id"] for r in k.details["records"]}


def test_without_any_report_of_this_year_n_is_last_years_and_provisional(commune):
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2025, workers_total=800)
    accident(enterprise, local(2026, 2, 14), FATAL)

    values = figures(commune, 2026, 1, today=date(2026, 4, 2))
    k_death = values[Code.FATALITY_FREQUENCY]

    assert (k_death.numerator, k_death.denominator) == (1, 800)
    assert k_death.value == Decimal("1.250")  # 1 / 800 x 1,000
    assert k_death.provisional
    assert k_death.source_note == "1 x annual OSH report of the previous year (provisional)"


# ------------------------------------------------------------------------------
# Historical aggregates: only for a year without records
# ------------------------------------------------------------------------------
def test_an_aggregate_is_used_for_a_year_without_records_and_ignored_otherwise(commune):
    old = HistoricalAggregateFactory(
        commune=commune,
        year=2025,
        accidents=4,
        victims=5,
        deaths=2,
        serious=1,
        workforce=1000,
        exposed=200,
        examined=150,
        harmful_establishments=8,
        monitored_establishments=5,
        source_document="45/BC-UBND",
    )
    HistoricalAggregateFactory(
        commune=commune, year=2026, accidents=9, victims=9, deaths=9, workforce=5000
    )
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=200)
    accident(enterprise, local(2026, 7, 1), FATAL, MINOR)

    before = figures(commune, 2025)
    k_death = before[Code.FATALITY_FREQUENCY]
    assert k_death.value == Decimal("2.000")  # 2 / 1,000 x 1,000
    assert k_death.details["aggregate"] == str(old.public_id)
    assert k_death.source_note == "historical aggregate 45/BC-UBND"
    assert before[Code.ACCIDENT_FREQUENCY].value == Decimal("5.000")  # 5 / 1,000 x 1,000
    assert before[Code.ACCIDENTS].value == 4
    assert before[Code.EXPOSED_EXAM_COVERAGE].value == Decimal("75.000")  # 150 / 200
    assert before[Code.MONITORED_ENTERPRISES].value == 5
    assert before[Code.MONITORING_COVERAGE].value == Decimal("62.500")  # 5 / 8

    now = figures(commune, 2026)
    k_death = now[Code.FATALITY_FREQUENCY]
    assert (k_death.numerator, k_death.denominator) == (1, 200)  # records, not 9 / 5,000
    assert k_death.value == Decimal("5.000")
    assert k_death.details["aggregate"] == ""
    assert k_death.source_note == "1 x annual OSH report of the year"
    # Last year's figure for the comparison comes from the 2025 aggregate: 2.000 -> 5.000.
    assert k_death.details["previous_value"] == "2.000"
    assert k_death.details["change_percent"] == "150.000"
    assert k_death.status == NOT_MET
    assert now[Code.ACCIDENTS].value == 1


# ------------------------------------------------------------------------------
# Which accidents count
# ------------------------------------------------------------------------------
def test_counting_rules_for_accidents(commune):
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2025, workers_total=1000)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=1000)
    # 00:30 on 1 January in Vietnam is still 31 December in UTC: it counts in 2026.
    new_year = accident(enterprise, local(2026, 1, 1, 0, 30), SERIOUS)
    old_year = accident(enterprise, local(2025, 12, 31, 23, 30), MINOR)
    commuting = accident(enterprise, local(2026, 3, 1), FATAL, commuting=True)
    accident(enterprise, local(2026, 3, 2), FATAL, kind=Accident.Kind.TECHNICAL_INCIDENT)
    accident(enterprise, local(2026, 3, 3), FATAL, status=Accident.Status.NOT_OCCUPATIONAL)
    accident(enterprise, local(2026, 3, 4), FATAL, status=Accident.Status.DRAFT)

    values = figures(commune, 2026)
    k = values[Code.ACCIDENT_FREQUENCY]
    assert (k.numerator, k.value) == (1, Decimal("1.000"))  # the 00:30 victim only
    assert [r["public_id"] for r in k.details["records"]] == [str(new_year.public_id)]
    assert k.details["records"][0]["date"] == "2026-01-01"
    assert (k.details["commuting_victims"], k.details["commuting_deaths"]) == (1, 1)
    k_death = values[Code.FATALITY_FREQUENCY]
    assert (k_death.numerator, k_death.value) == (0, Decimal("0.000"))
    accidents = values[Code.ACCIDENTS]
    assert accidents.value == 1
    assert (accidents.details["commuting_accidents"], accidents.details["commuting_victims"]) == (
        1,
        1,
    )
    assert values[Code.ACCIDENT_DEATHS].value == 0
    assert str(commuting.public_id) not in {r["public_id"] for r in k.details["records"]}

    last_year = figures(commune, 2025)[Code.ACCIDENT_FREQUENCY]
    assert [r["public_id"] for r in last_year.details["records"]] == [str(old_year.public_id)]


# ------------------------------------------------------------------------------
# Recompute: upserted, never incremented
# ------------------------------------------------------------------------------
def test_recomputing_twice_gives_identical_rows(commune, worked_example, baseline_goal):
    enterprise = exposed(commune, total=300, exposed=230, examined=100)
    ApprovedExamFactory(enterprise=enterprise, exam_date=date(2026, 3, 12), workers_examined=100)
    monitored(commune, 2026, 2)
    today = date(2026, 11, 29)

    def snapshot() -> list[dict]:
        return list(
            IndicatorValue.objects.filter(commune=commune)
            .order_by("year", "quarter", "code")
            .values()
        )

    first = indicators_recompute(
        commune_id=commune.pk, year=2026, trigger=ComputationRun.Trigger.COMMAND, today=today
    )
    rows = snapshot()
    second = indicators_recompute(
        commune_id=commune.pk, year=2026, trigger=ComputationRun.Trigger.COMMAND, today=today
    )
    again = snapshot()

    assert first.status == second.status == ComputationRun.Status.DONE
    # The full year and the four quarters-to-date (today is in Q4), one row per code.
    assert first.values_written == 5 * len(Code.values) == len(rows)
    assert {row["run_id"] for row in again} == {second.pk}
    ignore = {"computed_at", "run_id"}
    assert [{k: v for k, v in row.items() if k not in ignore} for row in rows] == [
        {k: v for k, v in row.items() if k not in ignore} for row in again
    ]
    full_year = IndicatorValue.objects.get(
        commune=commune, year=2026, quarter=0, code=Code.FATALITY_FREQUENCY
    )
    # N = 1,000 + 300 + 300 (the exposed enterprise) = 1,600: 1 / 1,600 x 1,000 = 0.625
    assert (full_year.value, full_year.target, full_year.status) == (
        Decimal("0.625"),
        Decimal("0.829"),
        MET,
    )
