"""Through a real Celery worker and Redis: the outbox hook and the sweep both reach the worker."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from atvsld_portal.celery import app as celery_app
from atvsld_portal.models import Outbox, WorkerHeartbeat
from atvsld_portal.services import outbox_dedup_key, outbox_enqueue, outbox_sweep

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
HEARTBEAT = "atvsld_portal.tasks.worker_heartbeat_task"


def _reset_connection_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def live_worker():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: `make test` sets it; run through make")
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = settings.REDIS_URL
    _reset_connection_pools()
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"
    ) as worker:
        yield worker
    conf.task_always_eager, conf.broker_url = saved
    _reset_connection_pools()


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_outbox_hook_reaches_a_real_worker(live_worker):
    with transaction.atomic():
        row = outbox_enqueue(task_name=HEARTBEAT, args=["worker-roundtrip"])
    assert _wait_for(lambda: WorkerHeartbeat.objects.filter(hostname="worker-roundtrip").exists())
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT


def test_the_sweep_enqueues_a_row_left_pending(live_worker):
    args = ["worker-sweep"]
    row = Outbox.objects.create(
        task_name=HEARTBEAT,
        args=args,
        dedup_key=outbox_dedup_key(HEARTBEAT, args),
        created_at=timezone.now() - timedelta(minutes=10),
    )
    assert outbox_sweep() == 1
    assert _wait_for(lambda: WorkerHeartbeat.objects.filter(hostname="worker-sweep").exists())
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT


def test_the_sweep_task_itself_runs_on_the_worker(live_worker):
    args = ["worker-beat"]
    Outbox.objects.create(
        task_name=HEARTBEAT,
        args=args,
        dedup_key=outbox_dedup_key(HEARTBEAT, args),
        created_at=timezone.now() - timedelta(minutes=10),
    )
    celery_app.signature("atvsld_portal.tasks.outbox_sweep_task").apply_async()
    assert _wait_for(lambda: WorkerHeartbeat.objects.filter(hostname="worker-beat").exists())
