"""Load the Ea Ly demo data: idempotent by natural keys, dates relative to today.

Refuses to run unless the DEMO_DATA_ALLOWED setting is on (demo accounts have a known password).
Each app's ``demo.py`` runs in dependency order, all in one transaction, and the indicators of
every commune and every year of the demo are then recomputed from source in the same
transaction, so the dashboards have values as soon as it commits, also for the years no record
touched (the historical aggregates' years).

The services the demos call ask for a recompute through the outbox on every change (one pending
row per commune and year, however many changes). That recompute covers them all, so their rows
are settled before it starts rather than published at the commit, where eager Celery (``make
run``) would compute the same years a second time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from atvsld_portal import demo as core_demo
from atvsld_portal.models import Outbox
from atvsld_portal.reference import seed_core_reference_data
from atvsld_portal.services import RECOMPUTE_TASK
from enterprises import demo as enterprises_demo
from enterprises.reference import seed_enterprises_reference_data
from incidents import demo as incidents_demo
from plans import demo as plans_demo
from reporting import demo as reporting_demo
from reporting.models import ComputationRun
from reporting.services import indicators_recompute_all


def recompute_indicators(*, years: list[int]) -> None:
    """Recompute every commune for ``years`` and each year the outbox asked for, settling the
    outbox rows first (the runs start after them, so later changes are not coalesced away)."""
    asked = Outbox.objects.filter(task_name=RECOMPUTE_TASK, status=Outbox.Status.PENDING)
    years_asked = {args[1] for args in asked.values_list("args", flat=True)}
    asked.update(status=Outbox.Status.SENT, sent_at=timezone.now())
    indicators_recompute_all(
        years=sorted({*years, *years_asked}), trigger=ComputationRun.Trigger.COMMAND
    )


class Command(BaseCommand):
    help = (
        "Load the Ea Ly demo data (communes, accounts, enterprise registry, plan, accidents, "
        "historical aggregates) and compute its indicators."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--quiet-accounts", action="store_true", help="Do not print the accounts."
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled here: set DEMO_DATA_ALLOWED=1 to load it.")
        today = timezone.localdate()
        with transaction.atomic():
            seed_core_reference_data()
            seed_enterprises_reference_data()
            context = core_demo.load(today=today)
            context.update(enterprises_demo.load(core=context))
            context.update(plans_demo.load(core=context))
            context.update(incidents_demo.load(core=context))
            context.update(reporting_demo.load(core=context))
            recompute_indicators(years=reporting_demo.demo_years(today))
            context.update(reporting_demo.load_reports(core=context))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if options["verbosity"] >= 1 and not options["quiet_accounts"]:
            self.stdout.write(f"Accounts (password {core_demo.DEMO_PASSWORD}):")
            for username, user in context["users"].items():
                role = user.get_role_display() if user.role else "superuser"
                self.stdout.write(f"  {username:<14} {role}")
