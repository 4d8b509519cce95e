"""``./run manage reapply_erasures``: erase again everyone in the erasure ledger (governance.ledger).

``./run restore`` does this itself; run it by hand after ``./run manage migrate`` when a restore of a backup
from an older version stopped before it could.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from placewell.governance import ledger


class Command(BaseCommand):
    help = "Erase again every record the erasure ledger names that is not erased (after a restore)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = ledger.reapply(ledger.from_file())
        ids = ", ".join(map(str, result.erased_ids)) or "none"
        self.stdout.write(
            f"Erased {len(result.erased_ids):,} records again (ids: {ids}); the ledger holds {result.entries:,} "
            f"erasures, {result.restored_entries:,} put back in the database's copy."
        )
