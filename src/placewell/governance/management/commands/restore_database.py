"""``./run restore FILE``: replace the database with a backup made by ``./run backup``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.governance import backup


class Command(BaseCommand):
    help = (
        "Replace the database with the encrypted backup in FILE (key: PLACEWELL_BACKUP_KEY), then erase "
        "again everyone in the erasure ledger. Stop the server first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A backup made by ./run backup")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"There is no backup file at {source}")
        name = settings.DATABASES["default"]["NAME"]
        if not options["yes"]:
            answer = input(
                f"This replaces everything in the database {name} with {source}. Type yes to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored")
        self.stdout.write(f"Restoring {source} into {name}")
        try:
            report = backup.restore(source, progress=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("Restored. Run ./run manage migrate if the backup is from an older version.")
        )
        if not report.audit_ok:
            raise CommandError(f"The restored audit log does not verify: {report.audit_message}")
