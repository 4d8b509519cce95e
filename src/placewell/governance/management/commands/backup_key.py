"""``./run manage backup_key``: print a new random key for PLACEWELL_BACKUP_KEY (governance.backup_crypto)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from placewell.governance.backup_crypto import generate_key


class Command(BaseCommand):
    help = "Print a new backup key (32 random bytes, URL-safe base64) to put in PLACEWELL_BACKUP_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())
