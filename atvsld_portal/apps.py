from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "atvsld_portal"
    label = "atvsld_portal"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from atvsld_portal.reference import seed_core_reference_data

        # Sent again after every transactional test's flush, so tests never lose the groups.
        post_migrate.connect(seed_core_reference_data, sender=self)

        # Register every app's tasks in this process too (not only in workers), so the outbox
        # can tell a task that exists from one whose app is not built yet.
        from django.apps import apps

        from atvsld_portal.celery import app as celery_app

        celery_app.autodiscover_tasks(
            [config.name for config in apps.get_app_configs()], force=True
        )
