"""Reads of accidents, scoped to the user. An accident belongs to the commune where it happened and
is also visible to the commune of the declaring enterprise."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from atvsld_portal.models import ResponsibleUnit, User
from atvsld_portal.selectors import commune_list_for_user
from enterprises.selectors import enterprise_list_for_user
from incidents.models import Accident

COMMUNE_READERS = {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}


def is_police_reporter(user: User) -> bool:
    return (
        user.role == User.Role.UNIT_REPORTER
        and user.responsible_units.filter(kind=ResponsibleUnit.Kind.POLICE, is_active=True).exists()
    )


def accident_list_for_user(*, user: User) -> QuerySet[Accident]:
    """Accidents the user may read (drafts only for their authors' enterprise or commune)."""
    communes = commune_list_for_user(user=user)
    if user.is_superuser or user.role in COMMUNE_READERS:
        qs = Accident.objects.filter(Q(commune__in=communes) | Q(enterprise__commune__in=communes))
        return qs.exclude(
            Q(status=Accident.Status.DRAFT) & ~Q(channel__in=["paper", "phone", "email"])
        )
    if user.role == User.Role.ENTERPRISE_USER:
        return Accident.objects.filter(enterprise__in=enterprise_list_for_user(user=user))
    if is_police_reporter(user):
        return Accident.objects.filter(commune__in=communes).exclude(status=Accident.Status.DRAFT)
    return Accident.objects.none()


def accident_get_for_user(*, user: User, public_id: UUID) -> Accident:
    accident = (
        accident_list_for_user(user=user)
        .select_related(
            "commune",
            "enterprise__commune",
            "village",
            "injury_factor",
            "created_by",
            "received_by",
        )
        .filter(public_id=public_id)
        .first()
    )
    if accident is None:
        raise Http404
    return accident


def accident_inbox(*, user: User) -> QuerySet[Accident]:
    """Declarations waiting for the commune, oldest first; the view puts urgent ones on top."""
    return (
        accident_list_for_user(user=user)
        .filter(status=Accident.Status.SUBMITTED)
        .select_related("enterprise", "commune")
        .prefetch_related("victims")
        .order_by("submitted_at", "pk")
    )
