"""Celery tasks of the reporting app: thin, idempotent wrappers over reporting.services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from atvsld_portal.services import RECOMPUTE_TASK
from reporting import services
from reporting.models import ComputationRun


@shared_task(
    name=RECOMPUTE_TASK,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def recompute_indicators_task(commune_id: int, year: int, trigger: str = "record_changed") -> int:
    """What every service that changes figures asks for through the outbox."""
    run = services.indicators_recompute(commune_id=commune_id, year=year, trigger=trigger)
    return run.values_written


@shared_task(
    name="reporting.tasks.recompute_all_indicators_task",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    max_retries=3,
)
def recompute_all_indicators_task() -> int:
    """The nightly safety net: every commune, last year and this year, queued as shards that the
    worker's processes run side by side. Returns how many shards were queued."""
    return services.indicators_recompute_all_later(shards=settings.INDICATOR_RECOMPUTE_SHARDS)


@shared_task(
    name=services.RECOMPUTE_SHARD_TASK,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    max_retries=3,
)
def recompute_shard_task(commune_ids: list[int], years: list[int]) -> int:
    """One shard of the nightly recompute: these communes, these years. Runs made."""
    return services.indicators_recompute_all(
        commune_ids=commune_ids, years=years, trigger=ComputationRun.Trigger.NIGHTLY
    )


@shared_task(name="reporting.tasks.generate_report_task", acks_late=True)
def generate_report_task(report_id: int) -> bool:
    """Generate a report's PDF, recording each step; a failure is kept on the report."""
    from reporting.report_services import report_generate

    return report_generate(report_id=report_id)
