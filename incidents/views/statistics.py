"""The enterprise's accident statistics report (NĐ 39 Phụ lục XII; DOMAIN §3.7): list, start,
edit, submit, decide, scans and the official PDF and xlsx.

Table I is computed from the accident records until the report is submitted, then frozen; the
pages only show it. Access follows docs/permissions.md: outsiders get 404 through the selectors,
a role that can see but not act gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.exports import XLSX_CONTENT_TYPE
from atvsld_portal.files import private_file_response
from atvsld_portal.history import history_rows
from atvsld_portal.models import Filing, ReportingPeriod
from atvsld_portal.selectors import filing_events_for, filing_scans_for
from atvsld_portal.services import filing_scan_add
from atvsld_portal.submissions import filing_submit_repeat, is_submitted_meanwhile
from enterprises.access import (
    can_decide_filings,
    can_edit_filing,
    can_list_filings,
    can_manage_registry,
    can_upload_scan,
    may_file_for,
)
from enterprises.forms import ApproveForm, ChannelForm, ReasonForm, ScanUploadForm
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_get_for_user, enterprise_list_for_user
from incidents import statistics, statistics_documents
from incidents.forms_statistics import DAMAGE_FIELDS, PeriodicReportForm, ReportStartForm
from incidents.models import PeriodicAccidentReport, StatisticsPart
from incidents.selectors import periodic_report_get_for_user, periodic_report_list_for_user
from incidents.services import reports

PAGE_SIZE = 30
# Columns 1-6 of Table II, in the order of the form.
TABLE_II_ORDER = (
    "days_off",
    "cost_total",
    "cost_medical",
    "cost_wages",
    "cost_compensation",
    "property_damage",
)


def _parse_uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except (TypeError, ValueError):
        return None


def _get_report_for_user(
    request: HttpRequest, public_id: UUID
) -> tuple[PeriodicAccidentReport, bool]:
    report = periodic_report_get_for_user(user=request.user, public_id=public_id)
    return report, can_edit_filing(request.user, report, report.enterprise)


def _startable_periods(user, enterprises: list[Enterprise]) -> list[dict]:
    """Open periods of the enterprises' communes for which an enterprise has no report yet.

    Three queries whatever the number of enterprises.
    """
    if not enterprises:
        return []
    today = timezone.localdate()
    periods = list(
        ReportingPeriod.objects.filter(
            commune__in={e.commune_id for e in enterprises},
            kind=reports.PERIODIC_REPORT_KIND,
            opened_at__isnull=False,
            closes_on__gte=today,
        ).order_by("-year", "part")
    )
    if not periods:
        return []
    existing = set(
        PeriodicAccidentReport.objects.filter(
            enterprise__in=enterprises, year__in={p.year for p in periods}
        ).values_list("enterprise_id", "year", "part")
    )
    return [
        {"enterprise": enterprise, "period": period}
        for enterprise in enterprises
        for period in periods
        if period.commune_id == enterprise.commune_id
        and (enterprise.pk, period.year, period.part) not in existing
    ]


# ------------------------------------------------------------------------------
# List and start
# ------------------------------------------------------------------------------
@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The commune's reports (or the enterprise user's own), by year, part and status."""
    user = request.user
    if not can_list_filings(user):
        raise PermissionDenied
    reports_qs = periodic_report_list_for_user(user=user).order_by(
        "-year", "-part", "enterprise__name", "pk"
    )
    enterprise = None
    enterprise_id = _parse_uuid(request.GET.get("enterprise", ""))
    if enterprise_id is not None:
        enterprise = enterprise_get_for_user(user=user, public_id=enterprise_id)
        reports_qs = reports_qs.filter(enterprise=enterprise)
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdecimal() else None
    if year is not None:
        reports_qs = reports_qs.filter(year=year)
    part = request.GET.get("part", "")
    if part in StatisticsPart.values:
        reports_qs = reports_qs.filter(part=part)
    else:
        part = ""
    status = request.GET.get("status", "")
    if status in Filing.Status.values:
        reports_qs = reports_qs.filter(status=status)
    else:
        status = ""
    page = Paginator(reports_qs, PAGE_SIZE).get_page(request.GET.get("page"))

    # Members start their own enterprises' reports; officials start one to enter a paper report.
    if enterprise is not None:
        may_start = [enterprise] if may_file_for(user, enterprise) else []
    elif user.is_enterprise_user:
        may_start = list(enterprise_list_for_user(user=user).order_by("name"))
    else:
        may_start = []
    this_year = timezone.localdate().year
    context = {
        "page_obj": page,
        "enterprise": enterprise,
        "year": year,
        "part": part,
        "status": status,
        "years": list(range(this_year, this_year - 6, -1)),
        "parts": StatisticsPart.choices,
        "statuses": Filing.Status.choices,
        "startable": _startable_periods(user, may_start),
    }
    return render(request, "incidents/statistics/report_list.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Open (or create) the enterprise's report for a period the commune opened."""
    enterprise = enterprise_get_for_user(user=request.user, public_id=public_id)
    if not may_file_for(request.user, enterprise):
        raise PermissionDenied
    back = f"{reverse('statistics:report_list')}?{urlencode({'enterprise': enterprise.public_id})}"
    form = ReportStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the year and the reporting period."))
        return redirect(back)
    try:
        report = reports.periodic_report_get_or_create_draft(
            enterprise=enterprise,
            year=form.cleaned_data["year"],
            part=form.cleaned_data["part"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect("statistics:report_edit", public_id=report.public_id)


# ------------------------------------------------------------------------------
# Detail
# ------------------------------------------------------------------------------
def _master_data(report: PeriodicAccidentReport) -> dict:
    """The enterprise as frozen at submission, or as it is now for a draft."""
    if report.master_snapshot and not report.is_editable_status:
        return report.master_snapshot
    return report.enterprise.master_data()


def _damage_rows(report: PeriodicAccidentReport, from_records: dict[str, int]) -> list[dict]:
    rows = []
    for number, name in enumerate(TABLE_II_ORDER, start=1):
        filed = getattr(report, name)
        rows.append(
            {
                "number": number,
                "name": name,
                "label": report._meta.get_field(name).verbose_name,
                "unit": _("days") if name == "days_off" else _("thousand VND"),
                "filed": filed,
                "records": from_records[name],
                "differs": filed != from_records[name],
            }
        )
    return rows


@login_required
@require_GET
def report_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_edit = _get_report_for_user(request, public_id)
    user = request.user
    table = reports.periodic_report_table(report)
    accidents = statistics.enterprise_accidents(
        enterprise=report.enterprise, year=report.year, part=report.part
    )
    damage = _damage_rows(report, statistics.table_ii_from_records(accidents))
    commune = report.enterprise.commune
    context = {
        "report": report,
        "enterprise": report.enterprise,
        "master": _master_data(report),
        "commune_code": commune.code or commune.code_provisional,
        "table": table,
        "columns": statistics.COLUMNS,
        "rule_errors": (
            reports.periodic_report_errors(report, table) if report.is_editable_status else []
        ),
        "warnings": reports.periodic_report_warnings(report),
        "records_differ": reports.periodic_report_records_differ(report),
        "damage": damage,
        "damage_differs": any(row["differs"] for row in damage),
        "can_edit": can_edit,
        "can_decide": can_decide_filings(user),
        "can_upload_scan": can_upload_scan(user, report.enterprise),
        "events": filing_events_for(filing=report),
        "scans": filing_scans_for(filing=report),
        "history": history_rows(report.history.all(), limit=30),
        "reason_form": ReasonForm(),
        "approve_form": ApproveForm(),
        "scan_form": ScanUploadForm(),
    }
    return render(request, "incidents/statistics/report_detail.html", context)


# ------------------------------------------------------------------------------
# Edit
# ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_edit = _get_report_for_user(request, public_id)
    if not can_edit:
        raise PermissionDenied
    entering_for_enterprise = can_manage_registry(request.user)
    data = request.POST if request.method == "POST" else None
    accidents = statistics.enterprise_accidents(
        enterprise=report.enterprise, year=report.year, part=report.part
    )
    from_records = statistics.table_ii_from_records(accidents)
    form = PeriodicReportForm(
        data,
        instance=report,
        with_report_date=entering_for_enterprise,
        damage_from_records=from_records,
    )
    channel_form = (
        ChannelForm(data, initial={"channel": report.channel}) if entering_for_enterprise else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (channel_form is None or channel_form.is_valid())
    ):
        channel = channel_form.cleaned_data["channel"] if channel_form else None
        try:
            reports.periodic_report_save(
                report=report,
                by=request.user,
                data=form.report_data(),
                channel=channel,
                fill_damage_from_records=form.cleaned_data["fill_damage_from_records"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The report has been saved as a draft. Submit it when it is complete.")
            )
            return redirect(report)
    context = {
        "form": form,
        "channel_form": channel_form,
        "with_report_date": entering_for_enterprise,
        "report": report,
        "enterprise": report.enterprise,
        "damage_from_records": [(form[name].label, from_records[name]) for name in DAMAGE_FIELDS],
    }
    return render(request, "incidents/statistics/report_form.html", context)


# ------------------------------------------------------------------------------
# Submit and decide
# ------------------------------------------------------------------------------
@login_required
@require_POST
def report_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_edit = _get_report_for_user(request, public_id)
    may_file = may_file_for(request.user, report.enterprise)
    if report.status == Filing.Status.SUBMITTED and may_file:
        return filing_submit_repeat(request, report)  # a second click, or back and resubmit
    if not can_edit:
        raise PermissionDenied
    try:
        reports.periodic_report_submit(report=report, by=request.user)
    except ValidationError as exc:
        if is_submitted_meanwhile(exc, report):
            return filing_submit_repeat(request, report)
        # One message per broken rule, so the user can correct them one by one.
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Submitted. The commune will check it and approve it or return it with a reason."),
        )
    return redirect(report)


def _decide(
    request: HttpRequest,
    report: PeriodicAccidentReport,
    action: Callable[..., PeriodicAccidentReport],
    *,
    form_class: type,
    success: str,
) -> HttpResponse:
    if not can_decide_filings(request.user):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success)
    else:
        messages.error(request, _("Write the reason before sending."))
    return redirect(report)


@login_required
@require_POST
def report_approve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _decide(
        request,
        report,
        reports.periodic_report_approve,
        form_class=ApproveForm,
        success=_("The report has been approved."),
    )


@login_required
@require_POST
def report_return(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _decide(
        request,
        report,
        reports.periodic_report_return,
        form_class=ReasonForm,
        success=_("The report has been returned to the enterprise with your reason."),
    )


@login_required
@require_POST
def report_reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _decide(
        request,
        report,
        reports.periodic_report_reopen,
        form_class=ReasonForm,
        success=_("The report has been reopened for correction."),
    )


# ------------------------------------------------------------------------------
# Scans
# ------------------------------------------------------------------------------
@login_required
@require_POST
def report_scan_upload(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    if not can_upload_scan(request.user, report.enterprise):
        raise PermissionDenied
    form = ScanUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            scan = filing_scan_add(filing=report, upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Scan version %(version)s has been attached.") % {"version": scan.version},
            )
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect(report)


@login_required
@require_GET
def report_scan_download(request: HttpRequest, public_id: UUID, version: int) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    scan = filing_scans_for(filing=report).filter(version=version).first()
    if scan is None:
        raise Http404
    return private_file_response(scan.file, filename=scan.original_name)


# ------------------------------------------------------------------------------
# Official layout: PDF and xlsx
# ------------------------------------------------------------------------------
def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def report_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _attachment(
        statistics_documents.report_pdf(report),
        "application/pdf",
        statistics_documents.report_filename(report, "pdf"),
    )


@login_required
@require_GET
def report_xlsx(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _attachment(
        statistics_documents.report_xlsx(report),
        XLSX_CONTENT_TYPE,
        statistics_documents.report_filename(report, "xlsx"),
    )
