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
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from enterprises.access import can_manage_registry
from incidents import services, workflow_forms
from incidents.models import Accident
from incidents.selectors import accident_get_for_user

# Each action: the service to call (its keyword arguments are the form's fields) and the message.
ACTIONS: dict[str, tuple[Callable[..., Accident], str]] = {
    "investigate": (
        services.accident_start_investigation,
        _("The investigation of accident %(number)s has started."),
    ),
    "quick_reported": (
        services.accident_mark_quick_reported,
        _("The quick report of accident %(number)s has been recorded."),
    ),
    "close": (services.accident_close, _("Accident %(number)s is closed.")),
    "not_occupational": (
        services.accident_mark_not_occupational,
        _("Accident %(number)s is recorded as not occupational."),
    ),
    "transfer": (
        services.accident_transfer_to_police,
        _("Accident %(number)s has been handed over to the police."),
    ),
    "extend": (
        services.accident_extend,
        _("The investigation of accident %(number)s has been extended."),
    ),
}


@login_required
@require_POST
def accident_workflow_action(request: HttpRequest, public_id: UUID, action: str) -> HttpResponse:
    """One step of the commune's workflow (the URL names the action).

    Outsiders get 404, those who may not act 403; form or rule errors come back as messages.
    """
    accident = accident_get_for_user(user=request.user, public_id=public_id)
    if not can_manage_registry(request.user):
        raise PermissionDenied
    service, success = ACTIONS[action]
    form: forms.Form = workflow_forms.bind(action, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(accident.get_absolute_url())
    try:
        service(accident=accident, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success % {"number": accident.receipt_number})
    return redirect(accident.get_absolute_url())
