"""Load the demo: organisations, services, teams, staff in every role and a few hundred participants.

Running it again changes nothing: the demo is recognised by its commissioner's name.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from placewell.web import demo


class Command(BaseCommand):
    help = "Load the Placewell demo data (safe to run again: nothing is duplicated)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--participants", type=int, default=demo.DEFAULT_PARTICIPANTS, help="how many participants"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed, for the same demo every time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo.load(
            n_participants=options["participants"], seed=options["seed"], progress=self.stdout.write
        )
        self.stdout.write("Demo data loaded." if created else "Demo data already present: nothing added.")
        self.stdout.write("")
        # The address ./run demo serves on: PLACEWELL_ADDR, as `./run serve` reads it.
        site = f"http://{os.environ.get('PLACEWELL_ADDR') or '127.0.0.1:8000'}"
        self.stdout.write(f"Sign in at {site}/accounts/login/ with password: {demo.DEMO_PASSWORD}")
        listed = demo.logins()
        for username, role, where in listed:
            self.stdout.write(f"  {username:<10} {role:<24} {where}")
        for username, role, where in demo.other_logins({u for u, _, _ in listed}):
            self.stdout.write(f"  {username:<10} {role:<24} {where}")
        self.stdout.write(f"The public self-referral form is at {site}/refer/")
