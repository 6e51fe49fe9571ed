"""Change history rows (django-simple-history) for detail pages: who, when, old → new."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

HIDDEN_FIELDS = {
    "updated_at",
    "name_search",
    "master_snapshot",
    "monitoring_by_factor",
    "table",
    "content",
}


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


def history_rows(
    history: QuerySet, *, limit: int = 50, hidden_fields: frozenset[str] = frozenset()
) -> list[HistoryRow]:
    """The newest ``limit`` history entries with their field changes, leaving out
    ``hidden_fields`` (e.g. personal data the reader may not see).

    One query for the entries, plus one per related model named in a changed foreign key (so a
    change of "reviewed by" shows the person, not an id).
    """
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
                if change.field in HIDDEN_FIELDS or change.field in hidden_fields:
                    continue
                row.changes.append((model._meta.get_field(change.field), change.old, change.new))
        rows.append(row)
    _resolve_related(rows)
    return rows


def _resolve_related(rows: list[HistoryRow]) -> None:
    """Replace foreign-key ids by the objects themselves, one query per related model."""
    wanted: dict[type, set] = {}
    for row in rows:
        for model_field, old, new in row.changes:
            if model_field.many_to_one:
                ids = wanted.setdefault(model_field.related_model, set())
                ids.update(value for value in (old, new) if value is not None)
            elif model_field.many_to_many:
                ids = wanted.setdefault(model_field.related_model, set())
                for value in (old or [], new or []):
                    ids.update(_m2m_ids(model_field, value))
    found = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}

    def shown(model_field, value: Any) -> Any:
        related = found.get(model_field.related_model, {}) if model_field.is_relation else {}
        if model_field.many_to_one and value is not None:
            return related.get(value, value)
        if model_field.many_to_many:
            return ", ".join(str(related.get(pk, pk)) for pk in _m2m_ids(model_field, value or []))
        return _display(model_field, value)

    for row in rows:
        row.changes = [
            (model_field.verbose_name, shown(model_field, old), shown(model_field, new))
            for model_field, old, new in row.changes
        ]


def _m2m_ids(model_field, through_rows: list[dict]) -> list:
    """simple-history stores a many-to-many change as through-table rows, e.g.
    ``[{"diseasecase": 80, "harmfulfactor": 1}]``: the related ids are under the target's name."""
    key = model_field.related_model._meta.model_name
    return sorted(row[key] for row in through_rows if key in row)
