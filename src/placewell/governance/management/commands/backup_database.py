"""``./run backup [FILE]``: a consistent copy of the whole database (see governance.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.governance import backup


class Command(BaseCommand):
    help = "Back up the database to FILE (default: var/backups/placewell-<date>-<time>.sqlite3.enc or .pgdump.enc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Where to write the backup; it must not exist yet")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"]) if options["file"] else None
        self.stdout.write(f"Backing up the {backup.engine().rsplit('.', 1)[-1]} database")
        try:
            path = backup.backup(target, progress=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({path.stat().st_size:,} bytes)"))
        self.stdout.write(
            "It is encrypted with PLACEWELL_BACKUP_KEY and readable by its owner only. It holds personal "
            "data: keep the key apart from it, and delete it on the retention schedule."
        )
