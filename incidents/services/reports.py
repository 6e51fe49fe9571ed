"""Periodic accident statistics: the enterprise's Phụ lục XII report and the commune's report on
the informal sector to Sở Nội vụ (DOMAIN §3.7, §3.8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import AdministrativeUnit, Filing, ReportingPeriod, User
from atvsld_portal.services import (
    filing_approve,
    filing_reopen,
    filing_return,
    filing_submit,
    filing_withdraw,
    indicators_recompute_later,
)
from enterprises.models import Enterprise
from incidents import statistics
from incidents.models import CommuneAccidentReport, PeriodicAccidentReport

PERIODIC_REPORT_KIND = "accident_statistics"
COMMUNE_REPORT_KIND = "commune_accident_report"


def default_recipient(commune: AdministrativeUnit) -> str:
    """The recipient as printed on the form: official Vietnamese wording, not a UI string."""
    province = commune.parent.name if commune.parent_id else ""
    return f"Sở Nội vụ tỉnh {province}".strip()


# ------------------------------------------------------------------------------
# Enterprise report (Phụ lục XII)
# ------------------------------------------------------------------------------
def periodic_report_default_dates(year: int, part: str) -> tuple[date, date, date]:
    """H1: opens 15 June, due 5 July, closes 31 July. Year: opens 1 December, due 10 January of
    the next year, closes 31 January (NĐ 39 Art 24.1)."""
    if part == ReportingPeriod.Part.H1:
        return date(year, 6, 15), date(year, 7, 5), date(year, 7, 31)
    return date(year, 12, 1), date(year + 1, 1, 10), date(year + 1, 1, 31)


def _new_periodic_report(enterprise: Enterprise, period: ReportingPeriod) -> PeriodicAccidentReport:
    report = PeriodicAccidentReport(
        enterprise=enterprise,
        period=period,
        year=period.year,
        part=period.part,
        recipient=default_recipient(period.commune),
        workers_total=enterprise.workforce_total,
        workers_women=enterprise.workforce_women,
    )
    _fill_damage_from_records(report)
    return report


def _fill_damage_from_records(report: PeriodicAccidentReport) -> None:
    accidents = statistics.enterprise_accidents(
        enterprise=report.enterprise, year=report.year, part=report.part
    )
    for name, value in statistics.table_ii_from_records(accidents).items():
        setattr(report, name, value)


def periodic_report_create_pending(period: ReportingPeriod) -> int:
    """One draft per active enterprise of the commune that has none for this period."""
    have = PeriodicAccidentReport.objects.filter(
        enterprise__commune=period.commune, year=period.year, part=period.part
    ).values("enterprise")
    missing = Enterprise.objects.active().filter(commune=period.commune).exclude(pk__in=have)
    reports = [_new_periodic_report(enterprise, period) for enterprise in missing]
    PeriodicAccidentReport.objects.bulk_create(reports)
    return len(reports)


@transaction.atomic
def periodic_report_get_or_create_draft(
    *, enterprise: Enterprise, year: int, part: str, by: User
) -> PeriodicAccidentReport:
    report = PeriodicAccidentReport.objects.filter(
        enterprise=enterprise, year=year, part=part
    ).first()
    if report is not None:
        return report
    period = ReportingPeriod.objects.filter(
        commune=enterprise.commune,
        kind=PERIODIC_REPORT_KIND,
        year=year,
        part=part,
        opened_at__isnull=False,
    ).first()
    if period is None:
        raise ApplicationError(_("The commune has not opened this accident statistics period yet."))
    report = _new_periodic_report(enterprise, period)
    report.save()
    return report


def periodic_report_table(report: PeriodicAccidentReport) -> dict:
    """Table I: as filed once submitted, else live from the records."""
    if report.table and not report.is_editable_status:
        return report.table
    return statistics.table_i(
        statistics.enterprise_accidents(
            enterprise=report.enterprise, year=report.year, part=report.part
        )
    )


def periodic_report_records_differ(report: PeriodicAccidentReport) -> bool:
    """True when the records now give other counts than the filed Table I, in any row."""
    if not report.table or report.is_editable_status:
        return False
    live = statistics.table_i(
        statistics.enterprise_accidents(
            enterprise=report.enterprise, year=report.year, part=report.part
        )
    )
    return _counts_by_row(live) != _counts_by_row(report.table)


def _counts_by_row(table: dict) -> dict[str, list[int]]:
    """Every row's counts by key, so a reclassified accident (another cause, factor or
    occupation) is a change too, not only a change of the totals."""
    return {row["key"]: row["values"] for row in table.get("rows", []) if any(row["values"])}


def periodic_report_warnings(report: PeriodicAccidentReport) -> list[str]:
    """H1 ≤ whole year for the same enterprise (a warning: the two reports are independent)."""
    other_part = "year" if report.part == "h1" else "h1"
    other = PeriodicAccidentReport.objects.filter(
        enterprise=report.enterprise, year=report.year, part=other_part
    ).first()
    if other is None:
        return []
    tables = {report.part: periodic_report_table(report), other_part: periodic_report_table(other)}
    return statistics.h1_exceeds_year_warnings(tables["h1"], tables["year"])


@transaction.atomic
def periodic_report_save(
    *,
    report: PeriodicAccidentReport,
    by: User,
    data: dict[str, Any],
    channel: str | None = None,
    fill_damage_from_records: bool = False,
) -> PeriodicAccidentReport:
    if not report.is_editable_status:
        raise ApplicationError(_("This report is locked: it has been submitted or approved."))
    for name, value in data.items():
        setattr(report, name, value)
    if fill_damage_from_records:
        _fill_damage_from_records(report)
    if channel and channel != Filing.Channel.ONLINE:
        report.channel = channel
        report.entered_by = by
    report.full_clean()
    report._history_user = by
    report.save()
    return report


def periodic_report_errors(report: PeriodicAccidentReport, table: dict) -> list[str]:
    errors = statistics.table_i_errors(table)
    if report.workers_total < 1:
        errors.insert(0, _("Enter the total number of workers (at least 1)."))
    return errors


@transaction.atomic
def periodic_report_submit(*, report: PeriodicAccidentReport, by: User) -> PeriodicAccidentReport:
    """Check every rule, freeze Table I and the master data, and submit.

    A report filed online is dated the day it is submitted; one typed in from paper keeps the
    date written on the paper (today if none was given).
    """
    table = periodic_report_table(report)
    errors = periodic_report_errors(report, table)
    if errors:
        raise ValidationError(errors)
    if report.channel == Filing.Channel.ONLINE or report.report_date is None:
        report.report_date = timezone.localdate()
    report.table = table
    report.save(update_fields=["report_date", "table", "updated_at"])
    submitted = filing_submit(filing=report, by=by, snapshot=report.build_master_snapshot())
    indicators_recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return submitted


@transaction.atomic
def periodic_report_approve(
    *, report: PeriodicAccidentReport, by: User, note: str = ""
) -> PeriodicAccidentReport:
    approved = filing_approve(filing=report, by=by, note=note)
    indicators_recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return approved


@transaction.atomic
def periodic_report_return(
    *, report: PeriodicAccidentReport, by: User, reason: str
) -> PeriodicAccidentReport:
    returned = filing_return(filing=report, by=by, reason=reason)
    indicators_recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return returned


@transaction.atomic
def periodic_report_reopen(
    *, report: PeriodicAccidentReport, by: User, reason: str
) -> PeriodicAccidentReport:
    reopened = filing_reopen(filing=report, by=by, reason=reason)
    indicators_recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return reopened


# ------------------------------------------------------------------------------
# Commune report on the informal sector (§3.8)
# ------------------------------------------------------------------------------
def commune_report_default_dates(year: int, part: str) -> tuple[date, date, date]:
    """H1: opens 15 June, due 5 July, closes 31 July. Year: opens 1 December, due 5 January of
    the next year, closes 31 January (NĐ 39 Art 24.2)."""
    if part == ReportingPeriod.Part.H1:
        return date(year, 6, 15), date(year, 7, 5), date(year, 7, 31)
    return date(year, 12, 1), date(year + 1, 1, 5), date(year + 1, 1, 31)


def commune_report_form_versions() -> dict[str, str]:
    return dict(settings.COMMUNE_ACCIDENT_REPORT_FORMS)


def _new_commune_report(period: ReportingPeriod) -> CommuneAccidentReport:
    return CommuneAccidentReport(
        commune=period.commune,
        period=period,
        year=period.year,
        part=period.part,
        form_version=settings.COMMUNE_ACCIDENT_REPORT_FORM,
        recipient=default_recipient(period.commune),
        signer_title="CHỦ TỊCH",  # printed on the document (Decree 30 signer block)
    )


def commune_report_create_pending(period: ReportingPeriod) -> int:
    if CommuneAccidentReport.objects.filter(
        commune=period.commune, year=period.year, part=period.part
    ).exists():
        return 0
    _new_commune_report(period).save()
    return 1


def commune_report_content(report: CommuneAccidentReport) -> dict:
    """The report's figures: as sent once sent, else live from the register."""
    if report.content and report.is_sent:
        return report.content
    return statistics.commune_report_content(
        commune=report.commune, year=report.year, part=report.part
    )


@transaction.atomic
def commune_report_save(
    *, report: CommuneAccidentReport, by: User, data: dict[str, Any]
) -> CommuneAccidentReport:
    if report.is_sent:
        raise ApplicationError(_("This report has been sent; take it back to correct it."))
    for name, value in data.items():
        setattr(report, name, value)
    if report.form_version not in commune_report_form_versions():
        raise ValidationError({"form_version": _("Choose one of the available form versions.")})
    report.full_clean()
    report._history_user = by
    report.save()
    return report


@transaction.atomic
def commune_report_mark_sent(
    *,
    report: CommuneAccidentReport,
    by: User,
    sent_on: date,
    sent_via: str,
    document_number: str = "",
) -> CommuneAccidentReport:
    """Record that the signed report went to Sở Nội vụ: freezes its figures as sent."""
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": _("The sending date cannot be in the future.")})
    if sent_on < report.period.opens_on.replace(month=1, day=1):
        raise ValidationError({"sent_on": _("The sending date is before the reporting year.")})
    report.content = statistics.commune_report_content(
        commune=report.commune, year=report.year, part=report.part
    )
    report.sent_on = sent_on
    report.sent_via = sent_via
    if document_number:
        report.document_number = document_number
    if report.report_date is None:
        report.report_date = sent_on
    report.save()
    snapshot = report.build_master_snapshot()
    sent = filing_submit(filing=report, by=by, snapshot=snapshot)
    indicators_recompute_later(commune_id=report.commune_id, year=report.year)
    return sent


@transaction.atomic
def commune_report_withdraw(
    *, report: CommuneAccidentReport, by: User, reason: str
) -> CommuneAccidentReport:
    withdrawn = filing_withdraw(filing=report, by=by, reason=reason)
    CommuneAccidentReport.objects.filter(pk=withdrawn.pk).update(sent_on=None, sent_via="")
    withdrawn.sent_on, withdrawn.sent_via = None, ""
    indicators_recompute_later(commune_id=report.commune_id, year=report.year)
    return withdrawn
