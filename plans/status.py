"""Assignment status, computed from activity reports, never typed (issue: plan status rules).

For a reference quarter each assignment has a window: the quarter (quarterly cadence), the year
(yearly), the given month of that year (fixed month) or the plan's start to the due date (one-off).
done = an accepted report dated in the window; in progress = a submitted or returned one;
overdue = none once ``PLAN_OVERDUE_GRACE_DAYS`` have passed after the window ends; else not started.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from atvsld_portal.dates import quarter_bounds


class Status:
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    OVERDUE = "overdue"
    NOT_DUE = "not_due"  # the window lies after the reference date: nothing expected yet

    LABELS = {
        DONE: _("Done"),
        IN_PROGRESS: _("In progress"),
        NOT_STARTED: _("Not started"),
        OVERDUE: _("Overdue"),
        NOT_DUE: _("Not due yet"),
    }
    # Worst first: a matrix cell shows the worst status of its assignments.
    SEVERITY = {OVERDUE: 4, NOT_STARTED: 3, IN_PROGRESS: 2, NOT_DUE: 1, DONE: 0}


@dataclass(frozen=True)
class Window:
    start: date
    end: date


def grace_days() -> int:
    return getattr(settings, "PLAN_OVERDUE_GRACE_DAYS", 10)


def assignment_window(
    *,
    cadence: str,
    month: int | None,
    due_on: date | None,
    plan_start_year: int,
    year: int,
    quarter: int,
) -> Window:
    if cadence == "quarterly":
        return Window(*quarter_bounds(year, quarter))
    if cadence == "yearly":
        return Window(date(year, 1, 1), date(year, 12, 31))
    if cadence == "fixed_month":
        return Window(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    return Window(date(plan_start_year, 1, 1), due_on)


def status_for(*, window: Window, report_statuses_in_window: set[str], today: date) -> str:
    """The status of one assignment in one window, from the statuses of its reports there."""
    if "accepted" in report_statuses_in_window:
        return Status.DONE
    if report_statuses_in_window & {"submitted", "returned"}:
        return Status.IN_PROGRESS
    if today > window.end + timedelta(days=grace_days()):
        return Status.OVERDUE
    if today < window.start:
        return Status.NOT_DUE
    return Status.NOT_STARTED


def worst(statuses) -> str | None:
    statuses = list(statuses)
    return max(statuses, key=Status.SEVERITY.__getitem__) if statuses else None
