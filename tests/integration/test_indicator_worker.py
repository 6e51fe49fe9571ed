"""Indicators through a real Celery worker and Redis: a burst of edits costs one run, and a
record saved while the broker refuses connections is recomputed once the sweep has run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from atvsld_portal.celery import app as celery_app
from atvsld_portal.indicators import IndicatorCode as Code
from atvsld_portal.models import Filing, Outbox
from atvsld_portal.services import RECOMPUTE_TASK, outbox_sweep
from incidents.models import Accident, Victim
from incidents.services import accident_submit, accident_year
from reporting.historical import historical_aggregate_save
from reporting.models import ComputationRun, HistoricalAggregate, IndicatorValue
from tests.enterprises.factories import EnterpriseFactory
from tests.incidents.factories import VictimFactory
from tests.integration.test_worker import (  # the real worker of the core tests
    _reset_connection_pools,
    _wait_for,
    live_worker,  # noqa: F401 - a fixture, started with request.getfixturevalue
)
from tests.reporting.factories import CountedAccidentFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
EDITS = 20
REFUSING_BROKER = "redis://127.0.0.1:1/0"


def _use_broker(url: str) -> None:
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = url
    _reset_connection_pools()


@pytest.fixture
def broker() -> Iterator[None]:
    """Publish for real (not eagerly); each test points the app at Redis or at a closed port.
    The queue starts empty, and the eager settings come back afterwards."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: `make test` sets it; run through make")
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    _use_broker(settings.REDIS_URL)
    celery_app.control.purge()
    yield
    conf.task_always_eager, conf.broker_url = saved
    _reset_connection_pools()


def _runs(commune, year: int) -> dict[str, int]:
    runs = ComputationRun.objects.filter(commune=commune, year=year)
    return {status: runs.filter(status=status).count() for status in ComputationRun.Status.values}


def _value(commune, year: int, code: str):
    return (
        IndicatorValue.objects.filter(commune=commune, year=year, quarter=0, code=code)
        .values_list("value", flat=True)
        .first()
    )


def test_twenty_edits_committed_before_the_worker_starts_cost_one_run(
    broker, request, commune, officer
):
    year = timezone.localdate().year  # no later year to refresh: one outbox row per save
    aggregate = HistoricalAggregate()
    for accidents in range(1, EDITS + 1):  # each save commits and publishes its own message
        aggregate = historical_aggregate_save(
            aggregate=aggregate,
            by=officer,
            commune=commune,
            data={
                "year": year,
                "accidents": accidents,
                "victims": accidents,
                "deaths": 1,
                "workforce": 1250,
                "source_document": "45/BC-UBND",
                "source_date": timezone.localdate(),
            },
        )
    rows = Outbox.objects.filter(task_name=RECOMPUTE_TASK)
    assert rows.filter(status=Outbox.Status.SENT).count() == EDITS
    assert not ComputationRun.objects.exists()

    request.getfixturevalue("live_worker")

    assert _wait_for(
        lambda: ComputationRun.objects.filter(status__in=["done", "skipped"]).count() == EDITS
    )
    assert _runs(commune, year) == {"running": 0, "done": 1, "skipped": EDITS - 1, "failed": 0}
    assert _value(commune, year, Code.ACCIDENTS) == EDITS  # the last edit
    assert str(_value(commune, year, Code.FATALITY_FREQUENCY)) == "0.800"  # 1 / 1,250 x 1,000


def test_a_record_saved_while_the_broker_is_down_is_recomputed_after_the_sweep(
    broker, request, commune, officer
):
    enterprise = EnterpriseFactory(commune=commune)
    draft = CountedAccidentFactory(
        enterprise=enterprise,
        status=Accident.Status.DRAFT,
        receipt_number=None,
        occurred_at=timezone.now() - timedelta(hours=2),
    )
    VictimFactory(accident=draft, severity=Victim.Severity.FATAL)
    year = accident_year(draft)

    _use_broker(REFUSING_BROKER)
    accident_submit(accident=draft, by=officer, channel=Filing.Channel.PAPER)

    draft.refresh_from_db()
    assert draft.status == Accident.Status.SUBMITTED  # the save did not fail
    assert draft.receipt_number
    recompute = Outbox.objects.get(task_name=RECOMPUTE_TASK)
    assert (recompute.status, recompute.attempts) == (Outbox.Status.PENDING, 1)
    assert recompute.last_error
    assert not ComputationRun.objects.exists()

    request.getfixturevalue("live_worker")  # the broker is back, with a worker
    assert outbox_sweep(grace=timedelta(0)) >= 1

    assert _wait_for(lambda: _value(commune, year, Code.ACCIDENT_DEATHS) == 1)
    recompute.refresh_from_db()
    assert recompute.status == Outbox.Status.SENT
    assert _runs(commune, year)["done"] == 1
    assert _value(commune, year, Code.ACCIDENTS) == 1
