"""Load an instrument's licensed wording from a JSON file taken from the organisation's licensed copy.

The file::

    {"instrument": "swemwbs", "licence_reference": "REG-1234", "title": "...", "stem": "...",
     "items": {"item1": {"wording": "...", "options": ["...", "..."]}, ...}}

``options`` is optional for each item (lowest answer first); every item needs its wording. Nothing is loaded
unless the whole file is valid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.surveys import services
from placewell.surveys.errors import SurveyError


class Command(BaseCommand):
    help = "Load an instrument's licensed wording from a JSON file (see the module docstring for the format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Could not read {path}: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
            raise CommandError(f"{path} must hold an object with 'instrument', 'stem' and 'items'")
        try:
            wording = services.load_licensed_wording(
                by=None,
                instrument_id=str(data.get("instrument", "")),
                title=str(data.get("title", "")),
                stem=str(data.get("stem", "")),
                items=data["items"],
                licence_reference=str(data.get("licence_reference", "")),
            )
        except SurveyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loaded {wording.title} licensed wording, version {wording.version}")
