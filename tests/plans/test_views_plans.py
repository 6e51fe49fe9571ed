"""The plan overview matrix, tasks and assignments, editing and copying, budget lines."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from atvsld_portal.models import ResponsibleUnit
from plans.models import ActivityReport, Assignment, Plan, PlanBudget, Task, TaskGroup
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(commune):
    return Plan.objects.create(
        commune=commune,
        title="Kế hoạch triển khai Chỉ thị 31",
        issuing_body="UBND xã Ea Ly",
        start_year=2024,
        status=Plan.Status.IN_FORCE,
    )


@pytest.fixture
def radio(commune):
    return ResponsibleUnit.objects.create(
        commune=commune, kind=ResponsibleUnit.Kind.CULTURE_RADIO, name="Đài truyền thanh"
    )


@pytest.fixture
def police(commune):
    return ResponsibleUnit.objects.create(
        commune=commune, kind=ResponsibleUnit.Kind.POLICE, name="Công an xã"
    )


def _tasks(plan, count, units):
    group = TaskGroup.objects.create(
        plan=plan, number=TaskGroup.objects.filter(plan=plan).count() + 1, title="Tuyên truyền"
    )
    tasks = []
    for n in range(1, count + 1):
        task = Task.objects.create(group=group, number=n, text=f"Nhiệm vụ {n}")
        for unit in units:
            Assignment.objects.create(task=task, unit=unit)
        tasks.append(task)
    return tasks


def test_matrix_shows_status_with_text_and_links(officer_client, plan, radio, police, officer):
    done, _waiting = _tasks(plan, 2, [radio])
    ActivityReport.objects.create(
        assignment=done.assignments.get(),
        reported_by=officer,
        occurred_on=date(2026, 10, 5),
        kind="radio",
        description="Phát thanh",
        status=ActivityReport.Status.ACCEPTED,
    )
    with time_machine.travel(date(2026, 11, 20)):
        officer_client.force_login(officer)
        text = officer_client.get(plan.get_absolute_url(), {"year": 2026, "quarter": 4}).text
    assert "Đài truyền thanh" in text
    assert "status-not_started" in text  # the cell shows its worst status
    assert "Chưa thực hiện" in text
    assert done.get_absolute_url() in text


def test_matrix_query_count_does_not_grow_with_tasks(
    officer_client, plan, radio, police, django_assert_max_num_queries
):
    _tasks(plan, 3, [radio, police])
    officer_client.get(plan.get_absolute_url())
    with django_assert_max_num_queries(14) as small:
        officer_client.get(plan.get_absolute_url())
    _tasks(plan, 20, [radio, police])
    with django_assert_max_num_queries(len(small.captured_queries)):
        officer_client.get(plan.get_absolute_url())


def test_other_commune_gets_404(client, other_officer, plan, radio):
    task = _tasks(plan, 1, [radio])[0]
    client.force_login(other_officer)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(task.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("plans:budget", kwargs={"public_id": plan.public_id})).status_code == 404
    )
    assignment = task.assignments.get()
    assert (
        client.get(reverse("plans:assignment_edit", kwargs={"pk": assignment.pk})).status_code
        == 404
    )


def test_enterprise_users_do_not_see_plans(client, enterprise_owner, plan):
    client.force_login(enterprise_owner)
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_unit_reporter_reads_but_cannot_edit(client, commune, plan, radio):
    reporter = UserFactory(role="unit_reporter", administrative_unit=commune)
    radio.members.add(reporter)
    client.force_login(reporter)
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("plans:edit", kwargs={"public_id": plan.public_id})).status_code == 403
    )


def test_official_adds_a_task_and_assigns_it_for_may(officer_client, plan, radio):
    group = TaskGroup.objects.create(plan=plan, number=2, title="Tuyên truyền")
    officer_client.post(
        reverse("plans:task_create", kwargs={"public_id": plan.public_id}),
        {"group": group.pk, "number": 1, "text": "Tháng hành động"},
    )
    task = Task.objects.get(group=group)
    response = officer_client.post(
        reverse("plans:assignment_create", kwargs={"public_id": task.public_id}),
        {"unit": radio.pk, "role": "lead", "cadence": "fixed_month", "month": "5", "note": ""},
    )
    assert response.status_code == 302
    assignment = task.assignments.get()
    assert (assignment.cadence, assignment.month, assignment.due_on) == ("fixed_month", 5, None)


def test_one_off_assignment_needs_a_due_date(officer_client, plan, radio):
    task = _tasks(plan, 1, [])[0]
    response = officer_client.post(
        reverse("plans:assignment_create", kwargs={"public_id": task.public_id}),
        {"unit": radio.pk, "role": "lead", "cadence": "one_off", "note": "x"},
    )
    assert response.status_code == 200
    assert not task.assignments.exists()


def test_unit_of_another_commune_cannot_be_assigned(officer_client, plan, other_commune):
    foreign = ResponsibleUnit.objects.create(
        commune=other_commune, kind=ResponsibleUnit.Kind.POLICE, name="Công an Ea Bá"
    )
    task = _tasks(plan, 1, [])[0]
    officer_client.post(
        reverse("plans:assignment_create", kwargs={"public_id": task.public_id}),
        {"unit": foreign.pk, "role": "lead", "cadence": "quarterly"},
    )
    assert not task.assignments.exists()


def test_copy_makes_a_draft_with_tasks_and_assignments(officer_client, plan, radio, police):
    _tasks(plan, 3, [radio, police])
    response = officer_client.post(
        reverse("plans:copy", kwargs={"public_id": plan.public_id}), {"start_year": 2027}
    )
    copy = Plan.objects.exclude(pk=plan.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.status, copy.start_year, copy.number) == (Plan.Status.DRAFT, 2027, "")
    assert Task.objects.filter(group__plan=copy).count() == 3
    assert Assignment.objects.filter(task__group__plan=copy).count() == 6


def test_budget_lines(officer_client, client, plan, province_viewer):
    url = reverse("plans:budget", kwargs={"public_id": plan.public_id})
    officer_client.post(
        url,
        {
            "year": "2026",
            "purpose": "Tuyên truyền",
            "source": "Ngân sách xã",
            "allocated": "15.000.000",
            "spent": "0",
        },
    )
    line = PlanBudget.objects.get()
    assert line.allocated == 15_000_000
    client.force_login(province_viewer)
    assert "Tuyên truyền" in client.get(url).text
    assert (
        client.post(
            url, {"year": "2026", "purpose": "x", "source": "y", "allocated": "1", "spent": "0"}
        ).status_code
        == 403
    )


def test_assignment_with_reports_cannot_be_removed(officer_client, plan, radio, officer):
    task = _tasks(plan, 1, [radio])[0]
    assignment = task.assignments.get()
    ActivityReport.objects.create(
        assignment=assignment,
        reported_by=officer,
        occurred_on=date(2026, 1, 5),
        kind="radio",
        description="x",
    )
    officer_client.post(reverse("plans:assignment_delete", kwargs={"pk": assignment.pk}))
    assert Assignment.objects.filter(pk=assignment.pk).exists()
