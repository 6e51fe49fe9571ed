"""Back up the database and the private files into a new folder under ``BACKUP_DIR``
(``make backup``); see :mod:`atvsld_portal.backups`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from atvsld_portal.backups import BackupError, backup_create


class Command(BaseCommand):
    # A backup or a restore must work even when a system check fails (an emergency).
    requires_system_checks = []
    help = (
        "Write a backup folder (database dump, private files archive, manifest with SHA-256 "
        "hashes) under DJANGO_BACKUP_DIR or --dir."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir", dest="backup_dir", help="Parent folder of the backup (default: BACKUP_DIR)"
        )
        parser.add_argument("--database", default="default", help="Database alias")

    def handle(self, *args, backup_dir=None, database="default", **options) -> None:
        try:
            path = backup_create(backup_dir=backup_dir, alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
