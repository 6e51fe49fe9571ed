"""Write-side rules of plans.

Every service that changes an activity report writes the outbox row "recompute commune C,
year Y" in the same transaction, so the indicators follow what the units did.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atvsld_portal.exceptions import ApplicationError
from atvsld_portal.files import validate_private_upload
from atvsld_portal.models import AdministrativeUnit, User
from atvsld_portal.services import indicators_recompute_later
from plans.models import (
    ActivityReport,
    Assignment,
    LegalBasis,
    Plan,
    PlanBudget,
    PlanGoal,
    Task,
    TaskGroup,
)


def recompute_later(*, commune_id: int, year: int) -> None:
    indicators_recompute_later(commune_id=commune_id, year=year)


# ------------------------------------------------------------------------------
# Activity reports
# ------------------------------------------------------------------------------
REPORT_FIELDS = ("occurred_on", "kind", "description", *ActivityReport.OUTPUT_FIELDS)
EDITABLE_REPORT_STATUSES = {ActivityReport.Status.SUBMITTED, ActivityReport.Status.RETURNED}


def _apply_report_data(report: ActivityReport, data: dict[str, Any]) -> None:
    """Copy the form's values; outputs that do not belong to the kind are zeroed."""
    for name in REPORT_FIELDS:
        if name in data:
            setattr(report, name, data[name] if data[name] is not None else 0)
    relevant = set(ActivityReport.OUTPUTS_BY_KIND.get(report.kind, ()))
    for name in ActivityReport.OUTPUT_FIELDS:
        if name not in relevant:
            setattr(report, name, 0)


def _check_report(report: ActivityReport) -> None:
    """Rules a unit can break when reporting, with messages it can act on."""
    errors: dict[str, Any] = {}
    today = timezone.localdate()
    plan = report.assignment.task.group.plan
    if report.occurred_on:
        if report.occurred_on > today:
            errors["occurred_on"] = _(
                "Report what has been done: the date cannot be in the future."
            )
        elif not plan.covers(report.occurred_on.year):
            errors["occurred_on"] = _("The date must fall within the years of the plan.")
    if report.violations_found > report.establishments_inspected:
        errors["violations_found"] = _(
            "Violations found cannot outnumber the establishments inspected."
        )
    if errors:
        raise ApplicationError(errors)


def _attach(report: ActivityReport, attachment: UploadedFile | None) -> None:
    if attachment is not None:
        validate_private_upload(attachment)
        report.attachment = attachment


def _commune_id(report: ActivityReport) -> int:
    return report.assignment.task.group.plan.commune_id


@transaction.atomic
def activity_report_create(
    *,
    assignment: Assignment,
    by: User,
    data: dict[str, Any],
    attachment: UploadedFile | None = None,
) -> ActivityReport:
    """A unit reports what it did for an assignment; the report waits for review."""
    report = ActivityReport(
        assignment=assignment, reported_by=by, status=ActivityReport.Status.SUBMITTED
    )
    _apply_report_data(report, data)
    _attach(report, attachment)
    _check_report(report)
    report.full_clean()
    report._history_user = by
    report.save()
    recompute_later(commune_id=_commune_id(report), year=report.occurred_on.year)
    return report


@transaction.atomic
def activity_report_update(
    *,
    report: ActivityReport,
    by: User,
    data: dict[str, Any],
    attachment: UploadedFile | None = None,
) -> ActivityReport:
    """Correct a report still under review; a returned report goes back to the reviewers."""
    locked = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if locked.status not in EDITABLE_REPORT_STATUSES:
        raise ApplicationError(
            _("This report has been accepted and can no longer be changed."), code="stale_status"
        )
    old_year = locked.occurred_on.year
    # The review fields are the reviewers': keep what the locked row holds, not a stale copy.
    report.review_comment = locked.review_comment
    report.reviewed_by_id = locked.reviewed_by_id
    report.reviewed_at = locked.reviewed_at
    _apply_report_data(report, data)
    _attach(report, attachment)
    report.status = ActivityReport.Status.SUBMITTED
    _check_report(report)
    report.full_clean()
    report._history_user = by
    report.save(update_fields=[*REPORT_FIELDS, "attachment", "status", "updated_at"])
    commune_id = _commune_id(report)
    for year in sorted({old_year, report.occurred_on.year}):
        recompute_later(commune_id=commune_id, year=year)
    return report


def _review(*, report: ActivityReport, by: User, to: str, comment: str = "") -> ActivityReport:
    """Compare-and-set submitted → ``to`` under a row lock; a stale decision is refused."""
    locked = (
        ActivityReport.objects.select_for_update()
        .select_related("assignment__task__group__plan")
        .get(pk=report.pk)
    )
    if locked.status != ActivityReport.Status.SUBMITTED:
        raise ApplicationError(
            _(
                "This report is now “%(status)s”; someone else has already acted on it. "
                "Reload the page."
            ),
            code="stale_status",
            params={"status": locked.get_status_display()},
        )
    locked.status = to
    locked.review_comment = comment
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked._history_user = by
    locked.save(
        update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"]
    )
    recompute_later(commune_id=_commune_id(locked), year=locked.occurred_on.year)
    return locked


@transaction.atomic
def activity_report_accept(*, report: ActivityReport, by: User) -> ActivityReport:
    """Accept a submitted report: the assignment counts as done in the report's window."""
    return _review(report=report, by=by, to=ActivityReport.Status.ACCEPTED)


@transaction.atomic
def activity_report_return(*, report: ActivityReport, by: User, comment: str) -> ActivityReport:
    """Send a submitted report back to the unit with what to correct."""
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError(
            _("Write what the unit should correct before returning the report."),
            code="comment_required",
        )
    return _review(report=report, by=by, to=ActivityReport.Status.RETURNED, comment=comment)


# ------------------------------------------------------------------------------
# Plan editing
# ------------------------------------------------------------------------------
PLAN_FIELDS = (
    "title",
    "number",
    "symbol",
    "issued_on",
    "issuing_body",
    "signer_authority",
    "signer_position",
    "signer_name",
    "status",
    "start_year",
    "end_year",
    "purposes",
    "requirements",
    "closing_text",
    "recipients",
)


@transaction.atomic
def plan_create(*, commune: AdministrativeUnit, by: User, data: dict[str, Any]) -> Plan:
    plan = Plan(commune=commune, **{k: v for k, v in data.items() if k in PLAN_FIELDS})
    plan.full_clean()
    plan._history_user = by
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by: User, data: dict[str, Any]) -> Plan:
    for name in PLAN_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    plan.full_clean()
    plan._history_user = by
    plan.save()
    return plan


@transaction.atomic
def plan_copy(*, plan: Plan, by: User, start_year: int) -> Plan:
    """A draft copy to start the next plan from: texts, goals, groups, tasks and assignments.

    Number, symbol and date are left blank (a new document gets its own); reports and budget
    lines stay with the original plan.
    """
    copy = Plan.objects.get(pk=plan.pk)
    copy.pk = copy.id = None
    copy.public_id = uuid.uuid4()
    copy._state.adding = True
    copy.number = copy.symbol = ""
    copy.issued_on = None
    copy.status = Plan.Status.DRAFT
    copy.start_year, copy.end_year = start_year, None
    copy._history_user = by
    copy.save()
    for basis in plan.legal_bases.all():
        LegalBasis.objects.create(
            plan=copy,
            order=basis.order,
            document=basis.document,
            issued_on=basis.issued_on,
            issuer=basis.issuer,
            title=basis.title,
        )
    for goal in plan.goals.all():
        PlanGoal.objects.create(
            plan=copy,
            order=goal.order,
            text=goal.text,
            indicator=goal.indicator,
            direction=goal.direction,
            target_value=goal.target_value,
            target_unit=goal.target_unit,
            method=goal.method,
            baseline_year=goal.baseline_year,
        )
    for group in plan.task_groups.prefetch_related("tasks__assignments"):
        new_group = TaskGroup.objects.create(plan=copy, number=group.number, title=group.title)
        for task in group.tasks.all():
            new_task = Task.objects.create(group=new_group, number=task.number, text=task.text)
            Assignment.objects.bulk_create(
                Assignment(
                    task=new_task,
                    unit_id=a.unit_id,
                    role=a.role,
                    cadence=a.cadence,
                    month=a.month,
                    due_on=a.due_on,
                    note=a.note,
                )
                for a in task.assignments.all()
            )
    return copy


@transaction.atomic
def task_save(*, task: Task, by: User) -> Task:
    task.full_clean()
    task._history_user = by
    task.save()
    return task


@transaction.atomic
def assignment_save(*, assignment: Assignment, by: User) -> Assignment:
    assignment.full_clean()
    assignment._history_user = by
    assignment.save()
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment, by: User) -> None:
    if assignment.reports.exists():
        raise ApplicationError(
            _("This assignment already has activity reports; change it instead of removing it.")
        )
    assignment._history_user = by
    assignment.delete()


@transaction.atomic
def budget_line_add(*, plan: Plan, by: User, data: dict[str, Any]) -> PlanBudget:
    line = PlanBudget(plan=plan, **data)
    line.full_clean()
    line._history_user = by
    line.save()
    return line
