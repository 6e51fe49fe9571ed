"""Scoping helpers: every query for commune-owned data starts from the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit, Village

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
