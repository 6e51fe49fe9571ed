"""Historical aggregates (the years before the portal): who reads them, saving one, and whether the
indicators use it.

Saving an aggregate asks for a recompute of its commune's year through the outbox, in the same
transaction, like every other change that affects figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.models import User
from atvsld_portal.selectors import commune_list_for_user
from atvsld_portal.services import indicators_recompute_later
from reporting.indicators import Sources
from reporting.models import HistoricalAggregate

if TYPE_CHECKING:
    from atvsld_portal.models import AdministrativeUnit

READERS = {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}


# ------------------------------------------------------------------------------
# Access and reads
# ------------------------------------------------------------------------------
def is_historical_reader(user: User) -> bool:
    """Officials and leaders of the commune, and province viewers (docs/permissions.md)."""
    return user.is_superuser or user.role in READERS


def can_change_historical(user: User, aggregate: HistoricalAggregate | None = None) -> bool:
    """Only the commune's own official enters and corrects its aggregates."""
    commune = user.commune
    if commune is None or not (user.is_superuser or user.role == User.Role.COMMUNE_OFFICIAL):
        return False
    return aggregate is None or aggregate.commune_id == commune.pk


def historical_aggregate_list_for_user(*, user: User) -> QuerySet[HistoricalAggregate]:
    if not is_historical_reader(user):
        return HistoricalAggregate.objects.none()
    return HistoricalAggregate.objects.filter(
        commune__in=commune_list_for_user(user=user)
    ).select_related("commune")


def historical_aggregate_get_for_user(*, user: User, public_id: UUID) -> HistoricalAggregate:
    aggregate = (
        historical_aggregate_list_for_user(user=user)
        .select_related("entered_by")
        .filter(public_id=public_id)
        .first()
    )
    if aggregate is None:
        raise Http404
    return aggregate


def historical_aggregate_in_use(aggregate: HistoricalAggregate) -> bool:
    """Whether the indicators of its year read it (the year has no records of its sector),
    by the same rule as the computation itself."""
    sources = Sources(aggregate.commune, aggregate.year)
    return sources.aggregate(aggregate.year, aggregate.sector) is not None


# ------------------------------------------------------------------------------
# Writes
# ------------------------------------------------------------------------------
def duplicate_message(*, year: int, sector: str) -> str:
    return _("The commune already has figures for %(year)s (%(sector)s): correct those.") % {
        "year": year,
        "sector": HistoricalAggregate.Sector(sector).label,
    }


@transaction.atomic
def historical_aggregate_save(
    *,
    aggregate: HistoricalAggregate,
    by: User,
    data: dict[str, Any],
    commune: AdministrativeUnit | None = None,
) -> HistoricalAggregate:
    """Create (``aggregate`` unsaved, in ``commune``) or correct an aggregate, and ask for the
    recompute of its year, of the year it had before, and of the later years that read them."""
    previous_year = None
    if aggregate.pk is None:
        aggregate.commune = commune
        aggregate.entered_by = by
    else:
        previous_year = (
            HistoricalAggregate.objects.filter(pk=aggregate.pk)
            .values_list("year", flat=True)
            .first()
        )
    for name, value in data.items():
        setattr(aggregate, name, value)
    duplicate = HistoricalAggregate.objects.filter(
        commune=aggregate.commune, year=aggregate.year, sector=aggregate.sector
    ).exclude(pk=aggregate.pk)
    if duplicate.exists():
        raise ValidationError(
            {"year": duplicate_message(year=aggregate.year, sector=aggregate.sector)}
        )
    aggregate.full_clean()
    aggregate._history_user = by
    try:
        with transaction.atomic():
            aggregate.save()
    except IntegrityError as exc:  # a concurrent save of the same commune, year and sector
        raise ValidationError(
            duplicate_message(year=aggregate.year, sector=aggregate.sector)
        ) from exc
    for year in years_to_recompute(aggregate.year, previous_year):
        indicators_recompute_later(commune_id=aggregate.commune_id, year=year)
    return aggregate


def years_to_recompute(year: int, previous_year: int | None = None) -> list[int]:
    """The aggregate's year (and the one it had) and every later year up to this one.

    A recompute of year t also refreshes t+1 only, but later years read an old year too: the
    3-year rolling view, and above all the baseline of a compounded goal (entering the 2024
    baseline changes the 2026 target)."""
    first = min(year, previous_year or year)
    return list(range(first, max(year, timezone.localdate().year) + 1))
