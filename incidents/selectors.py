"""Reads of accidents, scoped to the user. An accident belongs to the commune where it happened and
is also visible to the commune of the declaring enterprise."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractQuarter
from django.http import Http404

from atvsld_portal.models import ResponsibleUnit, User
from atvsld_portal.selectors import commune_list_for_user
from enterprises.selectors import enterprise_list_for_user
from incidents.models import (
    Accident,
    CommuneAccidentReport,
    DiseaseCase,
    DiseaseExam,
    PeriodicAccidentReport,
)

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


# ------------------------------------------------------------------------------
# Periodic statistics reports
# ------------------------------------------------------------------------------
def periodic_report_list_for_user(*, user: User) -> QuerySet[PeriodicAccidentReport]:
    return PeriodicAccidentReport.objects.filter(
        enterprise__in=enterprise_list_for_user(user=user)
    ).select_related("enterprise", "period")


def periodic_report_get_for_user(*, user: User, public_id: UUID) -> PeriodicAccidentReport:
    report = (
        periodic_report_list_for_user(user=user)
        .select_related("enterprise__commune__parent", "period__commune")
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def commune_report_list_for_user(*, user: User) -> QuerySet[CommuneAccidentReport]:
    """The commune's own reports: officials and leaders of the commune, province viewers."""
    if not (user.is_superuser or user.role in COMMUNE_READERS):
        return CommuneAccidentReport.objects.none()
    return CommuneAccidentReport.objects.filter(
        commune__in=commune_list_for_user(user=user)
    ).select_related("commune__parent", "period")


def commune_report_get_for_user(*, user: User, public_id: UUID) -> CommuneAccidentReport:
    report = commune_report_list_for_user(user=user).filter(public_id=public_id).first()
    if report is None:
        raise Http404
    return report


# ------------------------------------------------------------------------------
# Occupational diseases
# ------------------------------------------------------------------------------
def disease_exam_list_for_user(*, user: User) -> QuerySet[DiseaseExam]:
    return DiseaseExam.objects.filter(
        enterprise__in=enterprise_list_for_user(user=user)
    ).select_related("enterprise")


def disease_exam_get_for_user(*, user: User, public_id: UUID) -> DiseaseExam:
    exam = (
        disease_exam_list_for_user(user=user)
        .select_related("enterprise__commune")
        .filter(public_id=public_id)
        .first()
    )
    if exam is None:
        raise Http404
    return exam


def disease_case_list_for_user(*, user: User) -> QuerySet[DiseaseCase]:
    """Officials read their commune's cases (the employer's commune, or where an informal worker
    was recorded); enterprise users read their own enterprises' cases."""
    if user.is_superuser or user.role in COMMUNE_READERS:
        qs = DiseaseCase.objects.filter(commune__in=commune_list_for_user(user=user))
    elif user.role == User.Role.ENTERPRISE_USER:
        qs = DiseaseCase.objects.filter(enterprise__in=enterprise_list_for_user(user=user))
    else:
        return DiseaseCase.objects.none()
    return qs.select_related("enterprise", "disease", "commune")


def disease_case_get_for_user(*, user: User, public_id: UUID) -> DiseaseCase:
    case = (
        disease_case_list_for_user(user=user)
        .select_related("monitoring_record", "exam", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    return case


def can_view_case_personal_data(user: User) -> bool:
    """Officials and leaders of the commune, and the employer; never the province viewer."""
    return user.is_superuser or user.role in {
        User.Role.COMMUNE_OFFICIAL,
        User.Role.COMMUNE_LEADER,
        User.Role.ENTERPRISE_USER,
    }


def examined_by_quarter(*, exams: QuerySet[DiseaseExam], year: int) -> dict[int, int]:
    """Workers examined in approved rounds, quarter by quarter (1-4) of ``year``; one query."""
    rows = (
        exams.approved()
        .filter(exam_date__year=year)
        .order_by()
        .annotate(quarter=ExtractQuarter("exam_date"))
        .values("quarter")
        .annotate(examined=Sum("workers_examined"))
    )
    result = dict.fromkeys(range(1, 5), 0)
    for row in rows:
        result[row["quarter"]] = row["examined"] or 0
    return result
