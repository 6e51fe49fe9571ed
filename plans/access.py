"""What a user who can see a plan may do with it (reading scope is in selectors: 404 outside)."""

from __future__ import annotations

from atvsld_portal.models import User
from plans.models import ActivityReport, Assignment


def can_edit_plans(user: User) -> bool:
    """Create, edit and copy plans, tasks, assignments and budget lines."""
    return user.commune is not None and (
        user.is_superuser or user.role == User.Role.COMMUNE_OFFICIAL
    )


def can_review_reports(user: User) -> bool:
    """Accept or return activity reports."""
    return user.is_superuser or user.role in {User.Role.COMMUNE_OFFICIAL, User.Role.COMMUNE_LEADER}


def can_report_on(user: User, assignment: Assignment) -> bool:
    """A unit reporter reports only for the units they belong to; officials may report for any."""
    if can_edit_plans(user):
        return True
    return (
        user.role == User.Role.UNIT_REPORTER and assignment.unit.members.filter(pk=user.pk).exists()
    )


def can_edit_report(user: User, report: ActivityReport) -> bool:
    """The reporter corrects a submitted or returned report; an accepted one is final."""
    if report.status == ActivityReport.Status.ACCEPTED:
        return False
    return report.reported_by_id == user.pk or can_edit_plans(user)
