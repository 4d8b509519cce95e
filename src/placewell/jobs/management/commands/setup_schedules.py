"""Create or update Placewell's schedules (idempotent): run by ``./run worker`` before the worker starts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placewell.jobs.schedules import ScheduleError, ensure_schedules


class Command(BaseCommand):
    help = "Create or update the schedules (survey invitations, alert sweep, retention review, audit check, backups)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed = ensure_schedules()
        except ScheduleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Schedules up to date ({len(changed)} created or changed)")
