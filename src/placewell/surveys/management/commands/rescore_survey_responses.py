"""Recompute stored scores made under an older scoring version (run after upgrading Placewell)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from placewell.surveys import services


class Command(BaseCommand):
    help = "Rescore survey responses whose scoring version is out of date, recording each change."

    def handle(self, *args: Any, **options: Any) -> None:
        changes = services.rescore_responses()
        self.stdout.write(f"Rescored {len(changes)} response{'s' if len(changes) != 1 else ''}")
