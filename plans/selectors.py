"""Reads of plans. Every selector starts from the user; the status matrix is computed in a fixed
number of queries whatever the number of tasks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from atvsld_portal.dates import quarter_of
from atvsld_portal.models import ResponsibleUnit, User
from atvsld_portal.selectors import commune_list_for_user
from plans.models import ActivityReport, Assignment, Plan, Task
from plans.status import Status, assignment_window, status_for, worst

PLAN_READERS = {
    User.Role.COMMUNE_OFFICIAL,
    User.Role.COMMUNE_LEADER,
    User.Role.UNIT_REPORTER,
    User.Role.PROVINCE_VIEWER,
}


def plan_list_for_user(*, user: User) -> QuerySet[Plan]:
    if user.is_superuser or user.role in PLAN_READERS:
        return Plan.objects.filter(commune__in=commune_list_for_user(user=user)).select_related(
            "commune"
        )
    return Plan.objects.none()


def plan_get_for_user(*, user: User, public_id: UUID) -> Plan:
    plan = plan_list_for_user(user=user).filter(public_id=public_id).first()
    if plan is None:
        raise Http404
    return plan


def current_plan_for_user(*, user: User, year: int | None = None) -> Plan | None:
    """The plan in force (else the newest) of the user's commune."""
    year = year or timezone.localdate().year
    plans = list(plan_list_for_user(user=user).filter(start_year__lte=year).order_by("-start_year"))
    in_force = [p for p in plans if p.status == Plan.Status.IN_FORCE and p.covers(year)]
    return (in_force or plans or [None])[0]


def task_get_for_user(*, user: User, public_id: UUID) -> Task:
    task = (
        Task.objects.filter(group__plan__in=plan_list_for_user(user=user), public_id=public_id)
        .select_related("group__plan__commune")
        .first()
    )
    if task is None:
        raise Http404
    return task


def assignment_list_for_user(*, user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        task__group__plan__in=plan_list_for_user(user=user)
    ).select_related("task__group__plan", "unit")


def units_of_reporter(*, user: User) -> QuerySet[ResponsibleUnit]:
    """The responsible units a unit reporter reports for (their memberships)."""
    return user.responsible_units.filter(
        commune__in=commune_list_for_user(user=user), is_active=True
    )


def activity_report_list_for_user(*, user: User) -> QuerySet[ActivityReport]:
    return ActivityReport.objects.filter(
        assignment__in=assignment_list_for_user(user=user)
    ).select_related(
        "assignment__task__group__plan", "assignment__unit", "reported_by", "reviewed_by"
    )


def activity_report_get_for_user(*, user: User, public_id: UUID) -> ActivityReport:
    report = activity_report_list_for_user(user=user).filter(public_id=public_id).first()
    if report is None:
        raise Http404
    return report


# ------------------------------------------------------------------------------
# Status matrix
# ------------------------------------------------------------------------------
@dataclass
class AssignmentStatus:
    assignment: Assignment
    status: str
    window_start: date
    window_end: date

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status])


@dataclass
class Cell:
    items: list[AssignmentStatus] = field(default_factory=list)

    @property
    def status(self) -> str | None:
        return worst(item.status for item in self.items)

    @property
    def label(self) -> str:
        return str(Status.LABELS[self.status]) if self.status else ""


@dataclass
class PlanMatrix:
    year: int
    quarter: int
    units: list[ResponsibleUnit]
    rows: list[tuple]  # (task_group, [Cell per unit])
    by_assignment: dict[int, AssignmentStatus]

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for item in self.by_assignment.values():
            totals[item.status] += 1
        return dict(totals)


def assignment_statuses(
    *,
    assignments: list[Assignment],
    year: int,
    quarter: int,
    today: date,
    reports: Iterable[tuple[int, date, str]] | None = None,
) -> dict[int, AssignmentStatus]:
    """Status of each assignment in the window of (year, quarter): one query for the reports,
    none when the caller already holds them (``reports``: the (assignment id, date, status) of
    the assignments' activity reports, any date; those outside the windows are ignored)."""
    if not assignments:
        return {}
    windows = {
        a.pk: assignment_window(
            cadence=a.cadence,
            month=a.month,
            due_on=a.due_on,
            plan_start_year=a.task.group.plan.start_year,
            year=year,
            quarter=quarter,
        )
        for a in assignments
    }
    seen: dict[int, set[str]] = defaultdict(set)
    if reports is None:
        earliest = min(w.start for w in windows.values())
        latest = max(w.end for w in windows.values())
        reports = ActivityReport.objects.filter(
            assignment_id__in=windows, occurred_on__gte=earliest, occurred_on__lte=latest
        ).values_list("assignment_id", "occurred_on", "status")
    for assignment_id, occurred_on, status in reports:
        window = windows.get(assignment_id)
        if window is not None and window.start <= occurred_on <= window.end:
            seen[assignment_id].add(status)
    return {
        a.pk: AssignmentStatus(
            assignment=a,
            status=status_for(
                window=windows[a.pk], report_statuses_in_window=seen[a.pk], today=today
            ),
            window_start=windows[a.pk].start,
            window_end=windows[a.pk].end,
        )
        for a in assignments
    }


def plan_status_matrix(
    *, plan: Plan, year: int | None = None, quarter: int | None = None, today: date | None = None
) -> PlanMatrix:
    """Task groups by units, each cell the worst status of its assignments (four queries)."""
    today = today or timezone.localdate()
    year = year or today.year
    quarter = quarter or quarter_of(today)
    groups = list(
        plan.task_groups.prefetch_related(
            Prefetch("tasks", queryset=Task.objects.order_by("number")),
        ).order_by("number")
    )
    assignments = list(
        Assignment.objects.filter(task__group__plan=plan).select_related(
            "task__group__plan", "unit"
        )
    )
    statuses = assignment_statuses(assignments=assignments, year=year, quarter=quarter, today=today)
    units = sorted({a.unit for a in assignments}, key=lambda u: (u.kind, u.name))
    unit_index = {unit.pk: i for i, unit in enumerate(units)}
    cells = {group.pk: [Cell() for _ in units] for group in groups}
    for assignment in assignments:
        cells[assignment.task.group_id][unit_index[assignment.unit_id]].items.append(
            statuses[assignment.pk]
        )
    rows = [(group, cells[group.pk]) for group in groups]
    return PlanMatrix(year=year, quarter=quarter, units=units, rows=rows, by_assignment=statuses)


# ------------------------------------------------------------------------------
# Overdue list
# ------------------------------------------------------------------------------
def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _current_plans(*, user: User, year: int) -> list[Plan]:
    """Per commune the user reads, the plan current_plan_for_user would pick (one query)."""
    by_commune: dict[int, list[Plan]] = {}
    for plan in plan_list_for_user(user=user).filter(start_year__lte=year).order_by("-start_year"):
        by_commune.setdefault(plan.commune_id, []).append(plan)
    chosen = []
    for plans in by_commune.values():
        in_force = [p for p in plans if p.status == Plan.Status.IN_FORCE and p.covers(year)]
        chosen.append((in_force or plans)[0])
    return chosen


def overdue_items(*, user: User, today: date) -> list[AssignmentStatus]:
    """Overdue assignments of the current plans, looking at two reference quarters.

    The current quarter catches fixed-month and one-off windows already past their grace days;
    the previous quarter catches quarterly (and, in January, yearly) windows that just closed.
    A window is listed once even when both quarters share it (yearly, fixed month, one-off),
    and only for years the plan covers.
    """
    plans = _current_plans(user=user, year=today.year)
    if not plans:
        return []
    assignments = list(
        assignment_list_for_user(user=user)
        .filter(task__group__plan__in=plans)
        .select_related("task__group__plan__commune")
    )
    current = (today.year, quarter_of(today))
    found: dict[tuple[int, date, date], AssignmentStatus] = {}
    for year, quarter in (_previous_quarter(*current), current):
        covered = [a for a in assignments if a.task.group.plan.covers(year)]
        statuses = assignment_statuses(assignments=covered, year=year, quarter=quarter, today=today)
        for item in statuses.values():
            if item.status == Status.OVERDUE:
                found.setdefault((item.assignment.pk, item.window_start, item.window_end), item)
    return sorted(
        found.values(),
        key=lambda item: (
            item.assignment.task.group.plan.commune.name,
            item.assignment.unit.kind,
            item.assignment.unit.name,
            item.window_end,
            item.assignment.task.group.number,
            item.assignment.task.number,
        ),
    )
