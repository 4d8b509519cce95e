"""The ``placewell`` command line: evaluate a trial and simulate one, without the web app.

Each subcommand is a function registered in ``COMMANDS`` with its argument set-up, so adding one is a
matter of writing two small functions. Nothing here imports Django.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from placewell.engine.evaluation import EvaluationError, load_config, run_evaluation, write_report
from placewell.engine.evaluation.pipeline import count_steps
from placewell.engine.simulate import SimulationConfig, simulate_trial


def read_table(path: Path) -> pd.DataFrame:
    """Read CSV or Parquet by file extension."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".csv":
        return pd.read_csv(path)
    raise EvaluationError(f"{path}: expected a .csv or .parquet file")


def _evaluate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data", type=Path, help="trial data, one row per randomised person (.csv or .parquet)"
    )
    parser.add_argument(
        "--config", type=Path, help="evaluation plan (TOML); default: the Health-led Trials plan"
    )
    parser.add_argument("--out", type=Path, required=True, help="directory for report.html and results.json")
    parser.add_argument("--title", default="Trial evaluation", help="report title")


def evaluate(args: argparse.Namespace) -> int:
    """Run the evaluation plan and write the HTML report and JSON results."""
    config = load_config(args.config)
    data = read_table(args.data)
    with tqdm(total=count_steps(config), desc="Evaluating", unit="step", disable=args.quiet) as bar:

        def tick(label: str) -> None:
            bar.set_postfix_str(label, refresh=False)
            bar.update()

        results = run_evaluation(data, config, progress=tick)
    paths = write_report(results, args.out, title=args.title)
    print(f"Report written to {paths['html']} and {paths['json']}")
    return 0


def _simulate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="simulation settings (TOML with a [simulation] table)")
    parser.add_argument("--out", type=Path, required=True, help="output file (.parquet or .csv)")
    parser.add_argument("--seed", type=int, help="random seed (overrides the config)")
    parser.add_argument(
        "--scale", type=float, help="multiple of the published arm sizes (overrides the config)"
    )


def simulate(args: argparse.Namespace) -> int:
    """Write a simulated Health-led Trial and, beside it, its true effects as JSON."""
    settings: dict[str, object] = {}
    if args.config is not None:
        settings = dict(tomllib.loads(args.config.read_text("utf-8")).get("simulation", {}))
    if args.seed is not None:
        settings["seed"] = args.seed
    if args.scale is not None:
        settings["scale"] = args.scale
    config = SimulationConfig.from_mapping(settings)
    with tqdm(total=1, desc="Simulating", unit="trial", disable=args.quiet) as bar:
        trial = simulate_trial(config)
        bar.update()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix.lower() == ".csv":
        from placewell.web.exports import escape_frame

        escape_frame(trial.data).to_csv(args.out, index=False)
    else:
        trial.data.to_parquet(args.out, index=False)
    truth_path = args.out.with_suffix(".truth.json")
    truth_path.write_text(
        json.dumps({"truth": trial.truth, "costs": trial.costs}, indent=2), encoding="utf-8"
    )
    print(f"{len(trial.data):,} rows written to {args.out}; true effects in {truth_path}")
    return 0


COMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {
    "evaluate": ("estimate impacts and returns and write a report", _evaluate_args, evaluate),
    "simulate": ("write a simulated Health-led Trial", _simulate_args, simulate),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per entry in ``COMMANDS``."""
    parser = argparse.ArgumentParser(prog="placewell", description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, add_args, handler) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        add_args(command)
        command.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``placewell`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (EvaluationError, ValueError, FileNotFoundError) as exc:
        print(f"placewell {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
