"""Load the Ea Ly demo data: idempotent by natural keys, dates relative to today.

Refuses to run unless the DEMO_DATA_ALLOWED setting is on (demo accounts have a known password).
Each app's ``demo.py`` runs in dependency order.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from atvsld_portal import demo as core_demo
from atvsld_portal.reference import seed_core_reference_data
from enterprises import demo as enterprises_demo
from enterprises.reference import seed_enterprises_reference_data
from incidents import demo as incidents_demo
from plans import demo as plans_demo


class Command(BaseCommand):
    help = "Load the Ea Ly demo data (communes, responsible units, accounts, enterprise registry)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--quiet-accounts", action="store_true", help="Do not print the accounts."
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled here: set DEMO_DATA_ALLOWED=1 to load it.")
        today = timezone.localdate()
        seed_core_reference_data()
        seed_enterprises_reference_data()
        context = core_demo.load(today=today)
        context.update(enterprises_demo.load(core=context))
        context.update(plans_demo.load(core=context))
        context.update(incidents_demo.load(core=context))
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if options["verbosity"] >= 1 and not options["quiet_accounts"]:
            self.stdout.write(f"Accounts (password {core_demo.DEMO_PASSWORD}):")
            for username, user in context["users"].items():
                role = user.get_role_display() if user.role else "superuser"
                self.stdout.write(f"  {username:<14} {role}")
