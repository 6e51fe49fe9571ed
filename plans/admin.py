from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


class GoalInline(admin.TabularInline):
    model = PlanGoal
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "commune", "status", "start_year", "end_year"]
    list_filter = ["status", "commune"]
    inlines = [LegalBasisInline, GoalInline]


class TaskInline(admin.StackedInline):
    model = Task
    extra = 0


@admin.register(TaskGroup)
class TaskGroupAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    inlines = [TaskInline]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["task", "unit", "role", "cadence", "month", "due_on"]
    list_filter = ["role", "cadence", "unit__kind"]
    list_select_related = ["task__group", "unit"]


@admin.register(ActivityReport)
class ActivityReportAdmin(SimpleHistoryAdmin):
    list_display = ["occurred_on", "kind", "assignment", "status", "reported_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["assignment__task__group", "assignment__unit", "reported_by"]
    raw_id_fields = ["assignment", "reported_by", "reviewed_by"]


@admin.register(PlanBudget)
class PlanBudgetAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "year", "purpose", "source", "allocated", "spent"]
    list_filter = ["year"]
