"""Delete uploaded files nobody will import (see ``placewell.imports.storage.purge_abandoned``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from placewell.imports import storage


class Command(BaseCommand):
    help = (
        "Delete import uploads that are finished with, or were checked but not imported within "
        "PLACEWELL_IMPORT_KEEP_HOURS (24 by default): they hold personal data."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = storage.purge_abandoned()
        self.stdout.write(
            f"Deleted {counts['expired']} uploads not imported in time, {counts['finished']} left by finished "
            f"imports and {counts['orphaned']} that belonged to no import."
        )
