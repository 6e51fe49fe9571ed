"""Annual OSH reports and workplace monitoring records: filing, entering from paper, deciding."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.files import private_file_response
from atvsld_portal.history import history_rows
from atvsld_portal.models import Filing
from atvsld_portal.selectors import filing_events_for, filing_scans_for
from atvsld_portal.services import filing_scan_add
from atvsld_portal.submissions import (
    filing_submit_repeat,
    is_submitted_meanwhile,
    redirect_to_first,
    submission_repeat,
    submit_once,
)
from enterprises import documents, services
from enterprises.access import (
    can_decide_filings,
    can_edit_filing,
    can_list_filings,
    can_manage_registry,
    can_upload_scan,
    may_file_for,
)
from enterprises.forms import (
    ANNUAL_REPORT_SECTIONS,
    AnnualOshReportForm,
    ApproveForm,
    ChannelForm,
    MonitoringRecordForm,
    MonitoringResultFormSet,
    ReasonForm,
    ScanUploadForm,
)
from enterprises.models import AnnualOshReport, MonitoringRecord
from enterprises.selectors import (
    annual_report_get_for_user,
    annual_report_list_for_user,
    enterprise_get_for_user,
    monitoring_record_get_for_user,
)

PAGE_SIZE = 30


# ------------------------------------------------------------------------------
# Shared decision handling (approve / return / reopen) for both filing kinds
# ------------------------------------------------------------------------------
def _decide(
    request: HttpRequest,
    filing: Filing,
    action: Callable[..., Filing],
    *,
    form_class: type,
    success: str,
    **kwargs,
) -> HttpResponse:
    if not can_decide_filings(request.user):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            action(by=request.user, **kwargs, **data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success)
    else:
        messages.error(request, _("Write the reason before sending."))
    return redirect(filing)


def _submit(
    request: HttpRequest, filing: Filing, action: Callable[..., Filing], **kwargs
) -> HttpResponse:
    may_file = may_file_for(request.user, filing.enterprise)
    if filing.status == Filing.Status.SUBMITTED and may_file:
        return filing_submit_repeat(request, filing)  # a second click, or back and resubmit
    if not can_edit_filing(request.user, filing, filing.enterprise):
        raise PermissionDenied
    try:
        action(by=request.user, **kwargs)
    except ValidationError as exc:
        if is_submitted_meanwhile(exc, filing):
            return filing_submit_repeat(request, filing)
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Submitted. The commune will check it and approve it or return it with a reason."),
        )
    return redirect(filing)


# ------------------------------------------------------------------------------
# Annual OSH reports
# ------------------------------------------------------------------------------
@login_required
@require_GET
def annual_report_list(request: HttpRequest) -> HttpResponse:
    """The commune's view of a year's reports: who filed, who has not, what waits for a decision."""
    if not can_list_filings(request.user):
        raise PermissionDenied
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdecimal() else timezone.localdate().year
    status = request.GET.get("status", "")
    reports = (
        annual_report_list_for_user(user=request.user)
        .filter(year=year)
        .order_by("enterprise__name")
    )
    if status in Filing.Status.values:
        reports = reports.filter(status=status)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "year": year,
        "status": status,
        "statuses": Filing.Status.choices,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
    }
    return render(request, "enterprises/annualoshreport_list.html", context)


@login_required
@require_POST
def annual_report_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Open (or create) the enterprise's report for a year, then go to its form."""
    enterprise = enterprise_get_for_user(user=request.user, public_id=public_id)
    if not may_file_for(request.user, enterprise):
        raise PermissionDenied
    year_param = request.POST.get("year", "")
    year = int(year_param) if year_param.isdecimal() else timezone.localdate().year
    try:
        report = services.annual_report_get_or_create_draft(
            enterprise=enterprise, year=year, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(enterprise)
    return redirect("enterprises:annual_report_edit", public_id=report.public_id)


def _get_report_for_user(request: HttpRequest, public_id: UUID) -> tuple[AnnualOshReport, bool]:
    report = annual_report_get_for_user(user=request.user, public_id=public_id)
    return report, can_edit_filing(request.user, report, report.enterprise)


@login_required
@require_GET
def annual_report_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_edit = _get_report_for_user(request, public_id)
    sections = [
        (
            title,
            [(report._meta.get_field(name).verbose_name, getattr(report, name)) for name in names],
        )
        for title, names in ANNUAL_REPORT_SECTIONS
    ]
    context = {
        "report": report,
        "enterprise": report.enterprise,
        "sections": sections,
        "can_edit": can_edit,
        "can_decide": can_decide_filings(request.user),
        "can_upload_scan": can_upload_scan(request.user, report.enterprise),
        "events": filing_events_for(filing=report),
        "scans": filing_scans_for(filing=report),
        "history": history_rows(report.history.all(), limit=30),
        "reason_form": ReasonForm(),
        "approve_form": ApproveForm(),
        "scan_form": ScanUploadForm(),
    }
    return render(request, "enterprises/annualoshreport_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_edit = _get_report_for_user(request, public_id)
    if not can_edit:
        raise PermissionDenied
    entering_for_enterprise = can_manage_registry(request.user)
    form = AnnualOshReportForm(request.POST or None, instance=report)
    channel_form = (
        ChannelForm(request.POST or None, initial={"channel": report.channel})
        if entering_for_enterprise
        else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (channel_form is None or channel_form.is_valid())
    ):
        channel = channel_form.cleaned_data["channel"] if channel_form else None
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.annual_report_save(report=report, by=request.user, data=data, channel=channel)
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
        "report": report,
        "enterprise": report.enterprise,
    }
    return render(request, "enterprises/annualoshreport_form.html", context)


@login_required
@require_POST
def annual_report_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _submit(request, report, services.annual_report_submit, report=report)


@login_required
@require_POST
def annual_report_approve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _decide(
        request,
        report,
        services.annual_report_approve,
        form_class=ApproveForm,
        success=_("The report has been approved."),
        report=report,
    )


@login_required
@require_POST
def annual_report_return(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _decide(
        request,
        report,
        services.annual_report_return,
        form_class=ReasonForm,
        success=_("The report has been returned to the enterprise with your reason."),
        report=report,
    )


@login_required
@require_POST
def annual_report_reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    return _decide(
        request,
        report,
        services.annual_report_reopen,
        form_class=ReasonForm,
        success=_("The report has been reopened for correction."),
        report=report,
    )


@login_required
@require_POST
def annual_report_scan_upload(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
def annual_report_scan_download(
    request: HttpRequest, public_id: UUID, version: int
) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    scan = filing_scans_for(filing=report).filter(version=version).first()
    if scan is None:
        raise Http404
    return private_file_response(scan.file, filename=scan.original_name)


@login_required
@require_GET
def annual_report_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    response = HttpResponse(documents.annual_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.annual_report_filename(report, "pdf")}"'
    )
    return response


@login_required
@require_GET
def annual_report_xlsx(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    response = HttpResponse(
        documents.annual_report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.annual_report_filename(report, "xlsx")}"'
    )
    return response


# ------------------------------------------------------------------------------
# Workplace monitoring records
# ------------------------------------------------------------------------------
def _get_record_for_user(request: HttpRequest, public_id: UUID) -> tuple[MonitoringRecord, bool]:
    record = monitoring_record_get_for_user(user=request.user, public_id=public_id)
    return record, can_edit_filing(request.user, record, record.enterprise)


def _monitoring_form_page(request: HttpRequest, record: MonitoringRecord) -> HttpResponse:
    if (first := submission_repeat(request)) is not None:
        return redirect_to_first(request, first)  # the same new record sent again
    entering_for_enterprise = can_manage_registry(request.user)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = MonitoringRecordForm(data, files, instance=record)
    formset = MonitoringResultFormSet(data, instance=record, prefix="results")
    channel_form = (
        ChannelForm(data, initial={"channel": record.channel}) if entering_for_enterprise else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and formset.is_valid()
        and (channel_form is None or channel_form.is_valid())
    ):
        channel = channel_form.cleaned_data["channel"] if channel_form else None
        save = partial(
            services.monitoring_record_save,
            record=form.instance,
            results_formset=formset,
            by=request.user,
            channel=channel,
        )
        try:
            record, created = submit_once(request, save)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not created:
                return redirect_to_first(request, record)
            messages.success(
                request,
                _(
                    "The monitoring record has been saved as a draft. "
                    "Submit it when it is complete."
                ),
            )
            return redirect(record)
    context = {
        "form": form,
        "formset": formset,
        "channel_form": channel_form,
        "record": record,
        "enterprise": record.enterprise,
    }
    return render(request, "enterprises/monitoringrecord_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    enterprise = enterprise_get_for_user(user=request.user, public_id=public_id)
    if not may_file_for(request.user, enterprise):
        raise PermissionDenied
    record = MonitoringRecord(enterprise=enterprise, year=timezone.localdate().year)
    return _monitoring_form_page(request, record)


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record, can_edit = _get_record_for_user(request, public_id)
    if not can_edit:
        raise PermissionDenied
    return _monitoring_form_page(request, record)


@login_required
@require_GET
def monitoring_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record, can_edit = _get_record_for_user(request, public_id)
    context = {
        "record": record,
        "enterprise": record.enterprise,
        "can_edit": can_edit,
        "can_decide": can_decide_filings(request.user),
        "events": filing_events_for(filing=record),
        "history": history_rows(record.history.all(), limit=30),
        "reason_form": ReasonForm(),
        "approve_form": ApproveForm(),
    }
    return render(request, "enterprises/monitoringrecord_detail.html", context)


@login_required
@require_POST
def monitoring_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record, _can_edit = _get_record_for_user(request, public_id)
    return _submit(request, record, services.monitoring_record_submit, record=record)


@login_required
@require_POST
def monitoring_approve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record, _can_edit = _get_record_for_user(request, public_id)
    return _decide(
        request,
        record,
        services.monitoring_record_approve,
        form_class=ApproveForm,
        success=_("The monitoring record has been approved."),
        record=record,
    )


@login_required
@require_POST
def monitoring_return(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record, _can_edit = _get_record_for_user(request, public_id)
    return _decide(
        request,
        record,
        services.monitoring_record_return,
        form_class=ReasonForm,
        success=_("The monitoring record has been returned to the enterprise with your reason."),
        record=record,
    )


@login_required
@require_POST
def monitoring_reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record, _can_edit = _get_record_for_user(request, public_id)
    return _decide(
        request,
        record,
        services.monitoring_record_reopen,
        form_class=ReasonForm,
        success=_("The monitoring record has been reopened for correction."),
        record=record,
    )


@login_required
@require_GET
def monitoring_report_file(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record, _can_edit = _get_record_for_user(request, public_id)
    if not record.report_file:
        raise Http404
    return private_file_response(
        record.report_file, filename=f"quan-trac-{record.year}-{record.round}.pdf"
    )
