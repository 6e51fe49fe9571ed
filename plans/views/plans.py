"""Plan pages: the status matrix, tasks and their assignments, editing, copying, budget lines."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atvsld_portal.dates import quarter_of
from atvsld_portal.history import history_rows
from atvsld_portal.models import User
from plans import services
from plans.access import can_edit_plans
from plans.forms import AssignmentForm, BudgetLineForm, PlanCopyForm, PlanForm, TaskForm
from plans.models import ActivityReport, Assignment
from plans.selectors import (
    PLAN_READERS,
    assignment_list_for_user,
    assignment_statuses,
    current_plan_for_user,
    plan_get_for_user,
    plan_list_for_user,
    plan_status_matrix,
    task_get_for_user,
)
from plans.status import Status


def _period_from_query(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    year_param, quarter_param = request.GET.get("year", ""), request.GET.get("quarter", "")
    valid_year = year_param.isdecimal() and 2000 <= int(year_param) <= 2100
    year = int(year_param) if valid_year else today.year
    quarter = int(quarter_param) if quarter_param in {"1", "2", "3", "4"} else quarter_of(today)
    return year, quarter


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or request.user.role in PLAN_READERS):
        raise PermissionDenied
    plans = plan_list_for_user(user=request.user).order_by("-start_year", "title")
    return render(
        request, "plans/plan_list.html", {"plans": plans, "can_edit": can_edit_plans(request.user)}
    )


@login_required
@require_GET
def plan_current(request: HttpRequest) -> HttpResponse:
    """The menu's "Plan": the commune's plan in force, or the list when there is none."""
    if not (request.user.is_superuser or request.user.role in PLAN_READERS):
        raise PermissionDenied
    plan = current_plan_for_user(user=request.user)
    if plan is None:
        return redirect("plans:list")
    return redirect(plan)


@login_required
@require_GET
def plan_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The overview: task groups by units, each cell the worst status of its assignments."""
    plan = plan_get_for_user(user=request.user, public_id=public_id)
    year, quarter = _period_from_query(request)
    matrix = plan_status_matrix(plan=plan, year=year, quarter=quarter)
    counts = matrix.counts()
    context = {
        "plan": plan,
        "matrix": matrix,
        "year": year,
        "quarter": quarter,
        "years": list(range(timezone.localdate().year, plan.start_year - 1, -1)),
        "quarters": [1, 2, 3, 4],
        "legal_bases": plan.legal_bases.order_by("order"),
        "goals": plan.goals.order_by("order"),
        "summary": [
            (code, Status.LABELS[code], count)
            for code in (
                Status.DONE,
                Status.IN_PROGRESS,
                Status.NOT_STARTED,
                Status.OVERDUE,
                Status.NOT_DUE,
            )
            if (count := counts.get(code))
        ],
        "can_edit": can_edit_plans(request.user),
        "can_see_overdue": request.user.role != User.Role.UNIT_REPORTER,
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_plans(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, initial={"start_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(
            commune=request.user.commune, by=request.user, data=form.cleaned_data
        )
        messages.success(request, _("The plan has been created. Add its task groups and tasks."))
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, public_id=public_id)
    if not can_edit_plans(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.plan_update(plan=plan, by=request.user, data=form.cleaned_data)
        messages.success(request, _("The plan has been saved."))
        return redirect(plan)
    return render(
        request,
        "plans/plan_form.html",
        {"form": form, "plan": plan, "history": history_rows(plan.history.all())},
    )


@login_required
@require_POST
def plan_copy(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, public_id=public_id)
    if not can_edit_plans(request.user):
        raise PermissionDenied
    form = PlanCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the start year of the new plan."))
        return redirect(plan)
    copy = services.plan_copy(
        plan=plan, by=request.user, start_year=form.cleaned_data["start_year"]
    )
    messages.success(
        request, _("A draft copy of the plan has been created; edit it before putting it in force.")
    )
    return redirect(copy)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, public_id=public_id)
    if not can_edit_plans(request.user):
        raise PermissionDenied
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        task = services.task_save(task=form.instance, by=request.user)
        messages.success(request, _("The task has been added; assign it to units."))
        return redirect(task)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan})


@login_required
@require_GET
def task_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    task = task_get_for_user(user=request.user, public_id=public_id)
    year, quarter = _period_from_query(request)
    assignments = list(
        assignment_list_for_user(user=request.user)
        .filter(task=task)
        .prefetch_related("unit__members")
    )
    statuses = assignment_statuses(
        assignments=assignments, year=year, quarter=quarter, today=timezone.localdate()
    )
    reports = (
        ActivityReport.objects.filter(assignment__task=task)
        .select_related("assignment__unit", "reported_by")
        .order_by("-occurred_on")[:50]
    )
    context = {
        "task": task,
        "plan": task.group.plan,
        "rows": [(a, statuses[a.pk]) for a in assignments],
        "reports": reports,
        "year": year,
        "quarter": quarter,
        "can_edit": can_edit_plans(request.user),
        "user_unit_ids": set(request.user.responsible_units.values_list("pk", flat=True)),
    }
    return render(request, "plans/task_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    task = task_get_for_user(user=request.user, public_id=public_id)
    if not can_edit_plans(request.user):
        raise PermissionDenied
    form = TaskForm(request.POST or None, instance=task, plan=task.group.plan)
    if request.method == "POST" and form.is_valid():
        services.task_save(task=form.instance, by=request.user)
        messages.success(request, _("The task has been saved."))
        return redirect(task)
    return render(
        request, "plans/task_form.html", {"form": form, "plan": task.group.plan, "task": task}
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    task = task_get_for_user(user=request.user, public_id=public_id)
    if not can_edit_plans(request.user):
        raise PermissionDenied
    form = AssignmentForm(
        request.POST or None, instance=Assignment(task=task), plan=task.group.plan
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_save(assignment=form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The assignment has been added."))
            return redirect(task)
    return render(request, "plans/assignment_form.html", {"form": form, "task": task})


def _get_assignment_for_editing(request: HttpRequest, pk: int) -> Assignment:
    assignment = assignment_list_for_user(user=request.user).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    if not can_edit_plans(request.user):
        raise PermissionDenied
    return assignment


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_editing(request, pk)
    form = AssignmentForm(
        request.POST or None, instance=assignment, plan=assignment.task.group.plan
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_save(assignment=form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The assignment has been saved."))
            return redirect(assignment.task)
    return render(
        request,
        "plans/assignment_form.html",
        {"form": form, "task": assignment.task, "assignment": assignment},
    )


@login_required
@require_POST
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_editing(request, pk)
    task = assignment.task
    try:
        services.assignment_delete(assignment=assignment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The assignment has been removed."))
    return redirect(task)


@login_required
@require_http_methods(["GET", "POST"])
def budget_list(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, public_id=public_id)
    can_edit = can_edit_plans(request.user)
    form = (
        BudgetLineForm(request.POST or None, initial={"year": timezone.localdate().year})
        if can_edit
        else None
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.budget_line_add(plan=plan, by=request.user, data=form.cleaned_data)
            messages.success(request, _("The budget line has been added."))
            return redirect("plans:budget", public_id=plan.public_id)
    lines = plan.budget_lines.order_by("-year", "purpose")
    totals: dict[int, list[int]] = {}
    for line in lines:
        total = totals.setdefault(line.year, [0, 0])
        total[0] += line.allocated
        total[1] += line.spent
    return render(
        request,
        "plans/budget_list.html",
        {
            "plan": plan,
            "lines": lines,
            "totals": sorted(totals.items(), reverse=True),
            "form": form,
            "can_edit": can_edit,
        },
    )
