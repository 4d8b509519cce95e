"""Load the full-size demo trial (9,785 recruits at the Health-led Trials' arm sizes), with a progress bar.

Running it again adds nothing; it writes the administrative outcomes file if that is missing and the
research key is set.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from placewell.trials import demo_fullsize


class Command(BaseCommand):
    help = (
        "Load the full-size demo trial: the Health-led Trials' 9,785 recruits as records (safe to run again)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="times the published arm sizes (1.0)")
        parser.add_argument("--seed", type=int, default=demo_fullsize.SEED, help="simulator seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0")
        with tqdm(total=demo_fullsize.STAGES, unit="stage", file=self.stderr) as bar:

            def progress(message: str) -> None:
                bar.write(message, file=self.stdout)
                bar.update(1)

            demo_fullsize.load_fullsize_trial(scale=options["scale"], seed=options["seed"], progress=progress)
