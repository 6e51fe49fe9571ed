"""Write-side rules of the enterprise registry.

Every service that changes an annual report or a monitoring record writes the outbox row
"recompute commune C, year Y" in the same transaction (the indicators issue builds the task).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from atvsld_portal import services as core_services
from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.models import AdministrativeUnit, Filing, ReportingPeriod, User
from atvsld_portal.services import indicators_recompute_later
from enterprises.models import (
    ActivityDivision,
    ActivitySection,
    AnnualOshReport,
    Enterprise,
    EnterpriseMember,
    EnterpriseRegistration,
    MonitoringRecord,
)

if TYPE_CHECKING:
    from django.http import HttpRequest


def recompute_later(*, commune_id: int, year: int) -> None:
    indicators_recompute_later(commune_id=commune_id, year=year)


# ------------------------------------------------------------------------------
# Enterprises
# ------------------------------------------------------------------------------
def activity_section_for(*, version: str, code: str) -> ActivitySection | None:
    """The section of an activity code, from the editable division table of its version."""
    if len(code) < 2:
        return None
    division = (
        ActivityDivision.objects.select_related("section")
        .filter(version=version, code=code[:2])
        .first()
    )
    return division.section if division else None


def check_tax_code_available(
    *, tax_code: str | None, commune: AdministrativeUnit, exclude_pk: int | None = None
) -> None:
    """Refuse a tax code already registered; point to the province when another commune has it."""
    if not tax_code:
        return
    holder = (
        Enterprise.objects.select_related("commune")
        .filter(tax_code=tax_code)
        .exclude(pk=exclude_pk)
        .first()
    )
    if holder is None:
        return
    if holder.commune_id != commune.pk:
        raise ValidationError(
            _(
                "This tax code belongs to an enterprise registered in %(commune)s. It cannot be "
                "registered again here; ask the province (Sở Nội vụ) to move the enterprise if it "
                "has relocated."
            ),
            code="tax_code_other_commune",
            params={"commune": holder.commune.display_name},
        )
    raise ValidationError(
        _("This tax code is already registered in this commune: %(name)s."),
        code="tax_code_taken",
        params={"name": holder.name},
    )


ENTERPRISE_FIELDS = (
    "name",
    "tax_code",
    "village",
    "ownership_type",
    "activity_version",
    "activity_code",
    "activity_section",
    "address",
    "phone",
    "email",
    "legal_representative",
    "osh_officer_name",
    "osh_officer_type",
    "osh_officer_certificate_expiry",
    "medical_officer",
    "status",
    "workforce_total",
    "workforce_women",
    "payroll",
    "has_harmful_factors",
    "needs_verification",
)


def _apply_enterprise_fields(enterprise: Enterprise, data: dict[str, Any]) -> None:
    for name in ENTERPRISE_FIELDS:
        if name in data:
            setattr(enterprise, name, data[name])
    if enterprise.activity_code and not enterprise.activity_section_id:
        enterprise.activity_section = activity_section_for(
            version=enterprise.activity_version, code=enterprise.activity_code
        )
    if enterprise.village_id and enterprise.village.commune_id != enterprise.commune_id:
        raise ValidationError(
            {"village": _("The village must belong to the enterprise's commune.")}
        )


@transaction.atomic
def enterprise_create(*, commune: AdministrativeUnit, by: User, **data: Any) -> Enterprise:
    check_tax_code_available(tax_code=data.get("tax_code"), commune=commune)
    enterprise = Enterprise(commune=commune)
    _apply_enterprise_fields(enterprise, data)
    enterprise.full_clean()
    enterprise._history_user = by
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, by: User, **data: Any) -> Enterprise:
    check_tax_code_available(
        tax_code=data.get("tax_code"), commune=enterprise.commune, exclude_pk=enterprise.pk
    )
    _apply_enterprise_fields(enterprise, data)
    enterprise.full_clean()
    enterprise._history_user = by
    enterprise.save()
    return enterprise


# ------------------------------------------------------------------------------
# Members
# ------------------------------------------------------------------------------
@transaction.atomic
def member_invite(
    *, enterprise: Enterprise, email: str, full_name: str, role: str, by: User, request: HttpRequest
) -> EnterpriseMember:
    """Add a user to an enterprise (creating the account if needed); email a set-password link."""
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.role != User.Role.ENTERPRISE_USER:
        raise ValidationError({"email": _("This email belongs to a commune or province account.")})
    if user is not None and user.administrative_unit_id != enterprise.commune_id:
        raise ValidationError(
            {"email": _("This email belongs to an enterprise user of another commune.")}
        )
    if user is None:
        user = User(
            username=_unique_username(email),
            email=email,
            full_name=full_name,
            role=User.Role.ENTERPRISE_USER,
            administrative_unit=enterprise.commune,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    member, created = EnterpriseMember.objects.get_or_create(
        enterprise=enterprise, user=user, defaults={"role": role, "invited_by": by}
    )
    if not created:
        member.is_active = True
        member.role = role
        member._history_user = by
        member.save()
    transaction.on_commit(
        lambda: _send_invitation(user=user, enterprise=enterprise, request=request), robust=True
    )
    return member


def _unique_username(email: str) -> str:
    base = email.split("@", 1)[0].lower()[:30] or "doanhnghiep"
    candidate, suffix = base, 1
    while User.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate


def _send_invitation(*, user: User, enterprise: Enterprise, request: HttpRequest) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = request.build_absolute_uri(
        reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    )
    context = {"user": user, "enterprise": enterprise, "link": link}
    subject = render_to_string("emails/member_invitation-subject.txt", context).strip()
    body = render_to_string("emails/member_invitation-body.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def member_deactivate(*, member: EnterpriseMember, by: User) -> EnterpriseMember:
    member.is_active = False
    member._history_user = by
    member.save(update_fields=["is_active", "updated_at"])
    return member


# ------------------------------------------------------------------------------
# Reporting periods and annual reports
# ------------------------------------------------------------------------------
def annual_report_default_dates(year: int, part: str) -> tuple[date, date, date]:
    """Opens 1 November, due 10 January of the next year, closes 31 January."""
    return date(year, 11, 1), date(year + 1, 1, 10), date(year + 1, 1, 31)


def annual_report_create_pending(period: ReportingPeriod) -> int:
    """One empty draft per active enterprise of the commune that has no report for the year."""
    have = AnnualOshReport.objects.filter(
        enterprise__commune=period.commune, year=period.year
    ).values("enterprise")
    missing = Enterprise.objects.active().filter(commune=period.commune).exclude(pk__in=have)
    reports = [
        AnnualOshReport(enterprise=enterprise, period=period, year=period.year)
        for enterprise in missing
    ]
    AnnualOshReport.objects.bulk_create(reports)
    return len(reports)


@transaction.atomic
def reporting_period_save(*, period: ReportingPeriod, by: User) -> ReportingPeriod:
    period.full_clean()
    period.save()
    return period


def _prefill_monitoring(report: AnnualOshReport) -> None:
    from enterprises.selectors import monitoring_summary_for_year

    summary = monitoring_summary_for_year(enterprise=report.enterprise, year=report.year)
    if summary["samples"]:
        report.monitoring_samples = summary["samples"]
        report.monitoring_samples_failed = summary["failed"]
        report.monitoring_by_factor = summary["by_factor"]


@transaction.atomic
def annual_report_get_or_create_draft(
    *, enterprise: Enterprise, year: int, by: User
) -> AnnualOshReport:
    """The enterprise's report for a year; created as a draft in that year's open period."""
    report = AnnualOshReport.objects.filter(enterprise=enterprise, year=year).first()
    if report is not None:
        return report
    period = ReportingPeriod.objects.filter(
        commune=enterprise.commune, kind="annual_osh_report", year=year
    ).first()
    if period is None:
        raise ApplicationError(
            _("The commune has not opened the reporting period for this year yet.")
        )
    report = AnnualOshReport(enterprise=enterprise, period=period, year=year)
    _prefill_monitoring(report)
    report.save()
    return report


@transaction.atomic
def annual_report_save(
    *, report: AnnualOshReport, by: User, data: dict[str, Any], channel: str | None = None
) -> AnnualOshReport:
    if not report.is_editable_status:
        raise ApplicationError(_("This report is locked: it has been submitted or approved."))
    for name, value in data.items():
        setattr(report, name, value)
    if channel and channel != Filing.Channel.ONLINE:
        report.channel = channel
        report.entered_by = by
    if not report.monitoring_samples:
        _prefill_monitoring(report)
    report.full_clean()
    report._history_user = by
    report.save()
    recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return report


@transaction.atomic
def annual_report_submit(*, report: AnnualOshReport, by: User) -> AnnualOshReport:
    report = core_services.filing_submit(
        filing=report, by=by, snapshot=report.build_master_snapshot()
    )
    recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return report


@transaction.atomic
def annual_report_approve(*, report: AnnualOshReport, by: User, note: str = "") -> AnnualOshReport:
    report = core_services.filing_approve(filing=report, by=by, note=note)
    _update_workforce_from_latest_report(report.enterprise, by=by)
    recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return report


@transaction.atomic
def annual_report_return(*, report: AnnualOshReport, by: User, reason: str) -> AnnualOshReport:
    report = core_services.filing_return(filing=report, by=by, reason=reason)
    recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return report


@transaction.atomic
def annual_report_reopen(*, report: AnnualOshReport, by: User, reason: str) -> AnnualOshReport:
    report = core_services.filing_reopen(filing=report, by=by, reason=reason)
    recompute_later(commune_id=report.enterprise.commune_id, year=report.year)
    return report


def _update_workforce_from_latest_report(enterprise: Enterprise, *, by: User) -> None:
    """The registry's workforce and payroll follow the latest approved annual report."""
    latest = enterprise.annual_reports.approved().order_by("-year").first()
    if latest is None:
        return
    enterprise.workforce_total = latest.workers_total
    enterprise.workforce_women = latest.workers_women
    enterprise.workforce_as_of_year = latest.year
    enterprise._history_user = by
    enterprise.save(
        update_fields=["workforce_total", "workforce_women", "workforce_as_of_year", "updated_at"]
    )


# ------------------------------------------------------------------------------
# Monitoring records
# ------------------------------------------------------------------------------
@transaction.atomic
def monitoring_record_save(
    *, record: MonitoringRecord, results_formset, by: User, channel: str | None = None
) -> MonitoringRecord:
    """Save a record with its per-factor results (the formset is already valid)."""
    if record.pk and not record.is_editable_status:
        raise ApplicationError(_("This record is locked: it has been submitted or approved."))
    if channel and channel != Filing.Channel.ONLINE:
        record.channel = channel
        record.entered_by = by
    record.full_clean()
    record._history_user = by
    record.save()
    results_formset.instance = record
    results_formset.save()
    recompute_later(commune_id=record.enterprise.commune_id, year=record.year)
    return record


@transaction.atomic
def monitoring_record_submit(*, record: MonitoringRecord, by: User) -> MonitoringRecord:
    if not record.results.exists():
        raise ApplicationError(_("Add at least one measured factor before submitting."))
    record = core_services.filing_submit(
        filing=record, by=by, snapshot=record.build_master_snapshot()
    )
    recompute_later(commune_id=record.enterprise.commune_id, year=record.year)
    return record


@transaction.atomic
def monitoring_record_approve(
    *, record: MonitoringRecord, by: User, note: str = ""
) -> MonitoringRecord:
    record = core_services.filing_approve(filing=record, by=by, note=note)
    recompute_later(commune_id=record.enterprise.commune_id, year=record.year)
    return record


@transaction.atomic
def monitoring_record_return(
    *, record: MonitoringRecord, by: User, reason: str
) -> MonitoringRecord:
    record = core_services.filing_return(filing=record, by=by, reason=reason)
    recompute_later(commune_id=record.enterprise.commune_id, year=record.year)
    return record


@transaction.atomic
def monitoring_record_reopen(
    *, record: MonitoringRecord, by: User, reason: str
) -> MonitoringRecord:
    record = core_services.filing_reopen(filing=record, by=by, reason=reason)
    recompute_later(commune_id=record.enterprise.commune_id, year=record.year)
    return record


# ------------------------------------------------------------------------------
# Self-registration
# ------------------------------------------------------------------------------
@transaction.atomic
def registration_submit(
    *,
    commune: AdministrativeUnit,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    **data: Any,
) -> EnterpriseRegistration:
    """An enterprise registers itself: a pending enterprise the commune approves or refuses."""
    check_tax_code_available(tax_code=data.get("tax_code"), commune=commune)
    enterprise = Enterprise(commune=commune, status=Enterprise.Status.PENDING)
    _apply_enterprise_fields(enterprise, {**data, "status": Enterprise.Status.PENDING})
    enterprise.full_clean()
    enterprise.save()
    registration = EnterpriseRegistration.objects.create(
        enterprise=enterprise,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    transaction.on_commit(lambda: _notify_officials_of_registration(registration), robust=True)
    return registration


def _notify_officials_of_registration(registration: EnterpriseRegistration) -> None:
    enterprise = registration.enterprise
    recipients = list(
        User.objects.filter(
            administrative_unit=enterprise.commune, role=User.Role.COMMUNE_OFFICIAL, is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    context = {"registration": registration, "enterprise": enterprise}
    subject = render_to_string("emails/registration_received-subject.txt", context).strip()
    body = render_to_string("emails/registration_received-body.txt", context)
    send_mail(subject, body, None, recipients)


def _decide_registration(
    *, registration: EnterpriseRegistration, to: str, by: User, note: str
) -> Enterprise:
    updated = Enterprise.objects.filter(
        pk=registration.enterprise_id, status=Enterprise.Status.PENDING
    ).update(status=to)
    if updated != 1:
        raise ApplicationError(
            _("This registration has already been decided."), code="stale_status"
        )
    EnterpriseRegistration.objects.filter(pk=registration.pk).update(
        decided_at=timezone.now(), decided_by=by, decision_note=note
    )
    enterprise = Enterprise.objects.get(pk=registration.enterprise_id)
    enterprise._history_user = by
    enterprise.save(update_fields=["updated_at"])  # a history row for the decision
    return enterprise


@transaction.atomic
def registration_approve(
    *, registration: EnterpriseRegistration, by: User, request: HttpRequest
) -> Enterprise:
    """Activate the enterprise and invite its contact person as its first member."""
    enterprise = _decide_registration(
        registration=registration, to=Enterprise.Status.ACTIVE, by=by, note=""
    )
    member_invite(
        enterprise=enterprise,
        email=registration.contact_email,
        full_name=registration.contact_name,
        role=EnterpriseMember.Role.OWNER,
        by=by,
        request=request,
    )
    return enterprise


@transaction.atomic
def registration_reject(
    *, registration: EnterpriseRegistration, by: User, reason: str
) -> Enterprise:
    if not reason.strip():
        raise ApplicationError(_("Write why the registration is refused."))
    return _decide_registration(
        registration=registration, to=Enterprise.Status.REJECTED, by=by, note=reason
    )
