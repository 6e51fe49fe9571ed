"""Reads of the enterprise registry. Every selector starts from the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from atvsld_portal.history import history_rows
from atvsld_portal.models import Filing, User
from atvsld_portal.selectors import commune_list_for_user
from enterprises.models import AnnualOshReport, Enterprise, EnterpriseMember, MonitoringRecord

if TYPE_CHECKING:
    from collections.abc import Mapping

COMMUNE_READERS = {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}


def enterprise_list_for_user(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises the user may read: the commune's (province's) for officials, own for members."""
    if user.is_superuser or user.role in COMMUNE_READERS:
        return Enterprise.objects.filter(commune__in=commune_list_for_user(user=user))
    if user.role == User.Role.ENTERPRISE_USER:
        return Enterprise.objects.filter(
            memberships__user=user,
            memberships__is_active=True,
            commune__in=commune_list_for_user(user=user),
        )
    return Enterprise.objects.none()


def enterprise_get_for_user(*, user: User, public_id: UUID) -> Enterprise:
    """One enterprise, or 404 when it does not exist or lies outside the user's scope."""
    enterprise = (
        enterprise_list_for_user(user=user)
        .select_related("commune", "village", "ownership_type", "activity_section", "registration")
        .filter(public_id=public_id)
        .first()
    )
    if enterprise is None:
        raise Http404
    return enterprise


@dataclass(frozen=True)
class RegistryFilters:
    q: str = ""
    village: int | None = None
    section: str = ""
    ownership: int | None = None
    harmful: str = ""  # "yes" / "no"
    monitored_year: int | None = None
    report_year: int | None = None
    report_state: str = ""  # "filed" / "approved" / "missing"
    status: str = ""
    sort: str = "name"


SORTS = {
    "name": ("name_search",),
    "-name": ("-name_search",),
    "workers": ("workforce_total", "name_search"),
    "-workers": ("-workforce_total", "name_search"),
    "village": ("village__name", "name_search"),
}


def enterprise_registry(*, user: User, filters: RegistryFilters) -> QuerySet[Enterprise]:
    """The filtered, sorted registry list (a constant number of queries per page)."""
    qs = enterprise_list_for_user(user=user).for_list()
    if filters.q:
        qs = qs.search(filters.q)
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    if filters.section:
        qs = qs.filter(activity_section__letter=filters.section)
    if filters.ownership:
        qs = qs.filter(ownership_type_id=filters.ownership)
    if filters.harmful in {"yes", "no"}:
        qs = qs.filter(has_harmful_factors=filters.harmful == "yes")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.monitored_year:
        monitored = MonitoringRecord.objects.filter(
            enterprise=OuterRef("pk"), year=filters.monitored_year, status=Filing.Status.APPROVED
        )
        qs = qs.filter(Exists(monitored))
    if filters.report_year and filters.report_state:
        reports = AnnualOshReport.objects.filter(
            enterprise=OuterRef("pk"), year=filters.report_year
        )
        if filters.report_state == "approved":
            qs = qs.filter(Exists(reports.filter(status=Filing.Status.APPROVED)))
        elif filters.report_state == "filed":
            qs = qs.filter(
                Exists(reports.filter(status__in=[Filing.Status.SUBMITTED, Filing.Status.APPROVED]))
            )
        elif filters.report_state == "missing":
            qs = qs.exclude(
                Exists(reports.filter(status__in=[Filing.Status.SUBMITTED, Filing.Status.APPROVED]))
            )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def parse_registry_filters(params: Mapping[str, str]) -> RegistryFilters:
    def as_int(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdecimal() else None

    return RegistryFilters(
        # PostgreSQL refuses NUL in a query: a search never needs it.
        q=params.get("q", "").replace("\x00", "").strip()[:100],
        village=as_int("village"),
        section=params.get("section", "")[:1].upper(),
        ownership=as_int("ownership"),
        harmful=params.get("harmful", ""),
        monitored_year=as_int("monitored"),
        report_year=as_int("report_year"),
        report_state=params.get("report_state", ""),
        status=params.get("status", "") if params.get("status") in Enterprise.Status.values else "",
        sort=params.get("sort", "name") if params.get("sort") in SORTS else "name",
    )


def enterprise_members(*, enterprise: Enterprise) -> QuerySet[EnterpriseMember]:
    return enterprise.memberships.select_related("user").order_by("-is_active", "user__username")


def enterprise_detail_context(*, enterprise: Enterprise) -> dict:
    """Everything the detail page lists, in a fixed number of queries."""
    return {
        "annual_reports": enterprise.annual_reports.select_related("period").order_by("-year"),
        "monitoring_records": enterprise.monitoring_records.prefetch_related(
            Prefetch("results", queryset=_results_with_factor())
        ).order_by("-year", "-round"),
        "members": enterprise_members(enterprise=enterprise),
        "history": history_rows(enterprise.history.all()),
    }


def _results_with_factor():
    from enterprises.models import MonitoringResult

    return MonitoringResult.objects.select_related("factor")


def enterprises_of_member(*, user: User) -> QuerySet[Enterprise]:
    return enterprise_list_for_user(user=user).select_related("commune").order_by("name")


def annual_report_list_for_user(*, user: User) -> QuerySet[AnnualOshReport]:
    return AnnualOshReport.objects.filter(
        enterprise__in=enterprise_list_for_user(user=user)
    ).select_related("enterprise", "period")


def annual_report_get_for_user(*, user: User, public_id: UUID) -> AnnualOshReport:
    report = (
        annual_report_list_for_user(user=user)
        .select_related("enterprise__commune")
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def monitoring_record_list_for_user(*, user: User) -> QuerySet[MonitoringRecord]:
    return MonitoringRecord.objects.filter(
        enterprise__in=enterprise_list_for_user(user=user)
    ).select_related("enterprise")


def monitoring_record_get_for_user(*, user: User, public_id: UUID) -> MonitoringRecord:
    record = (
        monitoring_record_list_for_user(user=user)
        .select_related("enterprise__commune")
        .prefetch_related(Prefetch("results", queryset=_results_with_factor()))
        .filter(public_id=public_id)
        .first()
    )
    if record is None:
        raise Http404
    return record


def monitoring_summary_for_year(*, enterprise: Enterprise, year: int) -> dict:
    """Section 9 of the annual report from the enterprise's monitoring records of that year."""
    by_factor: dict[str, dict[str, int]] = {}
    samples = failed = 0
    records = enterprise.monitoring_records.filter(year=year).exclude(status=Filing.Status.RETURNED)
    for record in records.prefetch_related(Prefetch("results", queryset=_results_with_factor())):
        for result in record.results.all():
            entry = by_factor.setdefault(
                result.factor.code, {"name": result.factor.name, "samples": 0, "failed": 0}
            )
            entry["samples"] += result.samples_measured
            entry["failed"] += result.samples_over
            samples += result.samples_measured
            failed += result.samples_over
    return {"samples": samples, "failed": failed, "by_factor": by_factor}
