"""Occupational diseases: the reference list, the detection-exam rounds enterprises file (and the
commune approves like any filing), and the workers' case records with their personal data."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.files import private_file_response
from atvsld_portal.history import history_rows
from atvsld_portal.models import Filing, User
from atvsld_portal.privacy import record_personal_data_view
from atvsld_portal.selectors import filing_events_for
from atvsld_portal.submissions import (
    filing_submit_repeat,
    is_submitted_meanwhile,
    redirect_to_first,
    submission_repeat,
    submit_once,
)
from enterprises.access import (
    can_decide_filings,
    can_edit_filing,
    can_manage_registry,
    is_member,
    may_file_for,
)
from enterprises.forms import ApproveForm, ChannelForm, ReasonForm
from enterprises.models import Enterprise
from enterprises.selectors import enterprise_get_for_user
from incidents.forms import enterprises_for_filing
from incidents.forms_diseases import DiseaseCaseForm, DiseaseExamForm
from incidents.models import DiseaseCase, DiseaseExam, OccupationalDisease
from incidents.selectors import (
    COMMUNE_READERS,
    can_view_case_personal_data,
    disease_case_get_for_user,
    disease_case_list_for_user,
    disease_exam_get_for_user,
    disease_exam_list_for_user,
    examined_by_quarter,
)
from incidents.services import diseases as services

PAGE_SIZE = 30
PRIVACY_PURPOSE = "occupational-disease case"
# Shown only to those who may see personal data (docs/permissions.md).
PERSONAL_FIELDS = (
    "full_name",
    "birth_date",
    "personal_id",
    "exposure_confirmation",
    "capacity_loss_percent",
    "follow_up",
    "insurance_note",
)


# ------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------
def _require_disease_reader(user: User) -> None:
    """Commune officials, leaders, province viewers and enterprise users; not unit reporters."""
    if not (user.is_superuser or user.role in {*COMMUNE_READERS, User.Role.ENTERPRISE_USER}):
        raise PermissionDenied


def _enterprise_from_query(request: HttpRequest) -> Enterprise | None:
    """The enterprise named by ``?enterprise=<uuid>`` (404 outside the user's scope)."""
    value = request.GET.get("enterprise", "")
    if not value:
        return None
    try:
        public_id = UUID(value)
    except ValueError as exc:
        raise Http404 from exc
    return enterprise_get_for_user(user=request.user, public_id=public_id)


def _year_param(request: HttpRequest, *, default: int | None) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdecimal() and len(value) == 4 else default


def _recent_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


# ------------------------------------------------------------------------------
# Reference list
# ------------------------------------------------------------------------------
@login_required
@require_GET
def disease_reference(request: HttpRequest) -> HttpResponse:
    """The 35 compensable occupational diseases (TT 15/2016, TT 02/2023), by group."""
    _require_disease_reader(request.user)
    diseases = OccupationalDisease.objects.filter(is_active=True).order_by("order", "code")
    return render(request, "incidents/diseases/reference.html", {"diseases": diseases})


# ------------------------------------------------------------------------------
# Detection-exam rounds
# ------------------------------------------------------------------------------
def _get_exam_for_user(request: HttpRequest, public_id: UUID) -> tuple[DiseaseExam, bool]:
    """The round if the user may read it (else 404), and whether they may edit it."""
    exam = disease_exam_get_for_user(user=request.user, public_id=public_id)
    return exam, can_edit_filing(request.user, exam, exam.enterprise)


@login_required
@require_GET
def exam_list(request: HttpRequest) -> HttpResponse:
    _require_disease_reader(request.user)
    year = _year_param(request, default=timezone.localdate().year)
    status = request.GET.get("status", "")
    scoped = disease_exam_list_for_user(user=request.user)
    exams = scoped.filter(exam_date__year=year).order_by("-exam_date", "enterprise__name", "pk")
    if status in Filing.Status.values:
        exams = exams.filter(status=status)
    page = Paginator(exams, PAGE_SIZE).get_page(request.GET.get("page"))
    by_quarter = examined_by_quarter(exams=scoped.order_by(), year=year)
    context = {
        "page_obj": page,
        "year": year,
        "status": status,
        "statuses": Filing.Status.choices,
        "years": _recent_years(),
        "by_quarter": [by_quarter[quarter] for quarter in range(1, 5)],
        "examined_total": sum(by_quarter.values()),
        "can_create": can_manage_registry(request.user)
        or request.user.role == User.Role.ENTERPRISE_USER,
    }
    return render(request, "incidents/diseases/exam_list.html", context)


def _exam_form_page(request: HttpRequest, exam: DiseaseExam, *, enterprises=None) -> HttpResponse:
    if (first := submission_repeat(request)) is not None:
        return redirect_to_first(request, first)  # the same new round sent again
    entering_for_enterprise = can_manage_registry(request.user)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = DiseaseExamForm(data, files, instance=exam, enterprises=enterprises)
    channel_initial = (
        exam.channel if exam.pk and exam.channel != Filing.Channel.ONLINE else Filing.Channel.PAPER
    )
    channel_form = (
        ChannelForm(data, initial={"channel": channel_initial}) if entering_for_enterprise else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (channel_form is None or channel_form.is_valid())
    ):
        if not may_file_for(request.user, form.instance.enterprise):
            raise PermissionDenied
        save = partial(
            services.disease_exam_save,
            exam=form.instance,
            by=request.user,
            data=form.service_data(),
            diseases=form.cleaned_data["diseases_screened"],
            channel=channel_form.cleaned_data["channel"] if channel_form else None,
        )
        try:
            exam, created = submit_once(request, save)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not created:
                return redirect_to_first(request, exam)
            messages.success(
                request,
                _("The exam round has been saved as a draft. Submit it when it is complete."),
            )
            return redirect(exam)
    context = {
        "form": form,
        "channel_form": channel_form,
        "exam": exam if exam.pk else None,
        "enterprise": exam.enterprise if exam.enterprise_id else None,
    }
    return render(request, "incidents/diseases/exam_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exam_create(request: HttpRequest) -> HttpResponse:
    """A round filed online by the enterprise, or typed in by the commune from paper."""
    enterprise = _enterprise_from_query(request)
    if enterprise is not None:
        if not may_file_for(request.user, enterprise):
            raise PermissionDenied
        return _exam_form_page(request, DiseaseExam(enterprise=enterprise))
    if not (can_manage_registry(request.user) or request.user.role == User.Role.ENTERPRISE_USER):
        raise PermissionDenied
    return _exam_form_page(request, DiseaseExam(), enterprises=enterprises_for_filing(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    exam, can_edit = _get_exam_for_user(request, public_id)
    if not can_edit:
        raise PermissionDenied
    return _exam_form_page(request, exam)


@login_required
@require_GET
def exam_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    exam, can_edit = _get_exam_for_user(request, public_id)
    cases = (
        disease_case_list_for_user(user=request.user).filter(exam=exam).order_by("-exam_date", "pk")
    )
    context = {
        "exam": exam,
        "enterprise": exam.enterprise,
        "diseases_screened": exam.diseases_screened.order_by("order", "code"),
        "cases": cases,
        "can_edit": can_edit,
        "can_decide": can_decide_filings(request.user),
        "events": filing_events_for(filing=exam),
        "history": history_rows(exam.history.all(), limit=30),
        "reason_form": ReasonForm(),
        "approve_form": ApproveForm(),
    }
    return render(request, "incidents/diseases/exam_detail.html", context)


@login_required
@require_POST
def exam_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    exam, can_edit = _get_exam_for_user(request, public_id)
    if exam.status == Filing.Status.SUBMITTED and may_file_for(request.user, exam.enterprise):
        return filing_submit_repeat(request, exam)  # a second click, or back and resubmit
    if not can_edit:
        raise PermissionDenied
    try:
        services.disease_exam_submit(exam=exam, by=request.user)
    except ValidationError as exc:
        if is_submitted_meanwhile(exc, exam):
            return filing_submit_repeat(request, exam)
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Submitted. The commune will check it and approve it or return it with a reason."),
        )
    return redirect(exam)


def _decide(
    request: HttpRequest,
    public_id: UUID,
    action: Callable[..., DiseaseExam],
    *,
    form_class: type,
    success: str,
) -> HttpResponse:
    exam, _can_edit = _get_exam_for_user(request, public_id)
    if not can_decide_filings(request.user):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(exam=exam, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success)
    else:
        messages.error(request, _("Write the reason before sending."))
    return redirect(exam)


@login_required
@require_POST
def exam_approve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _decide(
        request,
        public_id,
        services.disease_exam_approve,
        form_class=ApproveForm,
        success=_("The exam round has been approved."),
    )


@login_required
@require_POST
def exam_return(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _decide(
        request,
        public_id,
        services.disease_exam_return,
        form_class=ReasonForm,
        success=_("The exam round has been returned to the enterprise with your reason."),
    )


@login_required
@require_POST
def exam_reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _decide(
        request,
        public_id,
        services.disease_exam_reopen,
        form_class=ReasonForm,
        success=_("The exam round has been reopened for correction."),
    )


@login_required
@require_GET
def exam_file(request: HttpRequest, public_id: UUID) -> HttpResponse:
    exam, _can_edit = _get_exam_for_user(request, public_id)
    if not exam.result_file:
        raise Http404
    suffix = PurePath(exam.result_file.name).suffix
    return private_file_response(
        exam.result_file, filename=f"kham-phat-hien-bnn-{exam.exam_date:%Y%m%d}{suffix}"
    )


# ------------------------------------------------------------------------------
# Case records
# ------------------------------------------------------------------------------
def _may_record_case(user: User, enterprise: Enterprise | None) -> bool:
    """Officials record any case of their commune (informal workers too); an enterprise user
    only their own enterprise's."""
    if can_manage_registry(user):
        return True
    return enterprise is not None and is_member(user, enterprise)


def _get_case_for_user(request: HttpRequest, public_id: UUID) -> tuple[DiseaseCase, bool]:
    """The case if the user may read it (else 404), and whether they may change it."""
    case = disease_case_get_for_user(user=request.user, public_id=public_id)
    return case, _may_record_case(request.user, case.enterprise)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """No personal data here: names, IDs and dates of birth are only on the (logged) detail."""
    _require_disease_reader(request.user)
    year = _year_param(request, default=None)
    result = request.GET.get("result", "")
    cases = disease_case_list_for_user(user=request.user).order_by("-exam_date", "-pk")
    if year:
        cases = cases.filter(exam_date__year=year)
    if result in DiseaseCase.Result.values:
        cases = cases.filter(result=result)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "year": year,
        "result": result,
        "results": DiseaseCase.Result.choices,
        "years": _recent_years(),
        "can_create": can_manage_registry(request.user)
        or request.user.role == User.Role.ENTERPRISE_USER,
    }
    return render(request, "incidents/diseases/case_list.html", context)


def _case_form_page(
    request: HttpRequest, case: DiseaseCase, *, enterprise=None, enterprises=None
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = DiseaseCaseForm(
        data,
        files,
        instance=case,
        enterprise=enterprise,
        enterprises=enterprises,
        enterprise_required=not can_manage_registry(request.user),
    )
    if case.pk:
        record_personal_data_view(request.user, case, purpose=PRIVACY_PURPOSE)
    elif (first := submission_repeat(request)) is not None:
        return redirect_to_first(request, first)  # the same new case sent again
    if request.method == "POST" and form.is_valid():
        chosen = form.instance.enterprise if form.instance.enterprise_id else None
        if not _may_record_case(request.user, chosen):
            raise PermissionDenied
        save = partial(
            services.disease_case_save,
            case=form.instance,
            by=request.user,
            data=form.service_data(),
            exposure_factors=form.cleaned_data["exposure_factors"],
            enterprise=chosen,
        )
        try:
            case, created = submit_once(request, save)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not created:
                return redirect_to_first(request, case)
            messages.success(request, _("The case has been saved."))
            return redirect(case)
    context = {
        "form": form,
        "case": case if case.pk else None,
        "enterprise": enterprise,
        "choosing_enterprise": enterprises is not None,
    }
    return render(request, "incidents/diseases/case_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise_from_query(request)
    if enterprise is not None:
        if not _may_record_case(request.user, enterprise):
            raise PermissionDenied
        return _case_form_page(request, DiseaseCase(), enterprise=enterprise)
    if not (can_manage_registry(request.user) or request.user.role == User.Role.ENTERPRISE_USER):
        raise PermissionDenied
    return _case_form_page(request, DiseaseCase(), enterprises=enterprises_for_filing(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case, can_change = _get_case_for_user(request, public_id)
    if not can_change:
        raise PermissionDenied
    return _case_form_page(request, case, enterprise=case.enterprise)


@login_required
@require_GET
def case_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case, can_change = _get_case_for_user(request, public_id)
    show_personal_data = can_view_case_personal_data(request.user)
    if show_personal_data:
        record_personal_data_view(request.user, case, purpose=PRIVACY_PURPOSE)
    history = history_rows(
        case.history.all(),
        limit=30,
        hidden_fields=frozenset() if show_personal_data else frozenset(PERSONAL_FIELDS),
    )
    context = {
        "case": case,
        "exposure_factors": case.exposure_factors.all(),
        "show_personal_data": show_personal_data,
        "can_change": can_change,
        "history": history,
    }
    return render(request, "incidents/diseases/case_detail.html", context)


@login_required
@require_GET
def case_file(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case, _can_change = _get_case_for_user(request, public_id)
    if not can_view_case_personal_data(request.user):
        raise PermissionDenied
    if not case.exposure_confirmation:
        raise Http404
    record_personal_data_view(request.user, case, purpose=PRIVACY_PURPOSE)
    suffix = PurePath(case.exposure_confirmation.name).suffix
    return private_file_response(
        case.exposure_confirmation,
        filename=f"xac-nhan-tiep-xuc-{case.exam_date:%Y%m%d}{suffix}",
    )
