"""The outbox: work is recorded with the change and published after commit, never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction

from atvsld_portal.celery import app as celery_app
from atvsld_portal.models import Outbox, WorkerHeartbeat
from atvsld_portal.services import outbox_enqueue, outbox_sweep

pytestmark = pytest.mark.django_db
HEARTBEAT = "atvsld_portal.tasks.worker_heartbeat_task"


@pytest.fixture
def broker_down():
    """Publish for real (not eagerly) to a closed port: the broker is down."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    _reset_connection_pools()
    yield
    conf.task_always_eager, conf.broker_url = saved
    _reset_connection_pools()


def _reset_connection_pools():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_row_is_published_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = outbox_enqueue(task_name=HEARTBEAT, args=["host-a"])
        assert Outbox.objects.get(pk=row.pk).status == Outbox.Status.PENDING
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT
    assert row.sent_at is not None
    # Eager mode (make run): the task ran in-process.
    assert WorkerHeartbeat.objects.filter(hostname="host-a").exists()


def test_nothing_is_published_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    def failing_change():
        with transaction.atomic():
            outbox_enqueue(task_name=HEARTBEAT, args=["host-b"])
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_change()
    assert callbacks == []
    assert not Outbox.objects.exists()
    assert not WorkerHeartbeat.objects.exists()


def test_pending_rows_coalesce_per_task_and_args():
    first = outbox_enqueue(task_name=HEARTBEAT, args=["host-c"])
    second = outbox_enqueue(task_name=HEARTBEAT, args=["host-c"])
    other = outbox_enqueue(task_name=HEARTBEAT, args=["host-d"])
    assert first.pk == second.pk
    assert other.pk != first.pk
    assert Outbox.objects.filter(status=Outbox.Status.PENDING).count() == 2


def test_unregistered_task_stays_pending_and_the_sweep_skips_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox_enqueue(task_name="reporting.tasks.not_built_yet", args=[1, 2026])
    row.refresh_from_db()
    assert row.status == Outbox.Status.PENDING
    Outbox.objects.filter(pk=row.pk).update(created_at=row.created_at - timedelta(hours=1))
    assert outbox_sweep() == 0
    row.refresh_from_db()
    assert row.status == Outbox.Status.PENDING
    assert row.attempts == 0


def test_a_broker_outage_never_fails_the_save_and_keeps_the_row(
    broker_down, django_capture_on_commit_callbacks, commune
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        commune.name = "Ea Ly (đổi tên)"
        commune.save()
        row = outbox_enqueue(task_name=HEARTBEAT, args=["host-e"])
    commune.refresh_from_db()
    assert commune.name == "Ea Ly (đổi tên)"
    row.refresh_from_db()
    assert row.status == Outbox.Status.PENDING
    assert row.attempts == 1
    assert "Error" in row.last_error


def test_broker_timeouts_bound_the_wait():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] == 2
    assert options["socket_timeout"] == 5
    assert options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_sweep_publishes_rows_left_pending():
    row = outbox_enqueue(task_name=HEARTBEAT, args=["host-f"])  # no commit hook ran
    assert outbox_sweep() == 0  # still inside the grace period
    Outbox.objects.filter(pk=row.pk).update(created_at=row.created_at - timedelta(minutes=10))
    assert outbox_sweep() == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT
    assert WorkerHeartbeat.objects.filter(hostname="host-f").exists()


def test_a_new_change_after_sending_gets_a_new_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox_enqueue(task_name=HEARTBEAT, args=["host-g"])
    with django_capture_on_commit_callbacks(execute=True):
        second = outbox_enqueue(task_name=HEARTBEAT, args=["host-g"])
    assert first.pk != second.pk
    assert Outbox.objects.filter(status=Outbox.Status.SENT).count() == 2
