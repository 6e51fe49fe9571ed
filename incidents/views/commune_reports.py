"""The commune's report on accidents of workers without a labour contract, sent to Sở Nội vụ
for the first half and the whole year (DOMAIN §3.8): list, detail with Parts I-V, header form,
recording that it was sent, taking it back for correction, and the PDF, .docx and .xlsx.

Officials and leaders read their commune's reports, province viewers every commune of the
province; only the commune's official acts on them. Victims' names are shown (and the view
logged) only to those who may see personal data; the province viewer never sees them.
"""

from __future__ import annotations

import io
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.exports import XLSX_CONTENT_TYPE, docx_response
from atvsld_portal.models import User
from atvsld_portal.privacy import record_personal_data_view
from atvsld_portal.selectors import filing_events_for
from enterprises.access import can_manage_registry
from enterprises.forms import ReasonForm
from incidents import commune_report_documents as documents
from incidents.forms_commune_reports import CommuneReportForm, MarkSentForm
from incidents.models import CommuneAccidentReport
from incidents.selectors import (
    COMMUNE_READERS,
    can_view_case_personal_data,
    commune_report_get_for_user,
    commune_report_list_for_user,
)
from incidents.services import reports

PAGE_SIZE = 30
PURPOSE = "commune accident report"


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def _is_reader(user: User) -> bool:
    return user.is_superuser or user.role in COMMUNE_READERS


def _can_manage(user: User, report: CommuneAccidentReport) -> bool:
    """The official of the report's own commune."""
    return can_manage_registry(user) and user.administrative_unit_id == report.commune_id


def _get_report(request: HttpRequest, public_id: UUID) -> tuple[CommuneAccidentReport, bool]:
    """The report if the user may read it (else 404), and whether they may act on it."""
    report = commune_report_get_for_user(user=request.user, public_id=public_id)
    return report, _can_manage(request.user, report)


def _log_names_shown(request: HttpRequest, report: CommuneAccidentReport, content, how: str):
    if content.names_shown and content.victims:
        purpose = PURPOSE if not how else f"{PURPOSE} ({how})"
        record_personal_data_view(request.user, report, purpose=purpose)


# ------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------
@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    if not _is_reader(request.user):
        raise PermissionDenied
    reports_qs = commune_report_list_for_user(user=request.user).order_by(
        "-year", "-part", "commune__name", "pk"
    )
    page = Paginator(reports_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_open = can_manage_registry(request.user)
    context = {
        "page_obj": page,
        "show_commune": request.user.commune is None,
        "can_open_period": can_open,
        "open_period_url": f"{reverse('period_create')}?kind={reports.COMMUNE_REPORT_KIND}",
    }
    return render(request, "incidents/commune_report/list.html", context)


def _detail_page(
    request: HttpRequest,
    report: CommuneAccidentReport,
    can_manage: bool,
    *,
    sent_form: MarkSentForm | None = None,
    reason_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    show_names = can_view_case_personal_data(request.user)
    content = documents.report_content(report, show_names=show_names)
    _log_names_shown(request, report, content, "")
    context = {
        "report": report,
        "content": content,
        "can_manage": can_manage,
        "form_version_label": documents.form_version_label(report),
        "events": filing_events_for(filing=report),
        "sent_form": sent_form or MarkSentForm(report=report),
        "reason_form": reason_form or ReasonForm(),
    }
    return render(request, "incidents/commune_report/detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_manage = _get_report(request, public_id)
    return _detail_page(request, report, can_manage)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_manage = _get_report(request, public_id)
    if not can_manage or report.is_sent:
        raise PermissionDenied
    form = CommuneReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            reports.commune_report_save(report=report, by=request.user, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report has been saved."))
            return redirect(report)
    return render(request, "incidents/commune_report/form.html", {"form": form, "report": report})


@login_required
@require_POST
def report_mark_sent(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_manage = _get_report(request, public_id)
    if not can_manage:
        raise PermissionDenied
    form = MarkSentForm(request.POST, report=report)
    if form.is_valid():
        try:
            reports.commune_report_mark_sent(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The report is recorded as sent. Its figures are now frozen as they were sent."),
            )
            return redirect(report)
    report.refresh_from_db()
    return _detail_page(request, report, can_manage, sent_form=form)


@login_required
@require_POST
def report_withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_manage = _get_report(request, public_id)
    if not can_manage:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            reports.commune_report_withdraw(
                report=report, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The report has been taken back: correct it and send it again.")
            )
            return redirect(report)
    return _detail_page(request, report, can_manage, reason_form=form)


# ------------------------------------------------------------------------------
# Documents: the report the commune signs and sends (names only for those who may see them)
# ------------------------------------------------------------------------------
def _document_context(request: HttpRequest, public_id: UUID, how: str) -> dict:
    report, _can_manage = _get_report(request, public_id)
    ctx = documents.document_context(report, show_names=can_view_case_personal_data(request.user))
    _log_names_shown(request, report, ctx["content"], how)
    return ctx


@login_required
@require_GET
def report_pdf(request: HttpRequest, public_id: UUID) -> FileResponse:
    ctx = _document_context(request, public_id, "PDF")
    return FileResponse(
        io.BytesIO(documents.pdf(ctx)),
        as_attachment=False,
        filename=documents.filename(ctx["report"], "pdf"),
        content_type="application/pdf",
    )


@login_required
@require_GET
def report_docx(request: HttpRequest, public_id: UUID) -> FileResponse:
    ctx = _document_context(request, public_id, "docx")
    return docx_response(documents.filename(ctx["report"], "docx"), documents.docx(ctx))


@login_required
@require_GET
def report_xlsx(request: HttpRequest, public_id: UUID) -> FileResponse:
    ctx = _document_context(request, public_id, "xlsx")
    return FileResponse(
        io.BytesIO(documents.xlsx(ctx)),
        as_attachment=True,
        filename=documents.filename(ctx["report"], "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
