"""Recomputing indicators: one run per commune and year, upserting every value from source.

A run never increments anything: it recomputes from the records and writes each
(commune, year, quarter, code) row whole, so running it twice gives the same rows. Runs of the same
commune and year are serialised by a row lock. A run asked for because a record changed is skipped
when a finished run already started after every change it was asked for (the outbox rows of the
same commune and year were all published before that run began), so a burst of edits costs one
run.

The nightly recompute of every commune (:func:`indicators_recompute_all`) reads the records of a
batch of communes at once and then computes and writes each commune's run, with the same locks and
the same values as one run per commune.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from itertools import batched

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation

from atvsld_portal.models import AdministrativeUnit, Outbox
from atvsld_portal.services import RECOMPUTE_TASK, outbox_dedup_key, outbox_enqueue
from reporting.indicator_sources import load_records
from reporting.indicators import Figure, Sources, compute_year
from reporting.models import ComputationLock, ComputationRun, IndicatorValue

logger = logging.getLogger(__name__)

RECOMPUTE_SHARD_TASK = "reporting.tasks.recompute_shard_task"

# Communes whose records the nightly recompute reads together (a province's): the fewer batches,
# the fewer queries, while a batch's records must stay small in memory and its runs' locks are
# held until it is written.
COMMUNES_PER_BATCH = 200

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
KEY_FIELDS = ["commune", "year", "quarter", "code"]
# A value's key, then the fields a run rewrites: the order of _value_rows.
FIELDS = [IndicatorValue._meta.get_field(name) for name in KEY_FIELDS + VALUE_FIELDS]


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
        # Years to come have no values yet.
        years = [y for y in ((year, year + 1) if follow_next_year else (year,)) if y <= today.year]
        records = load_records([commune.pk], years, today=today) if years else {}
        rows = []
        for each_year in years:
            sources = Sources(
                commune, each_year, today=today, records=records[commune.pk, each_year]
            )
            rows += _value_rows(commune.pk, each_year, _compute(sources), run.pk)
        with nullcontext(len) if dry_run else _value_writer() as write:
            run.values_written = write(rows)
        run.status = ComputationRun.Status.DONE
        run.finished_at = timezone.now()
        if not dry_run:
            run.save(update_fields=["values_written", "status", "finished_at"])
        return run


def _compute(sources: Sources) -> dict[int, list[Figure]]:
    # Stored texts (units, targets, reasons) are in the portal's language, whatever language the
    # request or the worker happens to run in.
    with translation.override(settings.LANGUAGE_CODE):
        return compute_year(sources)


def _value_rows(
    commune_id: int, year: int, figures: dict[int, list[Figure]], run_id: int | None
) -> list[tuple]:
    """The stored fields (:data:`FIELDS`) of each value of ``figures``."""
    now = timezone.now()
    return [
        (
            commune_id,
            year,
            quarter,
            str(figure.code),
            figure.value,
            figure.numerator,
            figure.denominator,
            str(figure.unit),
            figure.method,
            figure.target,
            str(figure.target_text),
            figure.status,
            str(figure.status_reason)[:300],
            figure.provisional,
            str(figure.source_note)[:300],
            figure.details,
            run_id,
            now,
        )
        for quarter, items in figures.items()
        for figure in items
    ]


def _upsert_rows(rows: list[tuple]) -> int:
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(**{f.attname: v for f, v in zip(FIELDS, row, strict=True)})
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=KEY_FIELDS,
        update_fields=VALUE_FIELDS,
    )
    return len(rows)


@contextmanager
def _value_writer() -> Iterator[Callable[[list[tuple]], int]]:
    """Yields a function that writes rows of values (:func:`_value_rows`) and returns how many:
    all of them are upserted by the end of the block.

    On PostgreSQL the rows are streamed to the server (COPY into a temporary table) as they are
    given, and upserted in one statement at the end, so the nightly recompute computes the next
    communes while the server takes in the values of the previous ones (some 100 MB of details:
    an INSERT per run spent most of the job quoting them into its text, then waited for the
    server to parse them). No other query can run inside the block there. Elsewhere each call
    upserts its rows through the ORM.
    """
    if connection.vendor != "postgresql":
        yield _upsert_rows
        return
    quote = connection.ops.quote_name
    table = quote(IndicatorValue._meta.db_table)
    stage = quote("reporting_indicatorvalue_batch")
    columns = ", ".join(quote(f.column) for f in FIELDS)
    key = ", ".join(quote(f.column) for f in FIELDS[: len(KEY_FIELDS)])
    updates = ", ".join(
        f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in FIELDS[len(KEY_FIELDS) :]
    )
    details_field = IndicatorValue._meta.get_field("details")
    details = FIELDS.index(details_field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:

            def write(rows: list[tuple]) -> int:
                for row in rows:
                    json = details_field.get_db_prep_save(row[details], connection)
                    copy.write_row((*row[:details], json, *row[details + 1 :]))
                return len(rows)

            yield write
        cursor.execute(
            f"INSERT INTO {table} (public_id, {columns}) "
            f"SELECT gen_random_uuid(), {columns} FROM {stage} "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
        )
        cursor.execute(f"DROP TABLE {stage}")


def indicators_recompute_all(
    *,
    years: list[int] | None = None,
    trigger: str = ComputationRun.Trigger.NIGHTLY,
    dry_run: bool = False,
    commune_ids: list[int] | None = None,
) -> int:
    """Recompute every commune (the nightly safety net), or the communes of ``commune_ids`` (one
    shard of it, see :func:`indicators_recompute_all_later`). Returns how many runs were made.

    The communes are taken by batches of at most :data:`COMMUNES_PER_BATCH`: the records of a
    batch, for all the years, are read in one go (a fixed number of queries), then each commune
    and year is computed and written as :func:`indicators_recompute` would (its next year is one
    of the years done here).
    """
    today = timezone.localdate()
    years = sorted(years or nightly_years(today))
    communes = AdministrativeUnit.objects.communes().order_by("pk")
    if commune_ids is not None:
        communes = communes.filter(pk__in=commune_ids)
    communes = [c for c in communes if _existed(c, years[0])]
    if not communes:
        return 0
    runs = 0
    # Batches of even sizes: 210 communes make two of 105, not 200 and 10.
    size = math.ceil(len(communes) / math.ceil(len(communes) / COMMUNES_PER_BATCH))
    for batch in batched(communes, size):
        pairs = [(commune, year) for year in years for commune in batch if _existed(commune, year)]
        runs += _recompute_batch(pairs, trigger=trigger, dry_run=dry_run, today=today)
    return runs


def nightly_years(today: date) -> list[int]:
    """The years the nightly recompute covers: last year (late filings still change it) and this
    year."""
    return [today.year - 1, today.year]


def commune_shards(shards: int) -> list[list[int]]:
    """Every commune's pk dealt into at most ``shards`` lists of near-equal length."""
    ids = list(AdministrativeUnit.objects.communes().order_by("pk").values_list("pk", flat=True))
    return [ids[i::shards] for i in range(max(shards, 1)) if ids[i::shards]]


def indicators_recompute_all_later(*, shards: int, years: list[int] | None = None) -> int:
    """Queue the nightly recompute as ``shards`` tasks through the outbox, one per share of the
    communes, so a worker's processes run them side by side (a worker starts one process per
    core). The years are fixed now, so a shard that runs after midnight on 1 January still
    covers the night's years. Returns how many tasks were queued."""
    years = sorted(years or nightly_years(timezone.localdate()))
    groups = commune_shards(shards)
    with transaction.atomic():
        for commune_ids in groups:
            outbox_enqueue(task_name=RECOMPUTE_SHARD_TASK, args=[commune_ids, years])
    return len(groups)


def _existed(commune: AdministrativeUnit, year: int) -> bool:
    """Whether the commune existed in ``year``: one merged away (on 1 July 2025) is left out of
    the years after."""
    return commune.valid_to is None or commune.valid_to >= date(year, 1, 1)


def _recompute_batch(
    pairs: list[tuple[AdministrativeUnit, int]], *, trigger: str, dry_run: bool, today: date
) -> int:
    """One run per (commune, year) of ``pairs``, their records read together.

    As in :func:`indicators_recompute`, each run's lock is held from before its records are read
    until its values are written, in one transaction (here the batch's).
    """
    runs = [ComputationRun(commune=commune, year=year, trigger=trigger) for commune, year in pairs]
    with transaction.atomic():
        if not dry_run:
            ComputationLock.objects.bulk_create(
                [ComputationLock(commune=commune, year=year) for commune, year in pairs],
                ignore_conflicts=True,
            )
            # In primary-key order, so that two batches never wait for each other in a cycle.
            keys = Q()
            for commune, year in pairs:
                keys |= Q(commune=commune, year=year)
            list(ComputationLock.objects.select_for_update().filter(keys).order_by("pk"))
            ComputationRun.objects.bulk_create(runs)
        # Years to come have no values yet: their runs write none.
        years = sorted({year for _commune, year in pairs if year <= today.year})
        commune_ids = list(dict.fromkeys(commune.pk for commune, _year in pairs))
        records = load_records(commune_ids, years, today=today) if years else {}
        with nullcontext(len) if dry_run else _value_writer() as write:
            for (commune, year), run in zip(pairs, runs, strict=True):
                figures = {}
                if (commune.pk, year) in records:
                    sources = Sources(commune, year, today=today, records=records[commune.pk, year])
                    figures = _compute(sources)
                run.values_written = write(_value_rows(commune.pk, year, figures, run.pk))
        finished = timezone.now()
        for run in runs:
            run.status = ComputationRun.Status.DONE
            run.finished_at = finished
        if not dry_run:
            ComputationRun.objects.bulk_update(runs, ["values_written", "status", "finished_at"])
    return len(runs)
