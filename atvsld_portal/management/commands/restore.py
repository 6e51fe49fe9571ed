"""Restore a backup folder written by ``backup`` (``make restore BACKUP=var/backups/<folder>``).

Every hash of the manifest is checked first; a damaged backup is refused before anything is
touched. Then the database and the private files are replaced. Stop web, worker and beat first.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from atvsld_portal.backups import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    # A backup or a restore must work even when a system check fails (an emergency).
    requires_system_checks = []
    help = "Replace the database and the private files by those of a verified backup folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup folder, e.g. var/backups/20260512T021500Z")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation",
        )
        parser.add_argument("--database", default="default", help="Database alias")

    def handle(self, *args, path, interactive=True, database="default", **options) -> None:
        try:
            manifest = backup_read_manifest(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if interactive:
            name = connections[database].settings_dict["NAME"]
            answer = input(
                f"This replaces the database {name} and every private file under "
                f"{settings.PRIVATE_MEDIA_ROOT} by the backup of {manifest['created_at']}.\n"
                "Type 'yes' to continue: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            result = backup_restore(path=path, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored the {result.engine} database and {result.files} private files "
                    f"from the backup of {result.created_at}."
                )
            )
