"""The commune's documents for accidents of workers without a labour contract: the biên bản ghi
nhận sự việc, the quick report (Mẫu số 06) with its sending details, and the yearly register."""

from __future__ import annotations

import io
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.exports import docx_response
from atvsld_portal.models import AdministrativeUnit, User
from atvsld_portal.selectors import commune_list_for_user
from enterprises.access import can_manage_registry
from incidents import documents, services
from incidents.forms_records import IncidentRecordForm, QuickReportSentForm
from incidents.models import Accident, IncidentRecord
from incidents.selectors import COMMUNE_READERS, accident_get_for_user

PAGE_SIZE = 50


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def _is_reader(user: User) -> bool:
    return user.is_superuser or user.role in COMMUNE_READERS


def _get_informal_accident(request: HttpRequest, public_id: UUID) -> tuple[Accident, bool]:
    """The informal-sector accident if the user may read it (else 404; a reader role that is
    not the commune's gets 403), and whether the user may write its records."""
    accident = accident_get_for_user(user=request.user, public_id=public_id)
    if accident.sector != Accident.Sector.INFORMAL or accident.kind != Accident.Kind.ACCIDENT:
        raise Http404
    if not _is_reader(request.user):
        raise PermissionDenied
    can_write = (
        can_manage_registry(request.user)
        and request.user.administrative_unit_id == accident.commune_id
    )
    return accident, can_write


def _filename(accident: Accident, stem: str, suffix: str) -> str:
    number = (accident.receipt_number or str(accident.public_id)).replace("/", "-")
    return f"{stem}-{number}.{suffix}"


def _pdf_response(content: bytes, filename: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content),
        as_attachment=False,
        filename=filename,
        content_type="application/pdf",
    )


# ------------------------------------------------------------------------------
# Biên bản ghi nhận sự việc
# ------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def incident_record_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, can_write = _get_informal_accident(request, public_id)
    if not can_write:
        raise PermissionDenied
    record = IncidentRecord.objects.filter(accident=accident).first()
    initial = {}
    if record is None:
        victim = accident.victims.first()
        initial = {
            "recorded_at": timezone.localtime().replace(second=0, microsecond=0),
            "recorded_place": accident.place,
            "injuries_and_treatment": victim.treatment_place if victim else "",
        }
    form = IncidentRecordForm(
        request.POST if request.method == "POST" else None,
        instance=record or IncidentRecord(accident=accident),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_record_save(
                accident=accident, by=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The incident record has been saved."))
            return redirect(accident)
    context = {"form": form, "accident": accident, "record": record}
    return render(request, "incidents/incidentrecord_form.html", context)


def _get_record(request: HttpRequest, public_id: UUID) -> IncidentRecord:
    accident, _can_write = _get_informal_accident(request, public_id)
    record = (
        IncidentRecord.objects.select_related("recorded_by", "accident__commune__parent")
        .filter(accident=accident)
        .first()
    )
    if record is None:
        raise Http404
    return record


@login_required
@require_GET
def incident_record_pdf_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record = _get_record(request, public_id)
    content = documents.incident_record_pdf(record)
    return _pdf_response(content, _filename(record.accident, "bien-ban", "pdf"))


@login_required
@require_GET
def incident_record_docx_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    record = _get_record(request, public_id)
    content = documents.incident_record_docx(record)
    return docx_response(_filename(record.accident, "bien-ban", "docx"), content)


# ------------------------------------------------------------------------------
# Quick report (Mẫu số 06)
# ------------------------------------------------------------------------------
def _get_urgent_accident(request: HttpRequest, public_id: UUID) -> tuple[Accident, bool]:
    accident, can_write = _get_informal_accident(request, public_id)
    if accident.is_draft or not services.is_urgent(list(accident.victims.all())):
        raise Http404
    return accident, can_write


@login_required
@require_GET
def quick_report_pdf_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, _can_write = _get_urgent_accident(request, public_id)
    content = documents.quick_report_pdf(accident)
    return _pdf_response(content, _filename(accident, "bao-cao-nhanh", "pdf"))


@login_required
@require_GET
def quick_report_docx_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, _can_write = _get_urgent_accident(request, public_id)
    content = documents.quick_report_docx(accident)
    return docx_response(_filename(accident, "bao-cao-nhanh", "docx"), content)


@login_required
@require_POST
def quick_report_sent_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, can_write = _get_urgent_accident(request, public_id)
    if not can_write:
        raise PermissionDenied
    form = QuickReportSentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(accident)
    try:
        services.quick_report_record(accident=accident, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(accident)
    messages.success(request, _("The sending of the quick report has been recorded."))
    return redirect(accident)


# ------------------------------------------------------------------------------
# Register (sổ thống kê TNLĐ) of the informal sector
# ------------------------------------------------------------------------------
def _register_scope(request: HttpRequest) -> tuple[AdministrativeUnit, int]:
    """The commune (the user's own; a province viewer picks one of the province with
    ``?commune=``) and the year (``?year=``, else the current year)."""
    user = request.user
    if not _is_reader(user):
        raise PermissionDenied
    communes = commune_list_for_user(user=user)
    commune = user.commune
    wanted = request.GET.get("commune", "")
    if wanted:
        commune = communes.filter(pk=wanted).first() if wanted.isdecimal() else None
    elif commune is None:
        commune = communes.order_by("name").first()
    if commune is None or not communes.filter(pk=commune.pk).exists():
        raise Http404
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    return commune, year


@login_required
@require_GET
def accident_register(request: HttpRequest) -> HttpResponse:
    commune, year = _register_scope(request)
    rows = documents.register_rows(documents.register_accidents(commune=commune, year=year))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    context = {
        "page_obj": page,
        "header": documents.REGISTER_HEADER,
        "commune": commune,
        "year": year,
        "years": range(this_year, this_year - 6, -1),
        "communes": (
            commune_list_for_user(user=request.user).order_by("name")
            if request.user.commune is None
            else None
        ),
    }
    return render(request, "incidents/accident_register.html", context)


@login_required
@require_GET
def accident_register_pdf(request: HttpRequest) -> HttpResponse:
    commune, year = _register_scope(request)
    content = documents.register_pdf(
        documents.register_accidents(commune=commune, year=year), year, commune
    )
    return _pdf_response(content, f"so-thong-ke-tnld-{commune.pk}-{year}.pdf")


@login_required
@require_GET
def accident_register_xlsx(request: HttpRequest) -> HttpResponse:
    commune, year = _register_scope(request)
    return documents.register_xlsx_response(
        documents.register_accidents(commune=commune, year=year),
        f"so-thong-ke-tnld-{commune.pk}-{year}.xlsx",
    )
