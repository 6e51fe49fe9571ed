"""Change history rows (django-simple-history) for detail pages: who, when, old → new."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

HIDDEN_FIELDS = {"updated_at", "name_search", "master_snapshot", "monitoring_by_factor"}


@dataclass
class HistoryRow:
    date: Any
    user: Any
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


def _display(model_field, value: Any) -> Any:
    if isinstance(value, int) and model_field.name.endswith("year"):
        return str(value)  # a year is never shown as "2.026"
    choices = dict(model_field.flatchoices) if getattr(model_field, "flatchoices", None) else None
    if choices and value in choices:
        return choices[value]
    return value


def history_rows(history: QuerySet, *, limit: int = 50) -> list[HistoryRow]:
    """The newest ``limit`` history entries with their field changes, in two queries at most."""
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    rows = []
    for index, record in enumerate(records[:limit]):
        row = HistoryRow(
            date=record.history_date, user=record.history_user, kind=record.history_type
        )
        older = records[index + 1] if index + 1 < len(records) else None
        if older is not None and record.history_type == "~":
            model = record.instance_type
            for change in record.diff_against(older).changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                model_field = model._meta.get_field(change.field)
                row.changes.append(
                    (
                        model_field.verbose_name,
                        _display(model_field, change.old),
                        _display(model_field, change.new),
                    )
                )
        rows.append(row)
    return rows
