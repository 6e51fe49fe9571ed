"""Accident declarations: the enterprise declares online, the commune types in what arrived on
paper, by phone or email; both resume a draft, submit it and download the receipt."""

from __future__ import annotations

from functools import partial
from pathlib import PurePath
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.files import private_file_response
from atvsld_portal.models import Filing, User
from atvsld_portal.pdf import render_pdf
from atvsld_portal.privacy import record_personal_data_views
from atvsld_portal.submissions import redirect_to_first, submission_repeat, submit_once
from enterprises.access import can_manage_registry, is_member
from incidents import documents, services, workflow
from incidents.forms import AccidentForm, PaperEntryForm, VictimFormSet, enterprises_for_filing
from incidents.models import Accident, AccidentDeclaration, Cause, InjuryCode
from incidents.selectors import accident_get_for_user, accident_list_for_user
from incidents.views.corrections import corrections_context

PAGE_SIZE = 30
ADD_VICTIM = "add_victim"


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def _communes_of(accident: Accident) -> set[int]:
    communes = {accident.commune_id}
    if accident.enterprise_id:
        communes.add(accident.enterprise.commune_id)
    return communes


def _is_commune_official_of(user: User, accident: Accident) -> bool:
    return can_manage_registry(user) and user.administrative_unit_id in _communes_of(accident)


def _may_file(user: User, accident: Accident) -> bool:
    """The declaring enterprise's members and the commune's officials file the declaration."""
    if _is_commune_official_of(user, accident):
        return True
    return accident.enterprise is not None and is_member(user, accident.enterprise)


def _can_edit(user: User, accident: Accident) -> bool:
    """A draft is edited by those who file it."""
    return accident.is_draft and _may_file(user, accident)


def _can_see_personal_ids(user: User, accident: Accident) -> bool:
    """Commune officials and leaders of the accident's communes and the enterprise's members;
    never police unit reporters or province viewers (docs/permissions.md)."""
    if user.role in {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER}:
        return user.administrative_unit_id in _communes_of(accident)
    return accident.enterprise is not None and is_member(user, accident.enterprise)


def _may_declare(user: User) -> bool:
    return can_manage_registry(user) or (
        user.role == User.Role.ENTERPRISE_USER and enterprises_for_filing(user).exists()
    )


def _get_accident_for_user(request: HttpRequest, public_id: UUID) -> tuple[Accident, bool]:
    """The accident if the user may read it (else 404), and whether they may edit it."""
    accident = accident_get_for_user(user=request.user, public_id=public_id)
    return accident, _can_edit(request.user, accident)


# ------------------------------------------------------------------------------
# List
# ------------------------------------------------------------------------------
@login_required
@require_GET
def accident_list(request: HttpRequest) -> HttpResponse:
    accidents = (
        accident_list_for_user(user=request.user)
        .select_related("commune", "enterprise")
        .prefetch_related("victims")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(accidents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "can_declare": _may_declare(request.user)}
    return render(request, "incidents/accident_list.html", context)


# ------------------------------------------------------------------------------
# Create and edit a draft
# ------------------------------------------------------------------------------
def _form_page(request: HttpRequest, accident: Accident) -> HttpResponse:
    user = request.user
    if (first := submission_repeat(request)) is not None:
        return redirect_to_first(request, first)  # the same new declaration sent again
    entering_for_declarant = can_manage_registry(user)
    data = request.POST if request.method == "POST" else None
    form = AccidentForm(data, instance=accident, user=user)
    formset = VictimFormSet(data, instance=accident, prefix="victims")
    channel_form = (
        PaperEntryForm(
            data,
            with_scan=False,
            initial={"channel": accident.channel if accident.pk else Filing.Channel.PAPER},
        )
        if entering_for_declarant
        else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and formset.is_valid()
        and (channel_form is None or channel_form.is_valid())
    ):
        accident = form.instance
        if channel_form is not None:
            accident.channel = channel_form.cleaned_data["channel"]
            accident.entered_by = user
        save = partial(
            services.accident_save_draft, accident=accident, victims_formset=formset, by=user
        )
        try:
            accident, created = submit_once(request, save)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not created:
                return redirect_to_first(request, accident)
            if ADD_VICTIM in request.POST:
                messages.success(request, _("The draft has been saved. Add the next victim."))
                return redirect("incidents:edit", public_id=accident.public_id)
            messages.success(
                request,
                _(
                    "The declaration has been saved as a draft. You can come back to it; "
                    "submit it when it is complete."
                ),
            )
            return redirect(accident)
    context = {
        "form": form,
        "formset": formset,
        "channel_form": channel_form,
        "accident": accident if accident.pk else None,
    }
    return render(request, "incidents/accident_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def accident_create(request: HttpRequest) -> HttpResponse:
    if not _may_declare(request.user):
        raise PermissionDenied
    return _form_page(request, Accident())


@login_required
@require_http_methods(["GET", "POST"])
def accident_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, can_edit = _get_accident_for_user(request, public_id)
    if not can_edit:
        raise PermissionDenied
    return _form_page(request, accident)


# ------------------------------------------------------------------------------
# Submit
# ------------------------------------------------------------------------------
def _already_submitted(request: HttpRequest, accident: Accident) -> HttpResponse:
    """A repeated submit lands on the declaration and its receipt, not on an error."""
    messages.info(
        request,
        _("This declaration had already been submitted. Receipt number: %(number)s.")
        % {"number": accident.receipt_number},
    )
    return redirect(accident)


@login_required
@require_POST
def accident_submit_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, can_edit = _get_accident_for_user(request, public_id)
    if not accident.is_draft and _may_file(request.user, accident):
        return _already_submitted(request, accident)  # a second click, or back and resubmit
    if not can_edit:
        raise PermissionDenied
    channel, scan = accident.channel, None
    if can_manage_registry(request.user) and accident.channel != Filing.Channel.ONLINE:
        paper_form = PaperEntryForm(request.POST, request.FILES)
        if not paper_form.is_valid():
            for errors in paper_form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(accident)
        channel, scan = paper_form.cleaned_data["channel"], paper_form.cleaned_data["scan"]
    try:
        services.accident_submit(accident=accident, by=request.user, channel=channel, scan=scan)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale_status":  # a parallel click submitted it first
            accident.refresh_from_db()
            return _already_submitted(request, accident)
        for message in exc.messages:
            messages.error(request, message)
        return redirect(accident)
    accident.refresh_from_db(fields=["receipt_number"])
    messages.success(
        request,
        _("The declaration has been submitted. Receipt number: %(number)s.")
        % {"number": accident.receipt_number},
    )
    return redirect(accident)


# ------------------------------------------------------------------------------
# Detail
# ------------------------------------------------------------------------------
@login_required
@require_GET
def accident_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, can_edit = _get_accident_for_user(request, public_id)
    victims = list(
        accident.victims.select_related("occupation").prefetch_related(
            Prefetch("injury_codes", queryset=InjuryCode.objects.order_by("order", "code"))
        )
    )
    show_personal_ids = _can_see_personal_ids(request.user, accident)
    if show_personal_ids:
        record_personal_data_views(
            request.user,
            [victim for victim in victims if victim.personal_id],
            purpose="accident detail",
        )
    paper_form = None
    if can_edit and can_manage_registry(request.user):
        paper_form = PaperEntryForm(initial={"channel": accident.channel})
    context = {
        "accident": accident,
        "victims": victims,
        "declarations": accident.declarations.filter(is_draft=False)
        .select_related("submitted_by")
        .order_by("-version"),
        "other_causes": [
            Cause(code).label for code in accident.other_causes if code in Cause.values
        ],
        "urgent": services.is_urgent(victims),
        "urgent_notice": settings.ACCIDENT_URGENT_NOTICE,
        "show_personal_ids": show_personal_ids,
        "can_edit": can_edit,
        "paper_form": paper_form,
        "workflow": workflow.workflow_context(accident, request.user, timezone.localdate()),
        "can_edit_records": can_manage_registry(request.user)
        and request.user.administrative_unit_id == accident.commune_id,
        "informal_docs": documents.informal_documents_status(accident, victims),
    }
    context.update(corrections_context(accident, request.user))
    return render(request, "incidents/accident_detail.html", context)


# ------------------------------------------------------------------------------
# Files: the receipt and the scans
# ------------------------------------------------------------------------------
def _receipt_context(declaration: AccidentDeclaration) -> dict:
    snapshot = declaration.snapshot
    accident = declaration.accident
    enterprise = snapshot.get("enterprise") or {}
    recipient = enterprise.get("name") or snapshot["declarant"]["name"] or _("The declarant")
    return {
        "snapshot": snapshot,
        "declaration": declaration,
        "doc": {
            "issuing_body": f"Ủy ban nhân dân\nxã {accident.commune.name}",
            "number": snapshot["receipt_number"],
            "place": accident.commune.name,
            "issued_on": declaration.submitted_at,
            "doc_type": "Giấy tiếp nhận",
            "summary": f"Khai báo tai nạn lao động số {snapshot['receipt_number']}",
            "recipients": [recipient, "Lưu: VT, VHXH"],
            "signer_position": "Công chức tiếp nhận",
            "signer_name": "",
        },
    }


def _stored_receipt(declaration: AccidentDeclaration) -> AccidentDeclaration:
    """Render the receipt once from the frozen snapshot and keep it; concurrent first downloads
    keep the first stored file (compare-and-set) and drop their own copy."""
    if declaration.receipt_pdf:
        return declaration
    pdf = render_pdf("incidents/pdf/receipt.html", _receipt_context(declaration))
    field = declaration.receipt_pdf
    name = field.storage.save(
        field.field.generate_filename(declaration, "receipt.pdf"), ContentFile(pdf)
    )
    stored = AccidentDeclaration.objects.filter(pk=declaration.pk, receipt_pdf="").update(
        receipt_pdf=name
    )
    if stored != 1:
        field.storage.delete(name)
    declaration.refresh_from_db(fields=["receipt_pdf"])
    return declaration


@login_required
@require_GET
def accident_receipt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    accident, _can_edit = _get_accident_for_user(request, public_id)
    declaration = accident.declarations.filter(is_draft=False).order_by("-version").first()
    if accident.is_draft or declaration is None:
        raise Http404
    declaration = _stored_receipt(declaration)
    filename = f"giay-tiep-nhan-{accident.receipt_number.replace('/', '-')}.pdf"
    response = private_file_response(declaration.receipt_pdf, filename=filename)
    response["Content-Type"] = "application/pdf"
    return response


@login_required
@require_GET
def declaration_scan(request: HttpRequest, public_id: UUID) -> HttpResponse:
    declaration = (
        AccidentDeclaration.objects.filter(
            accident__in=accident_list_for_user(user=request.user), public_id=public_id
        )
        .select_related("accident")
        .first()
    )
    if declaration is None or not declaration.scan:
        raise Http404
    suffix = PurePath(declaration.scan.name).suffix
    number = (declaration.accident.receipt_number or "").replace("/", "-")
    return private_file_response(
        declaration.scan, filename=f"khai-bao-{number}-v{declaration.version}{suffix}"
    )
