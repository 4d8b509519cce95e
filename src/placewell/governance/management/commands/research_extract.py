"""Write the pseudonymised research extract, its data dictionary and a read-me into a directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.accounts.models import Service
from placewell.governance import extract, pseudonyms, services


class Command(BaseCommand):
    help = (
        "Make the pseudonymised research extract (CSV and/or Parquet, with its data dictionary). "
        f"Needs the research key in {pseudonyms.KEY_ENV} or {pseudonyms.KEY_FILE_ENV}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="Directory to write into (created if missing)")
        parser.add_argument("--format", choices=[*extract.FORMATS, "both"], default="both")
        parser.add_argument("--service", type=int, action="append", help="Service id (repeat; default all)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = pseudonyms.load_research_key()
        except pseudonyms.PseudonymKeyError as exc:
            raise CommandError(str(exc)) from None
        ids = options["service"]
        if ids and Service.objects.filter(pk__in=ids).count() != len(set(ids)):
            raise CommandError(f"No service with id {', '.join(map(str, ids))}: see ./run manage shell")
        formats = list(extract.FORMATS) if options["format"] == "both" else [options["format"]]
        result = extract.build_extract(ids, key, progress=self.stdout.write)
        written = extract.write_files(result, Path(options["out"]), formats)
        services.record_export(
            by=None,
            what="research extract",
            rows=result.rows,
            changes={
                "columns": len(result.columns),
                "services": ids or "all",
                "formats": formats,
                "key_fingerprint": result.key_fingerprint,
            },
            actor_label="Command line: research_extract",
        )
        for path in written:
            self.stdout.write(f"Wrote {path}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(f"{result.rows:,} participants; key fingerprint {result.key_fingerprint}")
        )
