"""The plans demo, on top of the core and enterprises demos: the Ea Ly plan, 18 months of activity
reports from the unit reporters, two years of budget lines; idempotent. One load for the module."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from atvsld_portal import demo as core_demo
from atvsld_portal.dates import quarter_bounds
from atvsld_portal.models import ResponsibleUnit
from atvsld_portal.reference import seed_core_reference_data
from enterprises import demo as enterprises_demo
from enterprises.reference import seed_enterprises_reference_data
from plans import demo as plans_demo
from plans.models import ActivityReport, Assignment, Plan, PlanBudget, Task
from plans.status import Status, Window, status_for

pytestmark = pytest.mark.django_db

TODAY = date(2026, 8, 20)  # last full quarter: Q2 2026; Mays of 2025 and 2026 in the window
K = ResponsibleUnit.Kind
A = ActivityReport.Kind
S = ActivityReport.Status


def _load() -> dict:
    seed_core_reference_data()
    seed_enterprises_reference_data()
    context = core_demo.load(today=TODAY)
    context.update(enterprises_demo.load(core=context))
    context.update(plans_demo.load(core=context))
    return context


# Loaded once for the module inside a transaction rolled back at its end; each test (django_db)
# runs in a savepoint of it, so what one test changes is gone before the next.
@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _load()
        transaction.set_rollback(True)


def _reports(username: str):
    return ActivityReport.objects.filter(reported_by__username=username)


def _counts() -> tuple[int, ...]:
    return (
        Plan.objects.count(),
        Task.objects.count(),
        Assignment.objects.count(),
        ActivityReport.objects.count(),
        PlanBudget.objects.count(),
    )


def test_the_plan_is_loaded_into_ea_ly(demo):
    plan = demo["plan"]
    assert plan.commune == demo["ealy"]
    assert Task.objects.filter(group__plan=plan).count() == 21
    boards = Assignment.objects.filter(task__group__plan=plan, unit__kind=K.VILLAGE_BOARD)
    assert {a.unit.name for a in boards} == {"Ban nhân dân Thôn Ea Lâm 1", "Ban nhân dân Buôn Ken"}


def test_each_unit_reporter_reports_for_its_unit(demo):
    radio = _reports("vhtt.ealy")
    assert radio.filter(kind=A.RADIO, broadcasts__gt=0, airings__gt=0).count() >= 9
    assert set(radio.values_list("assignment__unit__kind", flat=True)) == {K.CULTURE_RADIO}
    police = _reports("congan.ealy").filter(kind=A.INSPECTION)
    assert police.count() >= 6
    assert all(r.violations_found <= r.establishments_inspected for r in police)
    front = _reports("mttq.ealy").filter(kind=A.PROPAGANDA_MEETING, participants__gt=0)
    assert front.count() >= 10
    self_inspections = _reports("canbo.ealy").filter(
        kind=A.INSPECTION, assignment__unit__kind=K.ENTERPRISES
    )
    assert self_inspections.count() >= 6


def test_banners_go_up_every_may(demo):
    banners = _reports("vhtt.ealy").filter(kind=A.BANNERS)
    assert sorted(r.occurred_on.year for r in banners) == [2025, 2026]
    assert {r.occurred_on.month for r in banners} == {5}
    assert {r.assignment.cadence for r in banners} == {Assignment.Cadence.FIXED_MONTH}


def test_reports_span_18_months_up_to_today(demo):
    days = list(ActivityReport.objects.values_list("occurred_on", flat=True))
    assert min(days) >= date(2025, 3, 1)
    assert max(days) <= TODAY


def test_some_reports_are_accepted_some_returned_some_waiting(demo):
    accepted = ActivityReport.objects.filter(status=S.ACCEPTED)
    returned = ActivityReport.objects.filter(status=S.RETURNED)
    submitted = ActivityReport.objects.filter(status=S.SUBMITTED)
    assert accepted.count() > returned.count() > 0
    assert submitted.exists()
    assert not accepted.filter(reviewed_by__isnull=True).exists()
    assert not accepted.filter(reviewed_at__isnull=True).exists()
    assert set(accepted.values_list("reviewed_by__username", flat=True)) <= {
        "canbo.ealy",
        "lanhdao.ealy",
    }
    assert not returned.filter(review_comment="").exists()
    assert not submitted.filter(reviewed_by__isnull=False).exists()


def test_some_assignments_are_overdue_in_the_last_full_quarter(demo):
    window = Window(*quarter_bounds(2026, 2))
    statuses = {}
    for assignment in Assignment.objects.filter(
        task__group__plan=demo["plan"], role=Assignment.Role.LEAD, cadence="quarterly"
    ):
        in_window = assignment.reports.filter(occurred_on__range=(window.start, window.end))
        statuses[assignment.task.label, assignment.unit.kind] = status_for(
            window=window,
            report_statuses_in_window=set(in_window.values_list("status", flat=True)),
            today=TODAY,
        )
    assert statuses["2.3", K.FRONT] == Status.OVERDUE
    assert statuses["6.2", K.POLICE] == Status.DONE
    assert statuses["7.2", K.ENTERPRISES] == Status.IN_PROGRESS  # returned for completion
    assert Status.OVERDUE in {statuses["3.2", K.LABOUR_DESK], statuses["7.3", K.LABOUR_DESK]}


def test_budget_lines_for_two_years(demo):
    lines = PlanBudget.objects.filter(plan=demo["plan"])
    assert set(lines.values_list("year", flat=True)) == {2025, 2026}
    assert set(lines.values_list("source", flat=True)) == {"Ngân sách xã", "Nguồn xã hội hóa"}
    for line in lines.filter(year=2025):
        assert 0 < line.spent <= line.allocated
    for line in lines.filter(year=2026):
        assert line.spent < line.allocated


def test_a_second_run_adds_nothing(demo):
    before = _counts()
    statuses = list(ActivityReport.objects.order_by("pk").values_list("status", flat=True))
    _load()
    assert _counts() == before
    assert list(ActivityReport.objects.order_by("pk").values_list("status", flat=True)) == statuses
