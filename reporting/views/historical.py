"""Historical aggregates: a commune's figures for the years before the portal (2024, 2025 as the
baseline), typed from an official document with its scan.

Officials and leaders read their commune's, province viewers every commune of the province; only
the commune's official enters and corrects them. The indicators use an aggregate only for a
year without records, and the detail page says whether that is the case.
"""

from __future__ import annotations

from pathlib import PurePath
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atvsld_portal.files import private_file_response
from atvsld_portal.history import history_rows
from reporting.forms import HistoricalAggregateForm
from reporting.historical import (
    can_change_historical,
    historical_aggregate_get_for_user,
    historical_aggregate_in_use,
    historical_aggregate_list_for_user,
    historical_aggregate_save,
    is_historical_reader,
)
from reporting.models import HistoricalAggregate

PAGE_SIZE = 30


def _get_aggregate(request: HttpRequest, public_id: UUID) -> tuple[HistoricalAggregate, bool]:
    """The aggregate if the user may read it (else 404), and whether they may correct it."""
    aggregate = historical_aggregate_get_for_user(user=request.user, public_id=public_id)
    return aggregate, can_change_historical(request.user, aggregate)


def _year_param(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdecimal() and len(value) == 4 else None


@login_required
@require_GET
def historical_list(request: HttpRequest) -> HttpResponse:
    if not is_historical_reader(request.user):
        raise PermissionDenied
    scoped = historical_aggregate_list_for_user(user=request.user)
    year = _year_param(request)
    sector = request.GET.get("sector", "")
    aggregates = scoped.order_by("-year", "commune__name", "sector", "pk")
    if year:
        aggregates = aggregates.filter(year=year)
    if sector in HistoricalAggregate.Sector.values:
        aggregates = aggregates.filter(sector=sector)
    page = Paginator(aggregates, PAGE_SIZE).get_page(request.GET.get("page"))
    years = scoped.order_by("-year").values_list("year", flat=True).distinct()
    context = {
        "page_obj": page,
        "year": year,
        "sector": sector,
        "years": list(years),
        "sectors": HistoricalAggregate.Sector.choices,
        "show_commune": request.user.commune is None,
        "can_create": can_change_historical(request.user),
    }
    return render(request, "reporting/historical_list.html", context)


def _form_page(request: HttpRequest, aggregate: HistoricalAggregate) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = HistoricalAggregateForm(data, files, instance=aggregate)
    if request.method == "POST" and form.is_valid():
        try:
            saved = historical_aggregate_save(
                aggregate=form.instance,
                by=request.user,
                data=form.service_data(),
                commune=request.user.commune,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The figures have been saved. The indicators of %(year)s will be recomputed.")
                % {"year": saved.year},
            )
            return redirect(saved)
    context = {"form": form, "aggregate": aggregate if aggregate.pk else None}
    return render(request, "reporting/historical_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def historical_create(request: HttpRequest) -> HttpResponse:
    if not can_change_historical(request.user):
        raise PermissionDenied
    return _form_page(request, HistoricalAggregate())


@login_required
@require_http_methods(["GET", "POST"])
def historical_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    aggregate, can_change = _get_aggregate(request, public_id)
    if not can_change:
        raise PermissionDenied
    return _form_page(request, aggregate)


@login_required
@require_GET
def historical_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    aggregate, can_change = _get_aggregate(request, public_id)
    context = {
        "aggregate": aggregate,
        "can_change": can_change,
        "in_use": historical_aggregate_in_use(aggregate),
        "history": history_rows(aggregate.history.all(), limit=30),
    }
    return render(request, "reporting/historical_detail.html", context)


@login_required
@require_GET
def historical_scan(request: HttpRequest, public_id: UUID) -> HttpResponse:
    aggregate, _can_change = _get_aggregate(request, public_id)
    if not aggregate.scan:
        raise Http404
    suffix = PurePath(aggregate.scan.name).suffix
    return private_file_response(
        aggregate.scan, filename=f"so-lieu-{aggregate.year}-{aggregate.sector}{suffix}"
    )
