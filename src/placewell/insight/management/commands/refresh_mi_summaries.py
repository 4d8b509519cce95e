"""Work out the stored MI summaries again now, as the schedule does (``insight.summaries.refresh``).

manage.py refresh_mi_summaries               every service, and every view looked at lately
manage.py refresh_mi_summaries --service 3   one service only
manage.py refresh_mi_summaries --rebuild     delete every stored summary first, then work them out again
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.accounts.models import Service
from placewell.insight import summaries


class Command(BaseCommand):
    help = "Work out the stored MI dashboard and MI evidence figures again now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--service", type=int, help="Only this service (its number).")
        parser.add_argument(
            "--rebuild", action="store_true", help="Delete the stored summaries first and start again."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        service = None
        if options["service"] is not None:
            service = Service.objects.filter(pk=options["service"]).first()
            if service is None:
                raise CommandError(f"There is no service number {options['service']}.")
        count, seconds = summaries.refresh(service=service, rebuild=options["rebuild"])
        self.stdout.write(f"Worked out {count} MI summaries in {seconds:.1f} seconds.")
