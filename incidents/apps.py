from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Occupational accidents")

    def ready(self) -> None:
        from incidents.reference import seed_incidents_reference_data

        post_migrate.connect(seed_incidents_reference_data, sender=self)
