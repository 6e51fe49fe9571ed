"""Assignment status at the edges of its window, for each cadence (grace: 10 days).

Expectations are worked out by hand: a window ending on 30 June is overdue from 11 July.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from atvsld_portal.models import ResponsibleUnit
from plans.models import ActivityReport, Assignment
from plans.selectors import assignment_statuses
from plans.status import Status, Window, assignment_window, status_for
from tests.core.factories import ResponsibleUnitFactory
from tests.plans.factories import ActivityReportFactory, AssignmentFactory, PlanFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ACCEPTED = ActivityReport.Status.ACCEPTED
SUBMITTED = ActivityReport.Status.SUBMITTED
RETURNED = ActivityReport.Status.RETURNED


@pytest.fixture(autouse=True)
def _grace(settings):
    settings.PLAN_OVERDUE_GRACE_DAYS = 10


def on(day: date) -> time_machine.travel:
    """Freeze the clock at noon, Vietnam time, on ``day``."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=VN), tick=False)


def status_on(day: date, window: Window, statuses: set[str] | None = None) -> str:
    with on(day):
        return status_for(
            window=window, report_statuses_in_window=statuses or set(), today=timezone.localdate()
        )


# ------------------------------------------------------------------------------
# Windows
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cadence", "month", "due_on", "quarter", "expected"),
    [
        ("quarterly", None, None, 1, (date(2026, 1, 1), date(2026, 3, 31))),
        ("quarterly", None, None, 2, (date(2026, 4, 1), date(2026, 6, 30))),
        ("quarterly", None, None, 4, (date(2026, 10, 1), date(2026, 12, 31))),
        ("yearly", None, None, 1, (date(2026, 1, 1), date(2026, 12, 31))),
        ("yearly", None, None, 4, (date(2026, 1, 1), date(2026, 12, 31))),
        ("fixed_month", 5, None, 3, (date(2026, 5, 1), date(2026, 5, 31))),
        ("fixed_month", 2, None, 1, (date(2026, 2, 1), date(2026, 2, 28))),
        ("one_off", None, date(2026, 9, 15), 2, (date(2025, 1, 1), date(2026, 9, 15))),
    ],
)
def test_assignment_window(cadence, month, due_on, quarter, expected):
    window = assignment_window(
        cadence=cadence,
        month=month,
        due_on=due_on,
        plan_start_year=2025,
        year=2026,
        quarter=quarter,
    )
    assert (window.start, window.end) == expected


# ------------------------------------------------------------------------------
# Quarterly: window 1 April - 30 June 2026, overdue from 11 July
# ------------------------------------------------------------------------------
Q2 = Window(date(2026, 4, 1), date(2026, 6, 30))


@pytest.mark.parametrize(
    ("day", "statuses", "expected"),
    [
        (date(2026, 3, 31), set(), Status.NOT_DUE),
        (date(2026, 4, 1), set(), Status.NOT_STARTED),
        (date(2026, 6, 30), set(), Status.NOT_STARTED),
        (date(2026, 7, 10), set(), Status.NOT_STARTED),
        (date(2026, 7, 11), set(), Status.OVERDUE),
        (date(2026, 7, 11), {SUBMITTED}, Status.IN_PROGRESS),
        (date(2026, 7, 11), {RETURNED}, Status.IN_PROGRESS),
        (date(2026, 7, 11), {RETURNED, ACCEPTED}, Status.DONE),
        (date(2026, 6, 30), {ACCEPTED}, Status.DONE),
        (date(2026, 12, 1), {SUBMITTED}, Status.IN_PROGRESS),
    ],
)
def test_quarterly_status(day, statuses, expected):
    assert status_on(day, Q2, statuses) == expected


def test_grace_days_come_from_settings(settings):
    settings.PLAN_OVERDUE_GRACE_DAYS = 0
    assert status_on(date(2026, 6, 30), Q2) == Status.NOT_STARTED
    assert status_on(date(2026, 7, 1), Q2) == Status.OVERDUE


# ------------------------------------------------------------------------------
# Yearly: window 2026, overdue from 11 January 2027
# ------------------------------------------------------------------------------
YEAR_2026 = Window(date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("day", "statuses", "expected"),
    [
        (date(2025, 12, 31), set(), Status.NOT_DUE),
        (date(2026, 1, 1), set(), Status.NOT_STARTED),
        (date(2026, 12, 31), set(), Status.NOT_STARTED),
        (date(2027, 1, 10), set(), Status.NOT_STARTED),
        (date(2027, 1, 11), set(), Status.OVERDUE),
        (date(2027, 1, 11), {SUBMITTED}, Status.IN_PROGRESS),
        (date(2026, 3, 1), {ACCEPTED}, Status.DONE),
    ],
)
def test_yearly_status(day, statuses, expected):
    assert status_on(day, YEAR_2026, statuses) == expected


# ------------------------------------------------------------------------------
# Fixed month (May): window 1-31 May 2026, overdue from 11 June
# ------------------------------------------------------------------------------
MAY_2026 = Window(date(2026, 5, 1), date(2026, 5, 31))


@pytest.mark.parametrize(
    ("day", "statuses", "expected"),
    [
        (date(2026, 4, 30), set(), Status.NOT_DUE),
        (date(2026, 5, 1), set(), Status.NOT_STARTED),
        (date(2026, 5, 15), {SUBMITTED}, Status.IN_PROGRESS),
        (date(2026, 5, 31), {ACCEPTED}, Status.DONE),
        (date(2026, 6, 10), set(), Status.NOT_STARTED),
        (date(2026, 6, 11), set(), Status.OVERDUE),
        (date(2026, 8, 1), {ACCEPTED}, Status.DONE),
    ],
)
def test_fixed_month_status(day, statuses, expected):
    assert status_on(day, MAY_2026, statuses) == expected


# ------------------------------------------------------------------------------
# One-off, due 15 September 2026 in a plan starting 2026: overdue from 26 September
# ------------------------------------------------------------------------------
ONE_OFF = Window(date(2026, 1, 1), date(2026, 9, 15))


@pytest.mark.parametrize(
    ("day", "statuses", "expected"),
    [
        (date(2025, 12, 31), set(), Status.NOT_DUE),
        (date(2026, 9, 15), set(), Status.NOT_STARTED),
        (date(2026, 9, 25), set(), Status.NOT_STARTED),
        (date(2026, 9, 26), set(), Status.OVERDUE),
        (date(2026, 9, 26), {SUBMITTED}, Status.IN_PROGRESS),
        (date(2026, 9, 26), {ACCEPTED}, Status.DONE),
    ],
)
def test_one_off_status(day, statuses, expected):
    assert status_on(day, ONE_OFF, statuses) == expected


# ------------------------------------------------------------------------------
# assignment_statuses: reports count only inside the window
# ------------------------------------------------------------------------------
@pytest.fixture
def assignments(commune):
    plan = PlanFactory(commune=commune, start_year=2026, end_year=2030)
    units = {
        kind: ResponsibleUnitFactory(commune=commune, kind=kind)
        for kind in (
            ResponsibleUnit.Kind.CULTURE_RADIO,
            ResponsibleUnit.Kind.POLICE,
            ResponsibleUnit.Kind.FRONT,
            ResponsibleUnit.Kind.HEALTH_STATION,
        )
    }
    return {
        "quarterly": AssignmentFactory(
            task__group__plan=plan, unit=units[ResponsibleUnit.Kind.CULTURE_RADIO]
        ),
        "yearly": AssignmentFactory(
            task__group__plan=plan,
            unit=units[ResponsibleUnit.Kind.POLICE],
            cadence=Assignment.Cadence.YEARLY,
        ),
        "fixed_month": AssignmentFactory(
            task__group__plan=plan,
            unit=units[ResponsibleUnit.Kind.FRONT],
            cadence=Assignment.Cadence.FIXED_MONTH,
            month=5,
        ),
        "one_off": AssignmentFactory(
            task__group__plan=plan,
            unit=units[ResponsibleUnit.Kind.HEALTH_STATION],
            cadence=Assignment.Cadence.ONE_OFF,
            due_on=date(2026, 9, 15),
        ),
    }


def statuses_on(day: date, assignments: dict, year: int, quarter: int) -> dict[str, str]:
    with on(day):
        result = assignment_statuses(
            assignments=list(assignments.values()),
            year=year,
            quarter=quarter,
            today=timezone.localdate(),
        )
    return {name: result[a.pk].status for name, a in assignments.items()}


def test_nothing_reported_at_the_start_of_the_second_quarter(assignments):
    assert statuses_on(date(2026, 4, 1), assignments, 2026, 2) == {
        "quarterly": Status.NOT_STARTED,
        "yearly": Status.NOT_STARTED,
        "fixed_month": Status.NOT_DUE,
        "one_off": Status.NOT_STARTED,
    }


def test_second_quarter_after_its_grace_days(assignments):
    ActivityReportFactory(
        assignment=assignments["yearly"], occurred_on=date(2026, 2, 3), status=ACCEPTED
    )
    ActivityReportFactory(
        assignment=assignments["fixed_month"], occurred_on=date(2026, 5, 19), status=RETURNED
    )
    # Dated the day after the quarter ends: it belongs to the third quarter.
    ActivityReportFactory(
        assignment=assignments["quarterly"], occurred_on=date(2026, 7, 1), status=ACCEPTED
    )
    assert statuses_on(date(2026, 7, 11), assignments, 2026, 2) == {
        "quarterly": Status.OVERDUE,
        "yearly": Status.DONE,
        "fixed_month": Status.IN_PROGRESS,
        "one_off": Status.NOT_STARTED,
    }
    assert statuses_on(date(2026, 7, 11), assignments, 2026, 3)["quarterly"] == Status.DONE


def test_a_report_before_the_fixed_month_does_not_count(assignments):
    ActivityReportFactory(
        assignment=assignments["fixed_month"], occurred_on=date(2026, 4, 30), status=ACCEPTED
    )
    assert statuses_on(date(2026, 6, 10), assignments, 2026, 2)["fixed_month"] == Status.NOT_STARTED
    assert statuses_on(date(2026, 6, 11), assignments, 2026, 2)["fixed_month"] == Status.OVERDUE


def test_one_off_before_and_after_its_due_date(assignments):
    assert statuses_on(date(2026, 9, 25), assignments, 2026, 3)["one_off"] == Status.NOT_STARTED
    assert statuses_on(date(2026, 9, 26), assignments, 2026, 3)["one_off"] == Status.OVERDUE
    ActivityReportFactory(
        assignment=assignments["one_off"], occurred_on=date(2026, 9, 1), status=ACCEPTED
    )
    assert statuses_on(date(2026, 12, 31), assignments, 2026, 4)["one_off"] == Status.DONE


def test_yearly_across_the_new_year(assignments):
    assert statuses_on(date(2027, 1, 10), assignments, 2026, 4)["yearly"] == Status.NOT_STARTED
    assert statuses_on(date(2027, 1, 11), assignments, 2026, 4)["yearly"] == Status.OVERDUE
    ActivityReportFactory(
        assignment=assignments["yearly"], occurred_on=date(2026, 12, 31), status=SUBMITTED
    )
    assert statuses_on(date(2027, 1, 11), assignments, 2026, 4)["yearly"] == Status.IN_PROGRESS
