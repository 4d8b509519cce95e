"""Write the anonymised archive export (k-anonymous, no identifiers, no free text) into a directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.accounts.models import Service
from placewell.governance import archive, services


class Command(BaseCommand):
    help = "Make the anonymised archive export for a data archive (CSV, data dictionary and read-me)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="Directory to write into (created if missing)")
        parser.add_argument("--service", type=int, action="append", help="Service id (repeat; default all)")
        parser.add_argument(
            "--k", type=int, default=archive.K, help=f"Smallest group size (default {archive.K})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["k"] < 2:
            raise CommandError("k must be 2 or more (5 is the usual threshold)")
        ids = options["service"]
        if ids and Service.objects.filter(pk__in=ids).count() != len(set(ids)):
            raise CommandError(f"No service with id {', '.join(map(str, ids))}")
        result = archive.build_archive(ids, k=options["k"], progress=self.stdout.write)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for name, body in archive.archive_files(result).items():
            (out / name).write_bytes(body)
            self.stdout.write(f"Wrote {out / name}")
        services.record_export(
            by=None,
            what="anonymised archive export",
            rows=result.rows,
            changes={
                "k": result.result.k,
                "suppressed": result.result.suppressed,
                "levels": result.result.levels,
                "services": ids or "all",
            },
            actor_label="Command line: archive_export",
        )
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(f"{result.rows:,} rows written"))
