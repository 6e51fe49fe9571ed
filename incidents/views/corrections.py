"""Corrections of a filed declaration: the declarant opens a draft with a reason, changes what it
proposes and submits it as the next version under the same receipt number; a commune official
applies it to the accident. Every version stays listed on the detail page."""

from __future__ import annotations

from itertools import pairwise
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from atvsld_portal.models import Filing, User
from enterprises.access import can_manage_registry, is_member
from incidents import services
from incidents.forms_corrections import CorrectionForm, CorrectionStartForm
from incidents.models import Accident, AccidentDeclaration
from incidents.selectors import accident_get_for_user, accident_list_for_user


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def _is_official_of(user: User, accident: Accident) -> bool:
    communes = {accident.commune_id}
    if accident.enterprise_id:
        communes.add(accident.enterprise.commune_id)
    return can_manage_registry(user) and user.administrative_unit_id in communes


def can_correct(user: User, accident: Accident) -> bool:
    """The declaring enterprise's members, or the commune's officials for a declaration they
    typed in (paper, phone, email), while the case is open."""
    if not services.correction_is_open(accident):
        return False
    if accident.enterprise is not None and is_member(user, accident.enterprise):
        return True
    return accident.channel != Filing.Channel.ONLINE and _is_official_of(user, accident)


def can_apply(user: User, accident: Accident) -> bool:
    return _is_official_of(user, accident) and services.correction_is_open(accident)


def _get_declaration_for_user(request: HttpRequest, public_id: UUID) -> AccidentDeclaration:
    """A declaration of an accident the user may read, else 404."""
    declaration = (
        AccidentDeclaration.objects.filter(
            public_id=public_id, accident__in=accident_list_for_user(user=request.user)
        )
        .select_related("accident__enterprise", "accident__commune")
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def corrections_context(accident: Accident, user: User) -> dict[str, Any]:
    """What `incidents/includes/_corrections.html` needs besides `accident` and `declarations`:
    each correction (newest first) with its differences from the previous version."""
    correcting = can_correct(user, accident)
    versions = list(accident.declarations.select_related("submitted_by", "applied_by"))
    corrections = []
    for previous, declaration in pairwise(versions):
        if declaration.is_draft and not correcting:
            continue
        differences = services.declaration_differences(previous.snapshot, declaration.snapshot)
        corrections.append((declaration, differences))
    corrections.reverse()
    return {
        "can_correct": correcting,
        "can_apply": can_apply(user, accident),
        "corrections": corrections,
        "correction_draft": next((d for d in versions if d.is_draft), None),
        "correction_start_form": CorrectionStartForm() if correcting else None,
    }


def _report_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# ------------------------------------------------------------------------------
# Views
# ------------------------------------------------------------------------------
@login_required
@require_POST
def correction_start_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident = accident_get_for_user(user=request.user, public_id=public_id)
    if not can_correct(request.user, accident):
        raise PermissionDenied
    form = CorrectionStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the correction."))
        return redirect(accident)
    try:
        declaration = services.correction_start(
            accident=accident, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _report_errors(request, exc)
        return redirect(accident)
    messages.success(request, _("A correction has been started. Change what needs correcting."))
    return redirect("incidents:correction_edit", public_id=declaration.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def correction_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    declaration = _get_declaration_for_user(request, public_id)
    accident = declaration.accident
    if not declaration.is_draft or not can_correct(request.user, accident):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = CorrectionForm(data, snapshot=declaration.snapshot)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_update(
                declaration=declaration,
                by=request.user,
                account=form.cleaned_data["account"],
                place=form.cleaned_data["place"],
                occurred_at=form.cleaned_data["occurred_at"],
                victims=form.victims_data(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The correction has been saved. Submit it when it is complete.")
            )
            return redirect(accident)
    context = {"form": form, "declaration": declaration, "accident": accident}
    return render(request, "incidents/correction_form.html", context)


@login_required
@require_POST
def correction_submit_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    declaration = _get_declaration_for_user(request, public_id)
    accident = declaration.accident
    if not can_correct(request.user, accident):
        raise PermissionDenied
    try:
        services.correction_submit(declaration=declaration, by=request.user)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(
            request,
            _("Correction %(version)s has been submitted under receipt number %(number)s.")
            % {"version": declaration.version, "number": accident.receipt_number},
        )
    return redirect(accident)


@login_required
@require_POST
def correction_apply_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    declaration = _get_declaration_for_user(request, public_id)
    accident = declaration.accident
    if not _is_official_of(request.user, accident):
        raise PermissionDenied
    try:
        services.correction_apply(declaration=declaration, by=request.user)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(
            request,
            _("Correction %(version)s has been applied to the accident.")
            % {"version": declaration.version},
        )
    return redirect(accident)
