"""Pseudonymise victims' and patients' personal data past the retention period, as the daily beat
task does: ``--dry-run`` to count without writing, ``--years`` to override
PERSONAL_DATA_RETENTION_YEARS, ``--today`` to run as of another day."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from incidents.services.retention import personal_data_pseudonymise_expired


class Command(BaseCommand):
    help = (
        "Pseudonymise the personal fields of accident victims and occupational-disease cases "
        "older than the retention period (figures are kept)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count without writing")
        parser.add_argument(
            "--years", type=int, help="Retention period in years (default: the setting)"
        )
        parser.add_argument("--today", help="Run as of this day, YYYY-MM-DD (default: today)")

    def handle(self, *args, dry_run=False, years=None, today=None, **options) -> None:
        if years is not None and years < 1:
            raise CommandError("--years must be at least 1.")
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc
        result = personal_data_pseudonymise_expired(today=day, years=years, dry_run=dry_run)
        verb = "would pseudonymise" if dry_run else "pseudonymised"
        message = (
            f"Records dated before {result.cutoff:%d/%m/%Y}: {verb} {result.accidents} accidents "
            f"({result.victims} victims) and {result.disease_cases} disease cases."
        )
        self.stdout.write(self.style.SUCCESS(message))
        if options["verbosity"] > 1 and not dry_run:
            self.stdout.write(
                f"Filed declarations: {result.declarations}; commune reports: "
                f"{result.commune_reports}; history rows: {result.history_rows}."
            )
