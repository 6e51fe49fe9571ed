"""Core write-side operations: the outbox, reporting periods and filing transitions.

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
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.celery import app as celery_app
from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.files import validate_private_upload
from atvsld_portal.filings import get_filing_kind
from atvsld_portal.models import Filing, FilingEvent, FilingScan, Outbox, ReportingPeriod

if TYPE_CHECKING:
    from atvsld_portal.models import User

logger = logging.getLogger(__name__)

# One quick retry of the publish, then give up and leave the row to the sweep.
PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0,
    "interval_max": 0.2,
}
SWEEP_BATCH_SIZE = 200


# The reporting app's job that recomputes one commune's year of indicators. Every app that changes
# a figure asks for it through the outbox; core names it by string and never imports reporting.
RECOMPUTE_TASK = "reporting.tasks.recompute_indicators_task"


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


def indicators_recompute_later(*, commune_id: int, year: int, trigger: str = "") -> Outbox:
    """Ask for a recompute of a commune's year of indicators once this transaction commits.

    A burst of changes before the row is published joins one pending row.
    """
    args = [commune_id, year, trigger] if trigger else [commune_id, year]
    return outbox_enqueue(task_name=RECOMPUTE_TASK, args=args)


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
        logger.debug("Outbox %s: task %s is not registered; left pending", row.pk, row.task_name)
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


# ------------------------------------------------------------------------------
# Reporting periods and filing transitions
# ------------------------------------------------------------------------------
@transaction.atomic
def period_open(*, period: ReportingPeriod, by: User) -> int:
    """Open a period: create one pending (draft) filing per enterprise that owes one.

    Idempotent: opening again creates only what is missing (e.g. enterprises added since).
    Returns how many filings were created.
    """
    kind = get_filing_kind(period.kind)
    if kind is None:
        raise ApplicationError(_("This kind of filing is not available yet."))
    created = kind.create_pending(period)
    if period.opened_at is None:
        ReportingPeriod.objects.filter(pk=period.pk).update(opened_at=timezone.now())
        period.opened_at = timezone.now()
    return created


def _transition(
    *,
    filing: Filing,
    to: str,
    allowed_from: set[str],
    by: User,
    note: str = "",
    **fields,
) -> Filing:
    """Compare-and-set a filing's status under a row lock and record the event."""
    model = type(filing)
    locked = model.objects.select_for_update().get(pk=filing.pk)
    if locked.status not in allowed_from:
        raise ApplicationError(
            _(
                "This filing is now “%(status)s”; someone else has already acted on it. "
                "Reload the page."
            ),
            code="stale_status",
            params={"status": locked.get_status_display()},
        )
    from_status = locked.status
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    FilingEvent.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=locked.pk,
        from_status=from_status,
        to_status=to,
        by=by,
        note=note,
    )
    return locked


def filing_submit(*, filing: Filing, by: User, snapshot: dict) -> Filing:
    """Submit (or resubmit) a filing; freezes the enterprise's master data as it is now."""
    filing.full_clean()
    return _transition(
        filing=filing,
        to=Filing.Status.SUBMITTED,
        allowed_from=set(Filing.EDITABLE_STATUSES),
        by=by,
        submitted_at=timezone.now(),
        submitted_by=by,
        master_snapshot=snapshot,
        return_reason="",
    )


def filing_return(*, filing: Filing, by: User, reason: str) -> Filing:
    if not reason.strip():
        raise ApplicationError(
            _("Write why the filing is returned, so the enterprise can correct it.")
        )
    return _transition(
        filing=filing,
        to=Filing.Status.RETURNED,
        allowed_from={Filing.Status.SUBMITTED},
        by=by,
        note=reason,
        return_reason=reason,
        decided_at=timezone.now(),
        decided_by=by,
    )


def filing_approve(*, filing: Filing, by: User, note: str = "") -> Filing:
    return _transition(
        filing=filing,
        to=Filing.Status.APPROVED,
        allowed_from={Filing.Status.SUBMITTED},
        by=by,
        note=note,
        decided_at=timezone.now(),
        decided_by=by,
    )


def filing_reopen(*, filing: Filing, by: User, reason: str) -> Filing:
    if not reason.strip():
        raise ApplicationError(_("Write why the approved filing is reopened."))
    return _transition(
        filing=filing,
        to=Filing.Status.REOPENED,
        allowed_from={Filing.Status.APPROVED},
        by=by,
        note=reason,
    )


def filing_withdraw(*, filing: Filing, by: User, reason: str) -> Filing:
    """Take back a submitted filing that nobody has decided on (the commune's own reports, which
    no one above approves on the portal), to correct and send it again."""
    if not reason.strip():
        raise ApplicationError(_("Write why the filing is taken back."))
    return _transition(
        filing=filing,
        to=Filing.Status.REOPENED,
        allowed_from={Filing.Status.SUBMITTED},
        by=by,
        note=reason,
    )


@transaction.atomic
def filing_scan_add(*, filing: Filing, upload, by: User) -> FilingScan:
    """Attach a new version of the stamped, signed scan (private storage, content-checked)."""
    validate_private_upload(upload)
    content_type = ContentType.objects.get_for_model(type(filing))
    latest = (
        FilingScan.objects.select_for_update()
        .filter(content_type=content_type, object_id=filing.pk)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    scan = FilingScan(
        content_type=content_type,
        object_id=filing.pk,
        version=(latest or 0) + 1,
        original_name=upload.name[:200],
        uploaded_by=by,
    )
    scan.file.save(upload.name, upload, save=False)
    scan.save()
    return scan
