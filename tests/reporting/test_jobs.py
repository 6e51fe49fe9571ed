"""The recompute job: the management command (with --dry-run), coalescing of a burst of edits,
and the outbox row that reaches the task (eager in tests; tests/integration has the real worker)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Outbox
from atvsld_portal.services import RECOMPUTE_TASK, outbox_enqueue
from incidents.models import Victim
from reporting.models import ComputationRun, IndicatorValue
from reporting.services import indicators_recompute
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import HCM, VictimFactory
from tests.reporting.factories import ApprovedAnnualReportFactory, CountedAccidentFactory, local

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
