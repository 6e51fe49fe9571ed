"""The personal-data view log (Decree 13/2023 on personal data protection)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.exports import csv_response
from atvsld_portal.models import PersonalDataView

if TYPE_CHECKING:
    from atvsld_portal.models import User


def _logged_id(obj: models.Model) -> str:
    """How the log names a record: its public id when it has one, else its primary key."""
    return str(getattr(obj, "public_id", None) or obj.pk)


def record_personal_data_view(
    user: User, obj: models.Model, *, purpose: str = ""
) -> PersonalDataView:
    """Log that ``user`` saw the personal data of ``obj`` (a victim, a disease case...).

    Call it from the view that shows the data, after the access check, never from a list.
    """
    return PersonalDataView.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=_logged_id(obj),
        purpose=purpose[:100],
    )


def record_personal_data_views(
    user: User, objects: Iterable[models.Model], *, purpose: str = ""
) -> list[PersonalDataView]:
    """Log that ``user`` saw the personal data of each of ``objects`` in one INSERT.

    For a page that shows several records at once (the victims of an accident): the same log as
    :func:`record_personal_data_view` per object, in a number of queries that does not grow with
    the number of objects.
    """
    now = timezone.now()
    entries = [
        PersonalDataView(
            user=user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=_logged_id(obj),
            viewed_at=now,
            purpose=purpose[:100],
        )
        for obj in objects
    ]
    if not entries:
        return []
    return PersonalDataView.objects.bulk_create(entries)


def personal_data_view_list(*, obj: models.Model):
    return PersonalDataView.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=_logged_id(obj)
    ).select_related("user")


# ------------------------------------------------------------------------------
# Export for the data controller
# ------------------------------------------------------------------------------
EXPORT_HEADER = (
    _("Viewed at"),
    _("Username"),
    _("Full name"),
    _("Role"),
    _("Superuser"),
    _("Record type"),
    _("Record"),
    _("Purpose"),
)


def personal_data_view_export_list(
    *, start: date | None = None, end: date | None = None, queryset=None
) -> QuerySet[PersonalDataView]:
    """Log entries from ``start`` to ``end`` (local dates, both included), oldest first."""
    entries = PersonalDataView.objects.all() if queryset is None else queryset
    if start is not None:
        entries = entries.filter(viewed_at__gte=_local_midnight(start))
    if end is not None:
        entries = entries.filter(viewed_at__lt=_local_midnight(end + timedelta(days=1)))
    return entries.select_related("user", "content_type").order_by("viewed_at", "pk")


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _export_rows(entries: QuerySet[PersonalDataView]) -> Iterator[tuple]:
    for entry in entries.iterator(chunk_size=2000):
        user = entry.user
        yield (
            entry.viewed_at,
            user.username,
            user.get_full_name(),
            user.get_role_display(),
            user.is_superuser,
            f"{entry.content_type.app_label}.{entry.content_type.model}",
            entry.object_id,
            entry.purpose,
        )


def personal_data_view_csv(
    entries: QuerySet[PersonalDataView], *, filename: str
) -> StreamingHttpResponse:
    """The log as a streamed CSV (constant memory): who, role, when, which record, what for."""
    return csv_response(filename, [str(label) for label in EXPORT_HEADER], _export_rows(entries))
