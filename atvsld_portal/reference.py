"""Core reference data seeded after every migrate (idempotent)."""

from __future__ import annotations

from typing import Any

from atvsld_portal.roles import grant_permissions

# What each role may do with core records; each app grants its own on post_migrate.
CORE_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "commune_official": [
        "atvsld_portal.view_administrativeunit",
        "atvsld_portal.view_village",
        "atvsld_portal.view_responsibleunit",
        "atvsld_portal.change_responsibleunit",
        "atvsld_portal.view_reportingperiod",
        "atvsld_portal.add_reportingperiod",
        "atvsld_portal.change_reportingperiod",
    ],
    "commune_leader": [
        "atvsld_portal.view_administrativeunit",
        "atvsld_portal.view_village",
        "atvsld_portal.view_responsibleunit",
        "atvsld_portal.view_reportingperiod",
    ],
    "unit_reporter": ["atvsld_portal.view_responsibleunit"],
    "enterprise_user": [],
    "province_viewer": [
        "atvsld_portal.view_administrativeunit",
        "atvsld_portal.view_village",
        "atvsld_portal.view_responsibleunit",
        "atvsld_portal.view_reportingperiod",
    ],
}


def seed_core_reference_data(**kwargs: Any) -> None:
    grant_permissions(CORE_ROLE_PERMISSIONS)
