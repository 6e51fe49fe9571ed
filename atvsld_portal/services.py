"""Core write-side operations: the outbox.

A service that changes data calls :func:`outbox_enqueue` inside its transaction. After commit,
the row is published to Celery as a best effort; the beat sweep (:func:`outbox_sweep`)
publishes what is still pending. A broker outage therefore never fails a save, and never makes
it wait more than a few seconds.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from atvsld_portal.celery import app as celery_app
from atvsld_portal.models import Outbox

logger = logging.getLogger(__name__)

# One quick retry of the publish, then give up and leave the row to the sweep.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0,
    "interval_max": 0.2,
}
SWEEP_BATCH_SIZE = 200


def outbox_dedup_key(task_name: str, args: list) -> str:
    return f"{task_name}:{json.dumps(args, sort_keys=True, separators=(',', ':'))}"


@transaction.atomic
def outbox_enqueue(*, task_name: str, args: list | None = None) -> Outbox:
    """Record work to run after the surrounding transaction commits.

    At most one pending row exists per (task, args): a second change before the first is
    published joins the pending row instead of adding another.
    """
    args = list(args or [])
    key = outbox_dedup_key(task_name, args)
    row = Outbox.objects.filter(dedup_key=key, status=Outbox.Status.PENDING).first()
    if row is None:
        try:
            with transaction.atomic():
                row = Outbox.objects.create(task_name=task_name, args=args, dedup_key=key)
        except IntegrityError:
            # A concurrent transaction inserted the same pending row first.
            row = Outbox.objects.get(dedup_key=key, status=Outbox.Status.PENDING)
    transaction.on_commit(partial(outbox_publish, outbox_id=row.pk), robust=True)
    return row


def outbox_publish(*, outbox_id: int) -> bool:
    """Publish one pending row to the broker. Returns True when it was sent.

    Publishing happens before the row is marked sent, so a crash in between republishes
    (tasks are idempotent) rather than losing the work. A row whose task is not registered
    (its app is not built yet) stays pending.
    """
    row = Outbox.objects.filter(pk=outbox_id, status=Outbox.Status.PENDING).first()
    if row is None:
        return False
    if row.task_name not in celery_app.tasks:
        logger.info("Outbox %s: task %s is not registered; left pending", row.pk, row.task_name)
        return False
    try:
        celery_app.signature(row.task_name, args=row.args).apply_async(
            retry=True, retry_policy=PUBLISH_RETRY_POLICY
        )
    except Exception as exc:  # broker down, or an eager task that failed
        logger.warning("Outbox %s: publish of %s failed: %s", row.pk, row.task_name, exc)
        Outbox.objects.filter(pk=row.pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return False
    sent = Outbox.objects.filter(pk=row.pk, status=Outbox.Status.PENDING).update(
        status=Outbox.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return sent == 1


def outbox_sweep(*, grace: timedelta | None = None) -> int:
    """Publish the rows still pending after ``grace``. Returns how many were sent."""
    grace = settings.OUTBOX_SWEEP_GRACE if grace is None else grace
    cutoff = timezone.now() - grace
    registered = set(celery_app.tasks.keys())
    pending_ids = list(
        Outbox.objects.filter(
            status=Outbox.Status.PENDING, created_at__lte=cutoff, task_name__in=registered
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    return sum(outbox_publish(outbox_id=pk) for pk in pending_ids)
