"""The commune's workflow actions on a received accident (DOMAIN §3.9.5): start the
investigation, record the quick report, close, conclude not occupational, hand over to the
police, extend. Each is a POST from the card on the detail page; the page is shown again with a
message."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.access import can_manage_registry
from incidents import services, workflow_forms
from incidents.models import Accident
from incidents.selectors import accident_get_for_user


def _act(
    request: HttpRequest,
    public_id: UUID,
    action: str,
    call: Callable[[Accident, dict], object],
    success: str,
) -> HttpResponse:
    """Outsiders get 404, those who may not act 403; form or rule errors come back as messages."""
    accident = accident_get_for_user(user=request.user, public_id=public_id)
    if not can_manage_registry(request.user):
        raise PermissionDenied
    form: forms.Form = workflow_forms.bind(action, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(accident.get_absolute_url())
    try:
        call(accident, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success % {"number": accident.receipt_number})
    return redirect(accident.get_absolute_url())


@login_required
@require_POST
def accident_start_investigation_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        "investigate",
        lambda accident, data: services.accident_start_investigation(
            accident=accident,
            by=request.user,
            level=data["level"],
            needs_technical_examination=data["needs_technical_examination"],
            note=data["note"],
        ),
        _("The investigation of accident %(number)s has started."),
    )


@login_required
@require_POST
def accident_quick_reported_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        "quick_reported",
        lambda accident, data: services.accident_mark_quick_reported(
            accident=accident,
            by=request.user,
            sent_at=data["sent_at"],
            method=data["method"],
            recipients=data["recipients"],
            note=data["note"],
        ),
        _("The quick report of accident %(number)s has been recorded."),
    )


@login_required
@require_POST
def accident_close_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        "close",
        lambda accident, data: services.accident_close(
            accident=accident,
            by=request.user,
            record_published_on=data["record_published_on"],
            note=data["note"],
        ),
        _("Accident %(number)s is closed."),
    )


@login_required
@require_POST
def accident_not_occupational_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        "not_occupational",
        lambda accident, data: services.accident_mark_not_occupational(
            accident=accident, by=request.user, reason=data["reason"]
        ),
        _("Accident %(number)s is recorded as not occupational."),
    )


@login_required
@require_POST
def accident_transfer_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        "transfer",
        lambda accident, data: services.accident_transfer_to_police(
            accident=accident, by=request.user, note=data["note"]
        ),
        _("Accident %(number)s has been handed over to the police."),
    )


@login_required
@require_POST
def accident_extend_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _act(
        request,
        public_id,
        "extend",
        lambda accident, data: services.accident_extend(
            accident=accident, by=request.user, days=data["days"], note=data["note"]
        ),
        _("The investigation of accident %(number)s has been extended."),
    )
