"""Core Celery tasks: thin wrappers over services."""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from atvsld_portal.models import WorkerHeartbeat
from atvsld_portal.services import outbox_sweep


@shared_task(name="atvsld_portal.tasks.outbox_sweep_task", acks_late=True)
def outbox_sweep_task() -> int:
    return outbox_sweep()


@shared_task(name="atvsld_portal.tasks.worker_heartbeat_task", acks_late=True)
def worker_heartbeat_task(hostname: str | None = None) -> None:
    """Record that a worker is alive (idempotent upsert); /healthz reads it."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname or socket.gethostname(), defaults={"seen_at": timezone.now()}
    )
