"""Core reads. Every query for commune-owned data starts from the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from atvsld_portal.filings import filing_kinds
from atvsld_portal.models import (
    AdministrativeUnit,
    Filing,
    FilingEvent,
    FilingScan,
    ReportingPeriod,
    ResponsibleUnit,
    Village,
)

if TYPE_CHECKING:
    from atvsld_portal.models import User


def commune_list_for_user(*, user: User) -> QuerySet[AdministrativeUnit]:
    """The communes whose records the user may read.

    Superusers read every commune; a province viewer reads the communes of the province;
    everyone else reads their own commune only.
    """
    communes = AdministrativeUnit.objects.communes()
    if user.is_superuser:
        return communes
    unit = user.administrative_unit
    if unit is None:
        return communes.none()
    if unit.is_province:
        return communes.filter(parent=unit)
    return communes.filter(pk=unit.pk)


def scope_to_user_communes(queryset: QuerySet, *, user: User, field: str = "commune") -> QuerySet:
    """Filter any commune-owned queryset down to the communes the user may read."""
    return queryset.filter(**{f"{field}__in": commune_list_for_user(user=user)})


def village_list_for_user(*, user: User) -> QuerySet[Village]:
    return scope_to_user_communes(Village.objects.select_related("commune"), user=user)


def responsible_unit_list_for_user(*, user: User) -> QuerySet[ResponsibleUnit]:
    return scope_to_user_communes(
        ResponsibleUnit.objects.select_related("commune", "village"), user=user
    )


def filing_events_for(*, filing) -> QuerySet[FilingEvent]:
    return FilingEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(filing)), object_id=filing.pk
    ).select_related("by")


def filing_scans_for(*, filing) -> QuerySet[FilingScan]:
    return FilingScan.objects.filter(
        content_type=ContentType.objects.get_for_model(type(filing)), object_id=filing.pk
    ).select_related("uploaded_by")


def filings_owed(*, enterprise_ids: list[int], since_year: int) -> list:
    """Every filing of every registered kind that these enterprises still owe.

    Drafts, returned and reopened filings of periods from ``since_year`` on (a year's annual
    report is due in January of the next year), across all filing kinds the apps registered, so
    a new filing kind appears without the caller knowing it.
    """
    owed = []
    for kind in filing_kinds(filer="enterprise"):
        owed.extend(
            kind.model.objects.filter(
                enterprise_id__in=enterprise_ids,
                period__year__gte=since_year,
                status__in=Filing.EDITABLE_STATUSES,
            ).select_related("period", "enterprise")
        )
    return sorted(owed, key=lambda filing: (filing.period.due_on, filing.pk))


def reporting_period_list_for_user(*, user: User) -> QuerySet[ReportingPeriod]:
    return scope_to_user_communes(ReportingPeriod.objects.select_related("commune"), user=user)
