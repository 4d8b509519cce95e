"""Write the API's OpenAPI schema to ``src/placewell/api/openapi.json`` (or check that it is current)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placewell.api.schema import SCHEMA_FILE, render


class Command(BaseCommand):
    help = "Generate the OpenAPI schema from the endpoint registry and write it beside the api app."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the checked-in file is out of date")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        fresh = render()
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if check:
            if current != fresh:
                raise CommandError("openapi.json is out of date: run ./run manage api_schema")
            self.stdout.write("openapi.json is up to date")
            return
        SCHEMA_FILE.write_text(fresh, encoding="utf-8")
        self.stdout.write(f"Wrote {SCHEMA_FILE}")
