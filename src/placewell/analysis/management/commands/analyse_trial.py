"""Run a trial's analysis plan from the command line, with a progress bar, and write the report and dataset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from placewell.analysis import report, runner, services
from placewell.analysis.downloads import run_files
from placewell.analysis.models import AnalysisPlan, RunStatus
from placewell.trials.models import Trial

ACTOR = "Command line: analyse_trial"


class Command(BaseCommand):
    help = (
        "Run a trial's analysis plan (the latest locked version unless --plan-version is given) and write "
        "report.html, report.pdf, results.json and the dataset it used into --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registration", help="The trial's registration number, e.g. ISRCTN12345678")
        parser.add_argument("--plan-version", type=int, help="Plan version (default: the latest locked one)")
        parser.add_argument("--out", default=".", help="Directory to write into (created if missing)")
        parser.add_argument("--no-pdf", action="store_true", help="Skip the PDF report")

    def handle(self, *args: Any, **options: Any) -> None:
        trial = Trial.objects.filter(registration_number=options["registration"].strip().upper()).first()
        if trial is None:
            raise CommandError(f"No trial is registered as {options['registration']}")
        plans = AnalysisPlan.objects.filter(trial=trial)
        if options["plan_version"] is not None:
            plan = plans.filter(version=options["plan_version"]).first()
        else:
            plan = plans.filter(locked_at__isnull=False).order_by("-version").first() or plans.first()
        if plan is None:
            raise CommandError(
                f"{trial.registration_number} has no analysis plan{' of that version' if options['plan_version'] else ''}: write one on the trial's analysis page"
            )
        if not plan.is_locked:
            self.stdout.write(
                self.style.WARNING(f"Plan version {plan.version} is not locked; the report will say so.")
            )
        try:
            run = services.start_run(by=None, trial=trial, plan=plan)
        except services.AnalysisError as exc:
            raise CommandError(str(exc)) from None
        with tqdm(total=1, unit="step", desc=f"Analysing {trial.registration_number}") as bar:

            def tick(done: int, total: int, message: str) -> None:
                bar.total = total
                bar.n = done
                if message:
                    bar.set_postfix_str(message[:60])
                bar.refresh()

            run = runner.execute(run, tick=tick)
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"The analysis did not finish: {run.error}")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        written = {
            "report.html": report.document(run).encode(),
            "results.json": json.dumps(run.results, indent=2, default=str).encode(),
        }
        if not options["no_pdf"]:
            written["report.pdf"] = report.pdf(run)
        named, rows = run_files(run, by=None)
        written.update(named)
        for name, body in written.items():
            (out / name).write_bytes(body)
            self.stdout.write(f"Wrote {out / name}")
        services.record_release(
            by=None, trial=trial, rows=rows, sha256=run.dataset_sha256, formats=["csv", "parquet"],
            key_fingerprint=run.key_fingerprint, run=run, actor_label=ACTOR,
        )  # fmt: skip
        self.stdout.write(
            self.style.SUCCESS(
                f"Run {run.pk}: {rows:,} rows, plan version {plan.version} ({run.plan_sha256[:12]})"
            )
        )
