"""The recompute job: the management command (with --dry-run), coalescing of a burst of edits,
the outbox row that reaches the task (eager in tests; tests/integration has the real worker), and
the nightly recompute of every commune."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Outbox, ReportingPeriod
from atvsld_portal.services import RECOMPUTE_TASK, outbox_enqueue
from incidents.models import Accident, Victim
from plans.models import ActivityReport, PlanGoal
from reporting.models import ComputationRun, IndicatorValue
from reporting.services import (
    RECOMPUTE_SHARD_TASK,
    indicators_recompute,
    indicators_recompute_all,
)
from tests.core.factories import CommuneFactory
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import HCM, VictimFactory
from tests.plans.factories import ActivityReportFactory, AssignmentFactory, PlanFactory
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
TODAY = date(2026, 11, 29)
# 15 codes for the full year and each of the four quarters-to-date started by 29/11/2026.
VALUES_PER_YEAR = 5 * 15
DONE, SKIPPED = ComputationRun.Status.DONE, ComputationRun.Status.SKIPPED


@pytest.fixture
def records(commune):
    enterprise = EnterpriseFactory(commune=commune)
    ApprovedAnnualReportFactory(enterprise=enterprise, year=2026, workers_total=500)
    accident = CountedAccidentFactory(enterprise=enterprise, occurred_at=local(2026, 6, 1))
    VictimFactory(accident=accident, severity=Victim.Severity.FATAL)
    return enterprise


def frozen():
    return time_machine.travel(datetime(2026, 11, 29, 9, tzinfo=HCM), tick=False)


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("recompute_indicators", *args, stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------------------
# Management command
# ------------------------------------------------------------------------------
def test_dry_run_writes_nothing_and_prints_the_counts(commune, records):
    with frozen():
        output = run_command("--commune", "Ea Ly", "--year", "2026", "--dry-run")

    assert output == f"Ea Ly 2026: would write {VALUES_PER_YEAR} values\n"
    assert not IndicatorValue.objects.exists()
    assert not ComputationRun.objects.exists()


def test_the_command_writes_the_values(commune, records):
    with frozen():
        output = run_command("--commune", "Ea Ly", "--year", "2026")

    assert output == f"Ea Ly 2026: wrote {VALUES_PER_YEAR} values\n"
    run = ComputationRun.objects.get()
    assert (run.status, run.trigger, run.values_written) == (
        DONE,
        ComputationRun.Trigger.COMMAND,
        VALUES_PER_YEAR,
    )
    assert IndicatorValue.objects.filter(commune=commune, year=2026).count() == VALUES_PER_YEAR
    value = IndicatorValue.objects.get(
        commune=commune, year=2026, quarter=0, code=Code.FATALITY_FREQUENCY
    )
    assert value.value == Decimal("2.000")  # 1 / 500 x 1,000
    assert value.run == run


def test_by_default_the_command_does_last_year_and_this_year(commune, records):
    with frozen():
        output = run_command("--commune", "Ea Ly")

    # Recomputing 2025 also refreshes 2026, whose comparisons read 2025.
    assert output == (
        f"Ea Ly 2025: wrote {2 * VALUES_PER_YEAR} values\n"
        f"Ea Ly 2026: wrote {VALUES_PER_YEAR} values\n"
    )
    assert set(IndicatorValue.objects.values_list("year", flat=True)) == {2025, 2026}


def test_the_command_refuses_an_unknown_commune(commune):
    with pytest.raises(CommandError, match="Ea Nowhere"):
        run_command("--commune", "Ea Nowhere")


# ------------------------------------------------------------------------------
# Coalescing: a burst of edits costs one run
# ------------------------------------------------------------------------------
def mark_sent(row: Outbox) -> None:
    Outbox.objects.filter(pk=row.pk).update(status=Outbox.Status.SENT, sent_at=timezone.now())


def test_a_second_run_with_nothing_new_is_skipped(commune, records):
    mark_sent(outbox_enqueue(task_name=RECOMPUTE_TASK, args=[commune.pk, 2026]))

    first = indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)
    second = indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)

    assert (first.status, first.values_written) == (DONE, VALUES_PER_YEAR)
    assert (second.status, second.values_written) == (SKIPPED, 0)
    assert second.finished_at is not None
    # The values still belong to the run that computed them.
    assert set(IndicatorValue.objects.values_list("run", flat=True)) == {first.pk}


def test_a_pending_outbox_row_forces_a_recompute(commune, records):
    mark_sent(outbox_enqueue(task_name=RECOMPUTE_TASK, args=[commune.pk, 2026]))
    indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)

    outbox_enqueue(task_name=RECOMPUTE_TASK, args=[commune.pk, 2026])  # a new edit, not sent yet
    again = indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)

    assert again.status == DONE
    assert set(IndicatorValue.objects.values_list("run", flat=True)) == {again.pk}


def test_a_row_sent_after_the_last_run_started_forces_a_recompute(commune, records):
    indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)
    mark_sent(outbox_enqueue(task_name=RECOMPUTE_TASK, args=[commune.pk, 2026]))

    again = indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)

    assert again.status == DONE


def test_runs_of_the_command_or_the_night_are_never_skipped(commune, records):
    indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)
    for trigger in (ComputationRun.Trigger.COMMAND, ComputationRun.Trigger.NIGHTLY):
        run = indicators_recompute(commune_id=commune.pk, year=2026, trigger=trigger, today=TODAY)
        assert run.status == DONE


def test_another_commune_or_year_is_not_coalesced(commune, other_commune, records):
    indicators_recompute(commune_id=commune.pk, year=2026, today=TODAY)

    assert indicators_recompute(commune_id=commune.pk, year=2025, today=TODAY).status == DONE
    assert indicators_recompute(commune_id=other_commune.pk, year=2026, today=TODAY).status == DONE


# ------------------------------------------------------------------------------
# The outbox row reaches the task (eager Celery in tests)
# ------------------------------------------------------------------------------
def test_an_edit_committed_with_its_outbox_row_recomputes(
    commune, records, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = outbox_enqueue(task_name=RECOMPUTE_TASK, args=[commune.pk, 2026])

    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT
    run = ComputationRun.objects.get(commune=commune, year=2026)
    assert (run.status, run.trigger) == (DONE, ComputationRun.Trigger.RECORD_CHANGED)
    assert IndicatorValue.objects.filter(
        commune=commune, year=2026, quarter=0, code=Code.ACCIDENT_DEATHS, value=1
    ).exists()


# ------------------------------------------------------------------------------
# The nightly recompute of every commune (records read for all communes at once)
# ------------------------------------------------------------------------------
def busy(commune, workers: int) -> None:
    """A commune with records of every source the indicators read, over three years."""
    quarry = EnterpriseFactory(commune=commune)
    bricks = EnterpriseFactory(commune=commune)
    EnterpriseFactory(commune=commune)  # owes filings, files none
    for year, total in ((2024, workers), (2025, workers + 50)):
        ApprovedAnnualReportFactory(
            enterprise=quarry,
            year=year,
            workers_total=total,
            workers_exposed=40,
            workers_exposed_examined=30,
            training_g1_total=10,
            training_g1_trained=8,
        )
    ApprovedAnnualReportFactory(enterprise=bricks, year=2026, workers_total=workers // 2)
    ApprovedH1ReportFactory(enterprise=bricks, year=2025, workers_total=workers // 3)
    fatal = CountedAccidentFactory(enterprise=quarry, occurred_at=local(2025, 5, 6))
    VictimFactory(accident=fatal, severity=Victim.Severity.FATAL)
    VictimFactory(accident=fatal, severity=Victim.Severity.SERIOUS, under_management=False)
    # 00:30 on 1 January in Vietnam is still 2025 in UTC: it counts in 2026.
    new_year = CountedAccidentFactory(enterprise=bricks, occurred_at=local(2026, 1, 1, 0, 30))
    VictimFactory(accident=new_year, severity=Victim.Severity.MINOR)
    commuting = CountedAccidentFactory(
        enterprise=quarry, occurred_at=local(2026, 8, 2), commuting=True
    )
    VictimFactory(accident=commuting, severity=Victim.Severity.FATAL)
    informal = CountedAccidentFactory(
        enterprise=None,
        commune=commune,
        sector=Accident.Sector.INFORMAL,
        occurred_at=local(2025, 9, 9),
    )
    VictimFactory(accident=informal, severity=Victim.Severity.SERIOUS)
    ApprovedExamFactory(enterprise=quarry, exam_date=date(2025, 3, 12), workers_examined=35)
    ApprovedMonitoringFactory(enterprise=quarry, year=2025)
    ApprovedMonitoringFactory(enterprise=bricks, year=2026)
    HistoricalAggregateFactory(
        commune=commune, year=2023, accidents=1, victims=1, deaths=1, workforce=workers
    )
    plan = PlanFactory(commune=commune, start_year=2025, end_year=2030)
    PlanGoal.objects.create(
        plan=plan,
        text="Giảm ít nhất 4%/năm tần suất TNLĐ chết người",
        indicator=Code.FATALITY_FREQUENCY,
        direction=PlanGoal.Direction.DECREASE,
        target_value=Decimal("4"),
        method=PlanGoal.Method.BASELINE,
        baseline_year=2023,
    )
    quarterly = AssignmentFactory(task__group__plan=plan)
    ActivityReportFactory(
        assignment=quarterly,
        occurred_on=date(2026, 2, 3),
        status=ActivityReport.Status.ACCEPTED,
        participants=workers // 10,
    )
    ActivityReportFactory(assignment=quarterly, occurred_on=date(2026, 5, 4))
    # The annual report periods count for the filing figures once opened.
    ReportingPeriod.objects.filter(commune=commune).update(opened_at=timezone.now())


def stored_values() -> dict[tuple, dict]:
    ignore = {"id", "public_id", "run_id", "computed_at"}
    return {
        (row["commune_id"], row["year"], row["quarter"], row["code"]): {
            key: value for key, value in row.items() if key not in ignore
        }
        for row in IndicatorValue.objects.values()
    }


def test_the_nightly_run_writes_what_a_run_per_commune_and_year_writes(commune, other_commune):
    busy(commune, workers=1000)
    busy(other_commune, workers=400)

    with frozen():
        made = indicators_recompute_all()
    nightly = stored_values()

    assert made == 4
    runs = ComputationRun.objects.all()
    assert {(run.commune_id, run.year) for run in runs} == {
        (c.pk, y) for c in (commune, other_commune) for y in (2025, 2026)
    }
    assert {(run.trigger, run.status, run.values_written) for run in runs} == {
        (ComputationRun.Trigger.NIGHTLY, DONE, VALUES_PER_YEAR)
    }
    for run in runs:
        assert run.values.count() == VALUES_PER_YEAR
    assert len(nightly) == 4 * VALUES_PER_YEAR
    # Every source counts somewhere (else the comparison below would prove little).
    value = nightly[commune.pk, 2025, 0, Code.ACCIDENT_DEATHS]
    assert value["value"] == 1
    assert nightly[commune.pk, 2026, 2, Code.PROPAGANDA_PARTICIPANTS]["value"] == 100
    assert nightly[commune.pk, 2025, 0, Code.INFORMAL_ACCIDENTS]["value"] == 1
    assert nightly[commune.pk, 2026, 0, Code.FATALITY_FREQUENCY]["method"] == "baseline"
    assert nightly[other_commune.pk, 2026, 0, Code.ON_TIME_FILING]["denominator"] == 3

    for each in (commune, other_commune):
        for year in (2025, 2026):
            indicators_recompute(
                commune_id=each.pk,
                year=year,
                trigger=ComputationRun.Trigger.COMMAND,
                today=TODAY,
                follow_next_year=False,
            )
    assert stored_values() == nightly


def test_the_nightly_run_reads_in_the_same_number_of_queries_for_more_communes(province, commune):
    busy(commune, workers=1000)

    def queries() -> int:
        with frozen(), CaptureQueriesContext(connection) as captured:
            indicators_recompute_all()
        return len(captured)

    few = queries()
    for workers in (300, 500, 700):
        busy(CommuneFactory(parent=province), workers=workers)
    assert queries() == few
    assert ComputationRun.objects.filter(trigger=ComputationRun.Trigger.NIGHTLY).count() == 2 + 8


def test_a_dry_run_of_the_night_writes_nothing(commune):
    busy(commune, workers=1000)

    with frozen():
        assert indicators_recompute_all(dry_run=True) == 2

    assert not IndicatorValue.objects.exists()
    assert not ComputationRun.objects.exists()


def test_the_nightly_task_queues_shards_that_cover_every_commune_once(
    province, commune, other_commune, settings, django_capture_on_commit_callbacks
):
    from reporting.tasks import recompute_all_indicators_task

    busy(commune, workers=1000)
    busy(other_commune, workers=400)
    third = CommuneFactory(parent=province)
    settings.INDICATOR_RECOMPUTE_SHARDS = 2

    # Published after commit and run eagerly, as a worker's processes would run them.
    with frozen(), django_capture_on_commit_callbacks(execute=True):
        assert recompute_all_indicators_task() == 2
    shards = Outbox.objects.filter(task_name=RECOMPUTE_SHARD_TASK)

    assert shards.count() == 2
    assert {row.status for row in shards} == {Outbox.Status.SENT}
    dealt = [pk for row in shards for pk in row.args[0]]
    assert sorted(dealt) == sorted([commune.pk, other_commune.pk, third.pk])
    assert {tuple(row.args[1]) for row in shards} == {(2025, 2026)}
    runs = ComputationRun.objects.filter(trigger=ComputationRun.Trigger.NIGHTLY)
    assert sorted((run.commune_id, run.year) for run in runs) == sorted(
        (c.pk, y) for c in (commune, other_commune, third) for y in (2025, 2026)
    )
    nightly = stored_values()
    # A shard writes what the whole night in one task writes.
    IndicatorValue.objects.all().delete()
    with frozen():
        indicators_recompute_all()
    assert stored_values() == nightly


def test_details_are_compressed_with_lz4_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL column setting")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = 'reporting_indicatorvalue'::regclass AND attname = 'details'"
        )
        assert cursor.fetchone()[0] == "l"
