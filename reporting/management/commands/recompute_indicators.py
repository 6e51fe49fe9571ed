"""Recompute indicator values from the records: ``--commune``/``--year`` to narrow, ``--dry-run``
to compute without writing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from atvsld_portal.models import AdministrativeUnit
from reporting.models import ComputationRun
from reporting.services import indicators_recompute


class Command(BaseCommand):
    help = "Recompute indicator values of communes and years from the source records."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--commune", help="Commune name or code (default: every commune)")
        parser.add_argument("--year", type=int, action="append", help="Year (repeatable)")
        parser.add_argument("--dry-run", action="store_true", help="Compute without writing")

    def handle(self, *args, commune=None, year=None, dry_run=False, **options) -> None:
        communes = AdministrativeUnit.objects.communes().order_by("name")
        if commune:
            communes = communes.filter(
                Q(name=commune) | Q(code=commune) | Q(code_provisional=commune)
            )
            if not communes.exists():
                raise CommandError(f"No commune named or coded {commune!r}.")
        today = timezone.localdate()
        years = year or [today.year - 1, today.year]
        for unit in communes:
            for each_year in years:
                run = indicators_recompute(
                    commune_id=unit.pk,
                    year=each_year,
                    trigger=ComputationRun.Trigger.COMMAND,
                    dry_run=dry_run,
                )
                verb = "would write" if dry_run else "wrote"
                self.stdout.write(f"{unit.name} {each_year}: {verb} {run.values_written} values")
