"""Fast inserts for the seed: PostgreSQL COPY driven by the models' own field list.

``Rows(Model)`` hands out primary keys (after the table's current maximum), fills every column
the caller leaves out from the field's default exactly as ``Model()`` would (callables such as
``uuid4`` and ``timezone.now`` are called per row, ``auto_now`` stamps now), and streams the rows
with ``COPY … FROM STDIN``. Columns a later migration adds are therefore filled without touching
the seed, as long as they have a default or are nullable. Constraints and indexes stay on:
a row that breaks a constraint fails the seed, as it would in the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

MISSING = object()


class JsonText(str):
    """A JSON value already serialised: written as is (a value repeated on many rows, such as
    an empty Table I, is then encoded once)."""

    @classmethod
    def of(cls, value: Any) -> JsonText:
        return cls(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _default_for(field: models.Field) -> Callable[[], Any] | Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now
    if field.has_default():
        default = field.default
        return default if callable(default) else (lambda value=default: value)
    if field.null:
        return lambda: None
    if field.empty_strings_allowed and field.blank:
        return lambda: ""
    return MISSING


class Rows:
    """Collect rows of one model and COPY them in batches."""

    def __init__(self, model: type[models.Model], *, batch: int = 20_000) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.pk = model._meta.pk.attname
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.defaults = {f.attname: _default_for(f) for f in self.fields}
        self.json = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        # (attname, default, is_json) per column, in column order.
        self.plan = [(name, self.defaults[name], name in self.json) for name in self.attnames]
        self.batch = batch
        self.pending: list[tuple] = []
        self.count = 0
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) FROM "{self.table}"'
            )
            self.next_id = cursor.fetchone()[0] + 1

    def add(self, **values: Any) -> int:
        """Queue one row (attnames, e.g. ``commune_id``); returns its primary key."""
        pk = values.get(self.pk)
        if pk is None:
            pk = values[self.pk] = self.next_id
            self.next_id += 1
        row = []
        append = row.append
        for name, default, is_json in self.plan:
            value = values.get(name, MISSING)
            if value is MISSING:
                if default is MISSING:
                    raise ValueError(f"{self.model.__name__}.{name} is required")
                value = default()
            if is_json and not isinstance(value, JsonText):
                value = Jsonb(value)
            append(value)
        self.pending.append(tuple(row))
        if len(self.pending) >= self.batch:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.pending:
            return
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
                for row in self.pending:
                    copy.write_row(row)
        self.count += len(self.pending)
        self.pending = []

    def close(self) -> int:
        """Flush and move the table's id sequence past the rows written; returns the count."""
        self.flush()
        pk_column = self.model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                f'(SELECT COALESCE(MAX("{pk_column}"), 1) FROM "{self.table}"))',
                [self.table, pk_column],
            )
        return self.count


def through_rows(field: models.ManyToManyField) -> Rows:
    """Rows of a many-to-many field's automatic through table."""
    return Rows(field.remote_field.through)
