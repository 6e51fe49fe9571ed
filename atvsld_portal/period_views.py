"""Reporting periods: the commune opens a period of any registered filing kind, and extends it."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.filings import filing_kinds, get_filing_kind
from atvsld_portal.forms import ReportingPeriodForm
from atvsld_portal.models import ReportingPeriod
from atvsld_portal.selectors import reporting_period_list_for_user
from atvsld_portal.services import period_open


def _get_period_for_user(request: HttpRequest, public_id: UUID) -> ReportingPeriod:
    period = reporting_period_list_for_user(user=request.user).filter(public_id=public_id).first()
    if period is None:
        raise Http404
    return period


def _get_period_to_change(request: HttpRequest, public_id: UUID) -> ReportingPeriod:
    """The period (404 outside the user's communes, before anything else: a refusal must not
    tell another commune's period exists), then 403 for a user who may not change periods."""
    period = _get_period_for_user(request, public_id)
    if not request.user.has_perm("atvsld_portal.change_reportingperiod"):
        raise PermissionDenied
    return period


@login_required
@permission_required("atvsld_portal.view_reportingperiod", raise_exception=True)
@require_GET
def period_list(request: HttpRequest) -> HttpResponse:
    periods = reporting_period_list_for_user(user=request.user).order_by("-year", "kind", "part")
    today = timezone.localdate()
    rows = [(period, get_filing_kind(period.kind), period.is_closed(today)) for period in periods]
    return render(
        request,
        "core/reportingperiod_list.html",
        {
            "rows": rows,
            "new_links": [
                (kind, part, ReportingPeriod.Part(part).label)
                for kind in filing_kinds()
                for part in kind.parts
            ],
            "can_manage": request.user.commune is not None
            and request.user.has_perm("atvsld_portal.add_reportingperiod"),
        },
    )


@login_required
@permission_required("atvsld_portal.add_reportingperiod", raise_exception=True)
@require_http_methods(["GET", "POST"])
def period_create(request: HttpRequest) -> HttpResponse:
    commune = request.user.commune
    if commune is None:
        raise Http404
    initial = {"year": timezone.localdate().year, "part": ReportingPeriod.Part.YEAR}
    kind = get_filing_kind(request.GET.get("kind", ""))
    if kind and request.GET.get("part") in kind.parts:
        initial["part"] = request.GET["part"]
    if kind and kind.default_dates:
        opens, due, closes = kind.default_dates(initial["year"], initial["part"])
        initial.update(kind=kind.key, opens_on=opens, due_on=due, closes_on=closes)
    form = ReportingPeriodForm(request.POST or None, commune=commune, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The reporting period has been created. Open it to create the pending filings."),
            )
            return redirect("period_list")
    return render(request, "core/reportingperiod_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    period = _get_period_to_change(request, public_id)
    form = ReportingPeriodForm(request.POST or None, instance=period, commune=period.commune)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The dates have been saved. Drafts unlock again when the closing date is extended."),
        )
        return redirect("period_list")
    return render(request, "core/reportingperiod_form.html", {"form": form, "period": period})


@login_required
@require_POST
def period_open_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    period = _get_period_to_change(request, public_id)
    try:
        created = period_open(period=period, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(count)s pending filings have been created.") % {"count": created}
        )
    return redirect("period_list")
