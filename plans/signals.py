"""Cache invalidation for what shows plan progress (the dashboard's plan section and goals).

Any saved or deleted plan record — and the names of responsible units and communes those pages
print — moves the "plans" generation forward once its transaction commits, so every fragment
keyed by the old generation is rebuilt on its next request. Plans change a few times a day, so
one generation for the whole deployment costs nothing and cannot miss a path between records.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from atvsld_portal.caching import bump_generation, generation
from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit
from plans.models import ActivityReport, Assignment, Plan, PlanBudget, PlanGoal, Task, TaskGroup

GENERATION = "plans"
WATCHED = (
    Plan,
    PlanGoal,
    TaskGroup,
    Task,
    Assignment,
    ActivityReport,
    PlanBudget,
    ResponsibleUnit,
    AdministrativeUnit,
)


def plans_generation() -> int | None:
    """The generation fragments built from plan records carry in their key."""
    return generation(GENERATION)


def plans_changed(**kwargs) -> None:
    bump_generation(GENERATION)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(plans_changed, sender=model, dispatch_uid=f"plans-gen-save-{model}")
        post_delete.connect(plans_changed, sender=model, dispatch_uid=f"plans-gen-delete-{model}")
