from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What each role may do with plan records (docs/permissions.md); object scope is in selectors.
ROLE_PERMISSIONS = {
    "commune_official": [
        "plans.view_plan",
        "plans.add_plan",
        "plans.change_plan",
        "plans.view_activityreport",
        "plans.add_activityreport",
        "plans.change_activityreport",
    ],
    "commune_leader": [
        "plans.view_plan",
        "plans.view_activityreport",
        "plans.change_activityreport",
    ],
    "unit_reporter": ["plans.view_plan", "plans.view_activityreport", "plans.add_activityreport"],
    "province_viewer": ["plans.view_plan", "plans.view_activityreport"],
    "enterprise_user": [],
}


def seed_plans_reference_data(**kwargs) -> None:
    from atvsld_portal.roles import grant_permissions

    grant_permissions(ROLE_PERMISSIONS)


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from plans import signals

        post_migrate.connect(seed_plans_reference_data, sender=self)
        signals.connect()
