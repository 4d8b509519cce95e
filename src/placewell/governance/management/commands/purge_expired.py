"""Report, then remove, the personal data of records past their service's retention period.

A dry run by default: it lists what would be anonymised and changes nothing. ``--apply`` does it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.governance import services

LISTED = 50


class Command(BaseCommand):
    help = "Anonymise records past retention (dry run unless --apply). Make the archive export first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Anonymise them (otherwise only report)")
        parser.add_argument("--service", type=int, action="append", help="Service id (repeat; default all)")
        parser.add_argument("--as-of", help="Review as of this date (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError:
            raise CommandError("--as-of must be a date like 2030-04-01") from None
        result = services.purge_expired(
            by=None,
            apply=options["apply"],
            today=today,
            service_ids=options["service"],
            actor_label="Command line: purge_expired",
            progress=self.stdout.write,
        )
        review = result.review
        due_by_service = review.due_by_service()
        self.stdout.write(f"Retention review as of {review.today.isoformat()}")
        for sid, name in review.service_names.items():
            self.stdout.write(
                f"  {name}: keep {review.years_by_service[sid]} years after support ends; "
                f"{due_by_service.get(sid, 0)} records past retention"
            )
        if review.held_by_open_trials:
            self.stdout.write(
                f"  {review.held_by_open_trials} closed records kept while their trial recruits"
            )
        for r in review.due[:LISTED]:
            self.stdout.write(f"  {r.reference}: support ended {r.support_ended_on}, due {r.due_on}")
        if len(review.due) > LISTED:
            self.stdout.write(f"  ... and {len(review.due) - LISTED} more")
        if not options["apply"]:
            self.stdout.write(
                self.style.WARNING(
                    f"Dry run: nothing changed. {len(review.due)} records would be anonymised. Make the archive "
                    "export (./run manage archive_export) first, then run again with --apply."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Anonymised {len(result.anonymised)} records; {len(result.skipped)} skipped")
        )
