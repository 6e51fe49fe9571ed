"""Activity reports: the unit's page, the report form, the review queue and the overdue list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.dates import quarter_bounds, quarter_of
from atvsld_portal.files import private_file_response
from atvsld_portal.history import history_rows
from atvsld_portal.models import ResponsibleUnit, User
from atvsld_portal.submissions import redirect_to_first, submission_repeat, submit_once
from plans import services
from plans.access import can_edit_report, can_report_on, can_review_reports
from plans.forms import ActivityReportForm, ReviewReturnForm
from plans.models import ActivityReport, Assignment, Plan
from plans.selectors import (
    AssignmentStatus,
    activity_report_get_for_user,
    activity_report_list_for_user,
    assignment_list_for_user,
    assignment_statuses,
    current_plan_for_user,
    overdue_items,
    units_of_reporter,
)
from plans.status import Status

PAGE_SIZE = 30
RECENT_REPORTS = 10
OVERDUE_VIEWERS = {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER, User.Role.PROVINCE_VIEWER}


def _add_service_error(form: ActivityReportForm, exc: ValidationError) -> None:
    """Attach a service error to its field when the form has it, else to the whole form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _parent_crumb(user: User, plan: Plan) -> tuple[str, str]:
    """Where a report page sits: a unit's own page for reporters, else the plan."""
    if user.role == User.Role.UNIT_REPORTER:
        return _("My assignments"), reverse("plans:my_assignments")
    return _("Plan"), plan.get_absolute_url()


# ------------------------------------------------------------------------------
# The unit's page
# ------------------------------------------------------------------------------
@dataclass
class UnitAssignments:
    unit: ResponsibleUnit
    items: list[AssignmentStatus]
    due_this_quarter: list[AssignmentStatus]


@login_required
@require_GET
def my_assignments(request: HttpRequest) -> HttpResponse:
    """A unit reporter's home: the unit's assignments, their status this quarter, what is due."""
    if request.user.role != User.Role.UNIT_REPORTER:
        raise PermissionDenied
    today = timezone.localdate()
    year, quarter = today.year, quarter_of(today)
    quarter_start, quarter_end = quarter_bounds(year, quarter)
    units = list(units_of_reporter(user=request.user).order_by("kind", "name"))
    plan = current_plan_for_user(user=request.user, year=year)
    assignments = (
        list(
            assignment_list_for_user(user=request.user).filter(
                task__group__plan=plan, unit__in=units
            )
        )
        if plan is not None
        else []
    )
    statuses = assignment_statuses(assignments=assignments, year=year, quarter=quarter, today=today)
    sections = []
    for unit in units:
        items = [statuses[a.pk] for a in assignments if a.unit_id == unit.pk]
        due = [
            item
            for item in items
            if quarter_start <= item.window_end <= quarter_end and item.status != Status.DONE
        ]
        sections.append(UnitAssignments(unit=unit, items=items, due_this_quarter=due))
    reports = activity_report_list_for_user(user=request.user).filter(assignment__unit__in=units)
    context = {
        "plan": plan,
        "year": year,
        "quarter": quarter,
        "sections": sections,
        "returned": list(
            reports.filter(status=ActivityReport.Status.RETURNED).order_by("reviewed_at")
        ),
        "recent": list(reports.order_by("-created_at", "-pk")[:RECENT_REPORTS]),
    }
    return render(request, "plans/my_assignments.html", context)


# ------------------------------------------------------------------------------
# Reporting and correcting
# ------------------------------------------------------------------------------
def _get_report_for_user(request: HttpRequest, public_id: UUID) -> tuple[ActivityReport, bool]:
    """The report if the user reads its commune's plan (else 404), and whether they may edit it."""
    report = activity_report_get_for_user(user=request.user, public_id=public_id)
    return report, can_edit_report(request.user, report)


def _report_data(form: ActivityReportForm) -> dict:
    return {name: form.cleaned_data[name] for name in services.REPORT_FIELDS}


def _new_upload(form: ActivityReportForm) -> UploadedFile | None:
    return form.cleaned_data["attachment"] if "attachment" in form.changed_data else None


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment: Assignment = get_object_or_404(assignment_list_for_user(user=request.user), pk=pk)
    if not can_report_on(request.user, assignment):
        raise PermissionDenied
    if (first := submission_repeat(request)) is not None:
        return redirect_to_first(request, first)  # the same report sent again
    if request.method == "POST":
        form = ActivityReportForm(request.POST, request.FILES)
    else:
        form = ActivityReportForm(initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        save = partial(
            services.activity_report_create,
            assignment=assignment,
            by=request.user,
            data=_report_data(form),
            attachment=_new_upload(form),
        )
        try:
            report, created = submit_once(request, save)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            if not created:
                return redirect_to_first(request, report)
            messages.success(
                request, _("Your report has been sent. A commune official will review it.")
            )
            return redirect(report)
    parent_label, parent_url = _parent_crumb(request.user, assignment.task.group.plan)
    context = {
        "form": form,
        "assignment": assignment,
        "report": None,
        "parent_label": parent_label,
        "parent_url": parent_url,
    }
    return render(request, "plans/activityreport_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_edit = _get_report_for_user(request, public_id)
    if not can_edit:
        raise PermissionDenied
    was_returned = report.status == ActivityReport.Status.RETURNED
    if request.method == "POST":
        form = ActivityReportForm(request.POST, request.FILES, instance=report)
    else:
        form = ActivityReportForm(instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_report_update(
                report=report,
                by=request.user,
                data=_report_data(form),
                attachment=_new_upload(form),
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The corrected report has been sent for review again.")
                if was_returned
                else _("The report has been updated."),
            )
            return redirect(report)
    parent_label, parent_url = _parent_crumb(request.user, report.assignment.task.group.plan)
    context = {
        "form": form,
        "assignment": report.assignment,
        "report": report,
        "parent_label": parent_label,
        "parent_url": parent_url,
    }
    return render(request, "plans/activityreport_form.html", context)


@login_required
@require_GET
def report_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, can_edit = _get_report_for_user(request, public_id)
    parent_label, parent_url = _parent_crumb(request.user, report.assignment.task.group.plan)
    context = {
        "report": report,
        "assignment": report.assignment,
        "can_edit": can_edit,
        "can_review": can_review_reports(request.user)
        and report.status == ActivityReport.Status.SUBMITTED,
        "return_form": ReviewReturnForm(),
        "history": history_rows(report.history.all(), limit=30),
        "parent_label": parent_label,
        "parent_url": parent_url,
    }
    return render(request, "plans/activityreport_detail.html", context)


@login_required
@require_GET
def report_attachment(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    if not report.attachment:
        raise Http404
    suffix = PurePath(report.attachment.name).suffix.lower()
    filename = f"bao-cao-hoat-dong-{report.occurred_on:%Y%m%d}{suffix}"
    return private_file_response(report.attachment, filename=filename)


# ------------------------------------------------------------------------------
# Review
# ------------------------------------------------------------------------------
@login_required
@require_POST
def report_accept(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    if not can_review_reports(request.user):
        raise PermissionDenied
    try:
        services.activity_report_accept(report=report, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report has been accepted."))
    return redirect(report)


@login_required
@require_POST
def report_return(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report, _can_edit = _get_report_for_user(request, public_id)
    if not can_review_reports(request.user):
        raise PermissionDenied
    form = ReviewReturnForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Write what the unit should correct before returning the report.")
        )
        return redirect(report)
    try:
        services.activity_report_return(
            report=report, by=request.user, comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report has been returned to the unit with your comment."))
    return redirect(report)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted reports of the reviewer's commune, the longest waiting first."""
    if not can_review_reports(request.user):
        raise PermissionDenied
    reports = (
        activity_report_list_for_user(user=request.user)
        .filter(status=ActivityReport.Status.SUBMITTED)
        .select_related("assignment__task__group__plan__commune")
        .order_by("created_at", "pk")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/review_queue.html", {"page_obj": page})


# ------------------------------------------------------------------------------
# Overdue
# ------------------------------------------------------------------------------
@login_required
@require_GET
def overdue_list(request: HttpRequest) -> HttpResponse:
    """Assignments with no report once the grace days after their window have passed."""
    if not (request.user.is_superuser or request.user.role in OVERDUE_VIEWERS):
        raise PermissionDenied
    today = timezone.localdate()
    items = overdue_items(user=request.user, today=today)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "today": today,
        "quarter": quarter_of(today),
        "year": today.year,
        "several_communes": len({item.assignment.task.group.plan.commune_id for item in items}) > 1,
    }
    return render(request, "plans/overdue_list.html", context)
