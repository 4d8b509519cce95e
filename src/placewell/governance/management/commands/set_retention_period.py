"""Set how many years a service keeps personal data after support ends (default 3)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from placewell.accounts.models import Service
from placewell.governance import services


class Command(BaseCommand):
    help = "Set a service's retention period in years after support ends."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("service", type=int, help="Service id")
        parser.add_argument(
            "years", type=int, help="Years to keep personal data after support ends (1 to 50)"
        )
        parser.add_argument("--reason", default="", help="Why, such as the agreement's wording")

    def handle(self, *args: Any, **options: Any) -> None:
        service = Service.objects.filter(pk=options["service"]).first()
        if service is None:
            raise CommandError(f"No service with id {options['service']}")
        try:
            policy = services.set_retention_period(
                by=None,
                service=service,
                years=options["years"],
                reason=options["reason"],
                actor_label="Command line: set_retention_period",
            )
        except services.GovernanceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(str(policy)))
