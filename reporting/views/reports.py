"""The report to the Party committee (docs/permissions.md, "Quarterly reports…", "Commune document
settings", "Report verification page").

Officials and leaders draft their commune's reports from the data, write the narrative parts,
generate the PDF (a Celery job; the page follows its progress through htmx polling) and download
it; only the leader issues it with a number and a signing date, which freezes the PDF, its
SHA-256 and the figures. The province viewer reads the issued reports of the province. Nothing
changes an issued report: every writing view answers 403 for it. The verification page, reached
through the QR code on the paper, is public and shows the number, date, commune and hash only.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from atvsld_portal.exports import XLSX_CONTENT_TYPE, docx_response
from atvsld_portal.files import private_file_response
from atvsld_portal.models import User
from atvsld_portal.ratelimit import rate_limit
from atvsld_portal.selectors import commune_list_for_user
from reporting import quarterly, report_services
from reporting.models import QuarterlyReport
from reporting.report_forms import (
    DocumentSettingsForm,
    IssueForm,
    ReportCreateForm,
    ReportEditForm,
)

PAGE_SIZE = 30
Status = QuarterlyReport.Status
READERS = frozenset(
    {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}
)
AUTHORS = frozenset({User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER})
EDITABLE = frozenset({Status.DRAFT, Status.READY, Status.FAILED})
DOWNLOADABLE_PDF = frozenset({Status.READY, Status.ISSUED})
QR_SCALE = 4


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def is_report_reader(user: User) -> bool:
    return user.is_superuser or user.role in READERS


def report_list_for_user(*, user: User) -> QuerySet[QuarterlyReport]:
    """The reports of the communes the user reads; the province viewer reads issued ones only,
    enterprise users and unit reporters none."""
    if not is_report_reader(user):
        return QuarterlyReport.objects.none()
    reports = QuarterlyReport.objects.filter(
        commune__in=commune_list_for_user(user=user)
    ).select_related("commune")
    if not user.is_superuser and user.role == User.Role.PROVINCE_VIEWER:
        reports = reports.filter(status=Status.ISSUED)
    return reports


def _author_commune(user: User):
    """The commune whose reports the user drafts, or None."""
    return user.commune if user.role in AUTHORS else None


def _get_report(request: HttpRequest, public_id: UUID) -> tuple[QuarterlyReport, bool]:
    """The report if the user may read it (else 404), and whether they draft it."""
    report = report_list_for_user(user=request.user).filter(public_id=public_id).first()
    if report is None:
        raise Http404
    commune = _author_commune(request.user)
    return report, commune is not None and commune.pk == report.commune_id


def _can_issue(user: User, can_author: bool) -> bool:
    return can_author and user.role == User.Role.COMMUNE_LEADER


def _refuse_if_issued(report: QuarterlyReport) -> None:
    """An issued report is the record: no view changes it."""
    if report.is_issued:
        raise PermissionDenied


# ------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------
@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    if not is_report_reader(request.user):
        raise PermissionDenied
    reports = report_list_for_user(user=request.user).order_by("-year", "-created_at", "-pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "show_commune": request.user.commune is None,
        "can_create": _author_commune(request.user) is not None,
    }
    return render(request, "reporting/reports/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    commune = _author_commune(request.user)
    if commune is None:
        raise PermissionDenied
    form = ReportCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        variant, year, quarter = (form.cleaned_data[k] for k in ("variant", "year", "quarter"))
        existing = (
            QuarterlyReport.objects.filter(
                commune=commune, variant=variant, year=year, quarter=quarter
            )
            .exclude(status=Status.ISSUED)
            .first()
        )
        if existing is not None:
            messages.info(
                request,
                _("A draft of this report already exists: continue with it."),
            )
            return redirect(existing)
        try:
            report = report_services.report_create(
                commune=commune, variant=variant, year=year, quarter=quarter, by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "The draft has been written from the data. Check and rewrite the narrative "
                    "parts, then generate the PDF."
                ),
            )
            return redirect(report)
    return render(request, "reporting/reports/create.html", {"form": form})


def _narrative(report: QuarterlyReport) -> list[tuple[str, str, str]]:
    """(field name, label, text) of each part the official writes, in the document's order."""
    return [
        (name, QuarterlyReport._meta.get_field(name).verbose_name, getattr(report, name))
        for name in QuarterlyReport.NARRATIVE_FIELDS
    ]


def _figure_tables(report: QuarterlyReport) -> list[quarterly.Table]:
    """The tables the PDF prints, built from the report's figures (``report.data``) exactly as
    the PDF, the .docx and the .xlsx build them."""
    data = report.data or {}
    if data.get("version") != quarterly.DATA_VERSION:
        return []
    return quarterly.document_content(report, data).tables()


def _figures_collected_at(report: QuarterlyReport) -> datetime | None:
    value = (report.data or {}).get("computed_at")
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _progress_context(report: QuarterlyReport, can_author: bool) -> dict[str, Any]:
    return {
        "report": report,
        "can_author": can_author,
        "pdf_available": report.status in DOWNLOADABLE_PDF and bool(report.pdf),
    }


def _detail_page(
    request: HttpRequest,
    report: QuarterlyReport,
    can_author: bool,
    *,
    issue_form: IssueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_issue = _can_issue(request.user, can_author) and report.status == Status.READY
    context = {
        **_progress_context(report, can_author),
        "can_edit": can_author and report.status in EDITABLE,
        # A failed run offers its Retry next to the error (in the status box).
        "can_generate": can_author and report.status in {Status.DRAFT, Status.READY},
        "can_issue": can_issue,
        "issue_form": (issue_form or IssueForm()) if can_issue else None,
        "narrative": _narrative(report),
        "tables": _figure_tables(report),
        "figures_collected_at": _figures_collected_at(report),
        "recipients": [line for line in report.recipients.splitlines() if line.strip()],
    }
    if report.is_issued:
        import segno

        url = report_services.verification_url(report)
        context["verify_url"] = url
        context["verify_qr"] = segno.make(url, error="m").svg_data_uri(scale=QR_SCALE)
    return render(request, "reporting/reports/detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_author = _get_report(request, public_id)
    return _detail_page(request, report, can_author)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def report_progress(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The status box alone for htmx (polled every second while generating), else a small page.
    When the job has ended, htmx reloads the whole page so every button matches the status."""
    report, can_author = _get_report(request, public_id)
    context = _progress_context(report, can_author)
    if request.htmx:
        response = render(request, "reporting/reports/_progress.html", context)
        if report.status != Status.GENERATING:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "reporting/reports/progress.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_author = _get_report(request, public_id)
    if not can_author:
        raise PermissionDenied
    _refuse_if_issued(report)
    form = ReportEditForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            saved = report_services.report_update(
                report=report, by=request.user, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The report has been saved. Generate the PDF to see the changes.")
            )
            return redirect(saved)
    return render(request, "reporting/reports/edit.html", {"form": form, "report": report})


@login_required
@require_POST
def report_generate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Queue the PDF (or retry a failed one); eagerly, it is done when the page comes back."""
    report, can_author = _get_report(request, public_id)
    if not can_author:
        raise PermissionDenied
    _refuse_if_issued(report)
    try:
        report_services.report_request_generation(report=report, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(report)
    report.refresh_from_db()
    if report.status == Status.READY:
        messages.success(request, _("The PDF is ready. Read it before it is issued."))
    elif report.status == Status.FAILED:
        messages.error(request, _("The PDF could not be generated; the reason is shown below."))
    else:
        messages.info(request, _("The PDF is being generated; this page shows the progress."))
    return redirect(report)


@login_required
@require_POST
def report_issue(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Issue = freeze: the number and signing date go on the final PDF with its QR code."""
    report, can_author = _get_report(request, public_id)
    if not _can_issue(request.user, can_author):
        raise PermissionDenied
    _refuse_if_issued(report)
    if report.status != Status.READY:
        messages.error(request, _("Generate the report and check it before issuing it."))
        return redirect(report)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            issued = report_services.report_issue(
                report=report,
                by=request.user,
                number=form.cleaned_data["number"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The report is issued as number %(number)s. It can no longer be changed.")
                % {"number": issued.number_text},
            )
            return redirect(issued)
    report.refresh_from_db()
    return _detail_page(request, report, can_author, issue_form=form)


# ------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------
@login_required
@require_GET
def report_pdf(request: HttpRequest, public_id: UUID) -> FileResponse:
    """The stored PDF: the generated draft, or the issued record (byte for byte)."""
    report, _can_author = _get_report(request, public_id)
    if report.status not in DOWNLOADABLE_PDF or not report.pdf:
        raise Http404
    return private_file_response(report.pdf, filename=quarterly.pdf_filename(report, "pdf"))


@login_required
@require_GET
def report_docx(request: HttpRequest, public_id: UUID) -> FileResponse:
    report, _can_author = _get_report(request, public_id)
    return docx_response(quarterly.pdf_filename(report, "docx"), quarterly.report_docx(report))


@login_required
@require_GET
def report_xlsx(request: HttpRequest, public_id: UUID) -> FileResponse:
    report, _can_author = _get_report(request, public_id)
    return FileResponse(
        io.BytesIO(quarterly.report_xlsx(report)),
        as_attachment=True,
        filename=quarterly.pdf_filename(report, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


# ------------------------------------------------------------------------------
# The commune's document settings
# ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def document_settings(request: HttpRequest) -> HttpResponse:
    commune = _author_commune(request.user)
    if commune is None:
        raise PermissionDenied
    settings_row = report_services.document_settings_for(commune)
    form = DocumentSettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _(
                "The document settings have been saved. New reports use them; a draft keeps "
                "its own signer block and recipients, which you change on the draft."
            ),
        )
        return redirect("reporting:document_settings")
    return render(request, "reporting/reports/settings.html", {"form": form, "commune": commune})


# ------------------------------------------------------------------------------
# Public verification (the QR code on the paper)
# ------------------------------------------------------------------------------
@require_GET
@rate_limit("verify", methods=("GET",))
def verify(request: HttpRequest, token: UUID) -> HttpResponse:
    """Confirms that a report with this number, date and hash was issued by the commune; shows
    nothing else (no content, no figures, no names). Unknown and unissued reports are 404."""
    report = (
        QuarterlyReport.objects.filter(verify_token=token, status=Status.ISSUED)
        .select_related("commune")
        .first()
    )
    if report is None:
        raise Http404
    context = {
        "number_text": report.number_text,
        "signed_on": report.signed_on,
        "commune_name": report.commune.name,
        "sha256": report.sha256,
    }
    response = render(request, "reporting/verify.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response
