"""Self-registration: a public form, then the commune approves (and invites) or refuses."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from atvsld_portal.ratelimit import rate_limit
from enterprises import services
from enterprises.access import can_manage_registry
from enterprises.forms import EnterpriseRegistrationForm, ReasonForm
from enterprises.models import EnterpriseRegistration
from enterprises.selectors import enterprise_get_for_user


@require_http_methods(["GET", "POST"])
@rate_limit("register")
def enterprise_register(request: HttpRequest) -> HttpResponse:
    """Public: an enterprise asks to be added to a commune's registry."""
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.registration_submit(**data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(
                request, "enterprises/registration_done.html", {"commune": data["commune"]}
            )
    return render(request, "enterprises/registration_form.html", {"form": form})


def _get_registration_for_user(request: HttpRequest, public_id: UUID) -> EnterpriseRegistration:
    enterprise = enterprise_get_for_user(user=request.user, public_id=public_id)
    registration = EnterpriseRegistration.objects.filter(enterprise=enterprise).first()
    if registration is None:
        raise Http404
    if not can_manage_registry(request.user):
        raise PermissionDenied
    return registration


@login_required
@require_POST
def registration_approve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    registration = _get_registration_for_user(request, public_id)
    try:
        enterprise = services.registration_approve(
            registration=registration, by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(registration.enterprise)
    messages.success(
        request,
        _("The enterprise is now in the registry; %(email)s has been invited.")
        % {"email": registration.contact_email},
    )
    return redirect(enterprise)


@login_required
@require_POST
def registration_reject(request: HttpRequest, public_id: UUID) -> HttpResponse:
    registration = _get_registration_for_user(request, public_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason before sending."))
        return redirect(registration.enterprise)
    try:
        services.registration_reject(
            registration=registration, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The registration has been refused."))
    return redirect(registration.enterprise)
