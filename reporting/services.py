"""Recomputing indicators: one run per commune and year, upserting every value from source.

A run never increments anything: it recomputes from the records and writes each
(commune, year, quarter, code) row whole, so running it twice gives the same rows. Runs of the same
commune and year are serialised by a row lock. A run asked for because a record changed is skipped
when a finished run already started after every change it was asked for (the outbox rows of the
same commune and year were all published before that run began), so a burst of edits costs one
run.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation

from atvsld_portal.models import AdministrativeUnit, Outbox
from atvsld_portal.services import RECOMPUTE_TASK, outbox_dedup_key
from reporting.indicators import Figure, Sources, compute_year
from reporting.models import ComputationLock, ComputationRun, IndicatorValue

logger = logging.getLogger(__name__)

VALUE_FIELDS = [
    "value",
    "numerator",
    "denominator",
    "unit",
    "method",
    "target",
    "target_text",
    "status",
    "status_reason",
    "provisional",
    "source_note",
    "details",
    "run",
    "computed_at",
]


def _is_up_to_date(commune_id: int, year: int) -> bool:
    """True when a finished run started after every change asked for this commune and year."""
    last_start = (
        ComputationRun.objects.filter(
            commune_id=commune_id, year=year, status=ComputationRun.Status.DONE
        )
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if last_start is None:
        return False
    key = outbox_dedup_key(RECOMPUTE_TASK, [commune_id, year])
    rows = Outbox.objects.filter(dedup_key=key)
    if rows.filter(status=Outbox.Status.PENDING).exists():
        return False
    last_sent = rows.aggregate(last=Max("sent_at"))["last"]
    return last_sent is None or last_sent <= last_start


def indicators_recompute(
    *,
    commune_id: int,
    year: int,
    trigger: str = ComputationRun.Trigger.RECORD_CHANGED,
    dry_run: bool = False,
    today: date | None = None,
    follow_next_year: bool = True,
) -> ComputationRun:
    """Recompute every indicator of one commune's year (full year and quarters-to-date).

    Also recomputes the next year when it has started, since its comparisons and its provisional
    workforce read this year's figures.
    """
    commune = AdministrativeUnit.objects.get(pk=commune_id)
    today = today or timezone.localdate()
    with transaction.atomic():
        if not dry_run:
            lock, _created = ComputationLock.objects.get_or_create(commune=commune, year=year)
            ComputationLock.objects.select_for_update().get(pk=lock.pk)
        if (
            not dry_run
            and trigger == ComputationRun.Trigger.RECORD_CHANGED
            and _is_up_to_date(commune_id, year)
        ):
            return ComputationRun.objects.create(
                commune=commune,
                year=year,
                trigger=trigger,
                status=ComputationRun.Status.SKIPPED,
                finished_at=timezone.now(),
            )
        run = ComputationRun(commune=commune, year=year, trigger=trigger)
        if not dry_run:
            run.save()
        written = 0
        for each_year in (year, year + 1) if follow_next_year else (year,):
            if each_year > today.year:
                break
            # Stored texts (units, targets, reasons) are in the portal's language, whatever
            # language the request or the worker happens to run in.
            with translation.override(settings.LANGUAGE_CODE):
                figures = compute_year(Sources(commune, each_year, today=today))
            if not dry_run:
                written += _upsert(commune, each_year, figures, run)
            else:
                written += sum(len(items) for items in figures.values())
        run.values_written = written
        run.status = ComputationRun.Status.DONE
        run.finished_at = timezone.now()
        if not dry_run:
            run.save(update_fields=["values_written", "status", "finished_at"])
        return run


def _upsert(
    commune: AdministrativeUnit, year: int, figures: dict[int, list[Figure]], run: ComputationRun
) -> int:
    now = timezone.now()
    rows = [
        IndicatorValue(
            commune=commune,
            year=year,
            quarter=quarter,
            code=figure.code,
            value=figure.value,
            numerator=figure.numerator,
            denominator=figure.denominator,
            unit=str(figure.unit),
            method=figure.method,
            target=figure.target,
            target_text=str(figure.target_text),
            status=figure.status,
            status_reason=str(figure.status_reason)[:300],
            provisional=figure.provisional,
            source_note=str(figure.source_note)[:300],
            details=figure.details,
            run=run,
            computed_at=now,
        )
        for quarter, items in figures.items()
        for figure in items
    ]
    IndicatorValue.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["commune", "year", "quarter", "code"],
        update_fields=VALUE_FIELDS,
    )
    return len(rows)


def indicators_recompute_all(
    *,
    years: list[int] | None = None,
    trigger: str = ComputationRun.Trigger.NIGHTLY,
    dry_run: bool = False,
) -> int:
    """Recompute every commune (the nightly safety net). Returns how many runs were made."""
    today = timezone.localdate()
    years = years or [today.year - 1, today.year]
    runs = 0
    communes = AdministrativeUnit.objects.communes()
    for year in sorted(years):
        # Communes that no longer existed in a year (merged on 1 July 2025) are left out.
        existing = communes.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1)))
        for commune_id in existing.values_list("pk", flat=True):
            indicators_recompute(
                commune_id=commune_id,
                year=year,
                trigger=trigger,
                dry_run=dry_run,
                today=today,
                follow_next_year=False,
            )
            runs += 1
    return runs
