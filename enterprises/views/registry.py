"""Registry pages: list (htmx-refreshed results), detail, create, edit, export, members home."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from atvsld_portal.exports import csv_response, xlsx_response
from atvsld_portal.models import User, Village
from atvsld_portal.selectors import commune_list_for_user, filings_owed
from enterprises import services
from enterprises.access import can_export, can_manage_registry, is_member
from enterprises.forms import EnterpriseForm, ReasonForm
from enterprises.models import ActivitySection, Enterprise, OwnershipType
from enterprises.selectors import (
    enterprise_detail_context,
    enterprise_get_for_user,
    enterprise_list_for_user,
    enterprise_registry,
    enterprises_of_member,
    parse_registry_filters,
)

PAGE_SIZE = 25
EXPORT_HEADER = [
    "Tên doanh nghiệp",
    "Mã số thuế",
    "Cần xác minh",
    "Loại hình",
    "Phiên bản VSIC",
    "Mã ngành",
    "Ngành (cấp 1)",
    "Thôn, buôn",
    "Địa chỉ",
    "Điện thoại",
    "Email",
    "Người đại diện",
    "Cán bộ ATVSLĐ",
    "Tổng số lao động",
    "Lao động nữ",
    "Có yếu tố có hại",
    "Trạng thái",
]


def _require_registry_reader(user: User) -> None:
    if not (
        user.is_superuser
        or user.role
        in {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}
    ):
        raise PermissionDenied


def _filter_choices(user: User) -> dict:
    communes = commune_list_for_user(user=user)
    return {
        "villages": Village.objects.filter(commune__in=communes)
        .select_related("commune")
        .order_by("commune__name", "name"),
        "sections": ActivitySection.objects.order_by("letter")
        .values_list("letter", flat=True)
        .distinct(),
        "ownership_types": OwnershipType.objects.filter(is_active=True),
        "statuses": Enterprise.Status.choices,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def enterprise_list(request: HttpRequest) -> HttpResponse:
    _require_registry_reader(request.user)
    filters = parse_registry_filters(request.GET)
    page = Paginator(enterprise_registry(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "filters": filters,
        "can_manage": can_manage_registry(request.user),
        "can_export": can_export(request.user),
        "pending_registrations": enterprise_list_for_user(user=request.user)
        .filter(status=Enterprise.Status.PENDING)
        .count(),
        **_filter_choices(request.user),
    }
    template = "enterprises/enterprise_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _export_rows(queryset):
    for e in queryset.iterator(chunk_size=500):
        yield [
            e.name,
            e.tax_code or "",
            e.needs_verification,
            e.ownership_type.name,
            e.activity_version,
            e.activity_code,
            e.activity_section.letter if e.activity_section_id else "",
            e.village.name if e.village_id else "",
            e.address,
            e.phone,
            e.email,
            e.legal_representative,
            e.osh_officer_name,
            e.workforce_total,
            e.workforce_women,
            e.has_harmful_factors,
            e.get_status_display(),
        ]


@login_required
@require_GET
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """The filtered list, streamed as .xlsx (default) or CSV."""
    if not can_export(request.user):
        raise PermissionDenied
    filters = parse_registry_filters(request.GET)
    queryset = enterprise_registry(user=request.user, filters=filters)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("format") == "csv":
        return csv_response(f"doanh-nghiep-{stamp}.csv", EXPORT_HEADER, _export_rows(queryset))
    return xlsx_response(
        f"doanh-nghiep-{stamp}.xlsx",
        EXPORT_HEADER,
        _export_rows(queryset),
        sheet_title="Doanh nghiệp",
    )


def _commune_for_new_enterprise(request: HttpRequest):
    commune = request.user.commune
    if commune is None:  # superuser: the commune is chosen in the query string
        commune = (
            commune_list_for_user(user=request.user)
            .filter(pk=request.GET.get("commune") or 0)
            .first()
        )
    if commune is None:
        raise PermissionDenied
    return commune


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_registry(request.user):
        raise PermissionDenied
    commune = _commune_for_new_enterprise(request)
    form = EnterpriseForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(
                commune=commune, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The enterprise has been added to the registry."))
            return redirect(enterprise)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "commune": commune})


def _get_enterprise_for_user(request: HttpRequest, public_id: UUID) -> tuple[Enterprise, bool]:
    """The enterprise (404 outside the user's scope) and whether the user may change it."""
    enterprise = enterprise_get_for_user(user=request.user, public_id=public_id)
    return enterprise, can_manage_registry(request.user)


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    enterprise, can_change = _get_enterprise_for_user(request, public_id)
    context = {
        "enterprise": enterprise,
        "registration": getattr(enterprise, "registration", None),
        "reason_form": ReasonForm(),
        "can_change": can_change,
        "is_member": is_member(request.user, enterprise),
        "current_year": timezone.localdate().year,
        **enterprise_detail_context(enterprise=enterprise),
    }
    return render(request, "enterprises/enterprise_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    enterprise, can_change = _get_enterprise_for_user(request, public_id)
    if not can_change:
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=enterprise, commune=enterprise.commune)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.enterprise_update(enterprise=enterprise, by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(enterprise)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, "enterprise": enterprise, "commune": enterprise.commune},
    )


@login_required
@require_GET
def my_enterprises(request: HttpRequest) -> HttpResponse:
    """An enterprise user's home: their enterprises and what each still owes this year."""
    if request.user.role != User.Role.ENTERPRISE_USER:
        raise PermissionDenied
    enterprises = list(enterprises_of_member(user=request.user))
    year = timezone.localdate().year
    owed = filings_owed(enterprise_ids=[e.pk for e in enterprises], since_year=year - 1)
    by_enterprise = {e.pk: [] for e in enterprises}
    for filing in owed:
        by_enterprise[filing.enterprise_id].append(filing)
    rows = [(e, by_enterprise[e.pk]) for e in enterprises]
    return render(request, "enterprises/my_enterprises.html", {"rows": rows, "year": year})
