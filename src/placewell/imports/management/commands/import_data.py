"""Import a file from the command line, with the same checks and the same all-or-nothing import as the web
pages (``placewell.imports.runner``), and a progress bar.

    ./run manage import_data referrals referrals.csv --service 3 --dry-run
    ./run manage import_data contacts contacts.xlsx --service 3 --user mo
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from placewell.accounts.models import Role, Service, User
from placewell.accounts.policy import Perm, has_perm
from placewell.imports import runner, storage
from placewell.imports.models import ImportJob, Kind, problem_text
from placewell.imports.readers import FileProblem, sniff

LISTED = 50


class Command(BaseCommand):
    help = "Check a CSV or Excel file of records and import it into a service, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=Kind.values, help="What the file holds")
        parser.add_argument("file", help="A CSV (UTF-8) or .xlsx file with the template's columns")
        parser.add_argument("--service", type=int, required=True, help="The id of the service to import into")
        parser.add_argument(
            "--user", help="The user name of the service manager doing the import (for the audit log)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        service = Service.objects.filter(pk=options["service"]).first()
        if service is None:
            raise CommandError(f"There is no service with id {options['service']}")
        by = self._user(options.get("user"), service)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        if path.stat().st_size > storage.max_bytes():
            raise CommandError(
                f"{path.name} is {storage.describe_size(path.stat().st_size)}: the most that can be imported at once "
                f"is {storage.describe_size(storage.max_bytes())} (PLACEWELL_IMPORT_MAX_BYTES)"
            )
        job = ImportJob(service=service, kind=options["kind"], file_name=path.name[:255], created_by=by)
        try:
            with path.open("rb") as fh:
                storage.save(job, iter(lambda: fh.read(1024 * 1024), b""))
            sniff(path, job.file_name)
        except (storage.TooBig, FileProblem) as exc:
            storage.discard(job)
            raise CommandError(str(exc)) from None
        job.save()
        try:
            self._check(job)
            if options["dry_run"]:
                self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
                return
            self._import(job)
        finally:
            storage.discard(job)

    def _user(self, username: str | None, service: Service) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called {username}")
        if (
            not has_perm(user, Perm.IMPORT_DATA)
            or user.role != Role.SERVICE_MANAGER
            or user.service_id != service.pk
        ):
            raise CommandError(
                f"{username} is not a service manager of {service.name}, so cannot import into it"
            )
        return user

    def _check(self, job: ImportJob) -> None:
        with tqdm(desc="Checking", unit=" rows", disable=None, file=self.stderr) as bar:
            runner.check(job, progress=lambda _phase, done, _total: bar.update(done - bar.n))
        self._summary(job, "would be")
        if job.state != ImportJob.State.CHECKED:
            for problem in [*job.column_problems, *job.problems][:LISTED]:
                self.stdout.write(f"  {problem_text(problem)}")
            if job.problem_count > LISTED:
                self.stdout.write(f"  ... and {job.problem_count - LISTED:,} more")
            raise CommandError(
                "The file has problems, so nothing was imported. Correct them and run the command again."
            )

    def _import(self, job: ImportJob) -> None:
        with tqdm(
            desc="Importing", total=job.total_rows, unit=" rows", disable=None, file=self.stderr
        ) as bar:
            runner.run(job, progress=lambda _phase, done, _total: bar.update(done - bar.n))
        if job.state != ImportJob.State.DONE:
            for problem in job.problems[:LISTED]:
                self.stdout.write(f"  {problem_text(problem)}")
            raise CommandError(job.failure)
        self._summary(job, "were")
        self.stdout.write(self.style.SUCCESS(f"Imported {job.total_rows:,} rows (import {job.pk})."))

    def _summary(self, job: ImportJob, verb: str) -> None:
        c = job.counts
        self.stdout.write(
            f"{job.total_rows:,} rows read: {c.get('created', 0):,} {verb} created, {c.get('updated', 0):,} "
            f"{verb} updated, {c.get('unchanged', 0):,} {verb} unchanged, {c.get('problem_rows', 0):,} with problems"
        )
