from __future__ import annotations

from datetime import date

import factory

from atvsld_portal.models import User
from plans.models import ActivityReport, Assignment, Plan, Task, TaskGroup
from tests.core.factories import CommuneFactory, ResponsibleUnitFactory, UserFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Kế hoạch thực hiện công tác ATVSLĐ số {n}")
    issuing_body = "Ủy ban nhân dân xã"
    status = Plan.Status.IN_FORCE
    start_year = 2026
    end_year = 2030


class TaskGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskGroup

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Nhóm nhiệm vụ {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    group = factory.SubFactory(TaskGroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Tuyên truyền về an toàn, vệ sinh lao động, đợt {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """Pass ``unit`` when a commune needs several units: unit kinds are unique per commune."""

    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(
        ResponsibleUnitFactory, commune=factory.SelfAttribute("..task.group.plan.commune")
    )
    role = Assignment.Role.LEAD
    cadence = Assignment.Cadence.QUARTERLY


class ActivityReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityReport

    assignment = factory.SubFactory(AssignmentFactory)
    reported_by = factory.SubFactory(
        UserFactory,
        role=User.Role.UNIT_REPORTER,
        administrative_unit=factory.SelfAttribute("..assignment.unit.commune"),
    )
    occurred_on = date(2026, 5, 12)
    kind = ActivityReport.Kind.PROPAGANDA_MEETING
    description = "Họp dân tuyên truyền Tháng hành động về ATVSLĐ tại nhà văn hóa thôn"
    sessions = 1
    participants = 45
    status = ActivityReport.Status.SUBMITTED
