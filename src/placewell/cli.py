"""The ``placewell`` command line: evaluate a trial and simulate one, without the web app.

Each subcommand is a function registered in ``COMMANDS`` with its argument set-up, so adding one is a
matter of writing two small functions. Nothing here imports Django.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from placewell.engine.evaluation import EvaluationError, load_config, run_evaluation, write_report
from placewell.engine.evaluation.config import EvaluationConfig, OutcomeSpec, parse_config
from placewell.engine.evaluation.pipeline import count_steps
from placewell.engine.simulate import SimulationConfig, simulate_trial

DELIMITERS = ",;\t|"
"""Separators a trial file may use: comma, semicolon (common where the decimal mark is a comma), tab, bar."""


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (any common delimiter, detected) or Parquet file, rows labelled by their position.

    CSV rows are labelled by their line number in the file (the header is line 1), Parquet rows from 1,
    so every message about a row points at the line to correct.
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise EvaluationError(f"{path}: no such file; check the path")
    if suffix == ".parquet":
        data = pd.read_parquet(path)
        data.index = pd.RangeIndex(1, len(data) + 1)
        return data
    if suffix not in (".csv", ".tsv"):
        raise EvaluationError(f"{path}: expected a .csv or .parquet file")
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(65_536)
    if not sample.strip():
        raise EvaluationError(
            f"{path}: the file is empty; it needs a header line naming the columns and then one line per "
            "randomised person"
        )
    header = sample.splitlines()[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","
    # Blank lines are kept as rows so that row labels stay equal to line numbers; blank lines at the end
    # of the file are then dropped.
    data = pd.read_csv(path, sep=delimiter, encoding="utf-8-sig", skip_blank_lines=False)
    filled = data.notna().any(axis=1).to_numpy()
    if filled.any() and not filled[-1]:
        data = data.iloc[: int(filled.nonzero()[0][-1]) + 1]
    if data.empty:
        raise EvaluationError(
            f"{path}: the file has a header line but no data; add one line per randomised person"
        )
    data.index = pd.RangeIndex(2, len(data) + 2)
    return data


def _split(values: Sequence[str] | None) -> tuple[str, ...]:
    """Column names from repeatable, comma-separated flags: ``--covariates age,gender --covariates x``."""
    return tuple(name.strip() for value in values or () for name in value.split(",") if name.strip())


def _plan(args: argparse.Namespace) -> EvaluationConfig:
    """The plan file (or the Health-led Trials plan) with any column flags applied over it."""
    flags = {
        "treatment": args.treatment,
        "outcomes": _split(args.outcome),
        "covariates": _split(args.covariates),
        "strata": _split(args.strata),
        "cluster": args.cluster,
        "categorical": _split(args.categorical),
    }
    if args.config is None and (args.treatment or flags["outcomes"]):
        if not (args.treatment and flags["outcomes"]):
            raise EvaluationError(
                "without --config, name both the arm column (--treatment) and at least one --outcome"
            )
        config = parse_config(
            {
                "treatment": args.treatment,
                "outcomes": [{"column": c} for c in flags["outcomes"]],
                "name": args.name,
            },
            source="command line",
        )
    else:
        config = load_config(args.config)
    changes: dict[str, object] = {}
    if args.treatment:
        changes["treatment"] = args.treatment
    if flags["outcomes"] and args.config is not None:
        changes["outcomes"] = tuple(OutcomeSpec(c, c) for c in flags["outcomes"])
    for key in ("covariates", "strata", "categorical"):
        if flags[key]:
            changes[key] = flags[key]
    if args.cluster:
        changes.update(cluster=args.cluster, se="cluster" if args.se is None else args.se)
    elif args.se:
        changes["se"] = args.se
    return dataclasses.replace(config, **changes) if changes else config  # type: ignore[arg-type]


def _check_columns(data: pd.DataFrame, config: EvaluationConfig, path: Path) -> None:
    """Every column the plan names must be in the file; say which flag or plan entry named it."""
    named = [
        (config.treatment, "the arm column (treatment)"),
        *((o.column, "an outcome") for o in config.outcomes),
        *((c, "a covariate") for c in config.covariates),
        *((c, "a stratum column") for c in config.strata),
        *(((config.cluster, "the cluster column"),) if config.cluster else ()),
        *(((config.group_column, "the group column"),) if config.group_column else ()),
    ]
    for column, role in named:
        if column not in data.columns:
            shown = ", ".join(str(c) for c in data.columns[:20])
            raise EvaluationError(
                f"{path}: column {column!r}, named as {role}, is not in the file. Its columns are "
                f"{shown}{' ...' if len(data.columns) > 20 else ''}. Check the spelling and capitals, or "
                "the delimiter if the list above looks like one long name"
            )


def recode_arms(
    data: pd.DataFrame, column: str, treated: str | None, control: str | None, path: Path
) -> pd.DataFrame:
    """Map the arm labels (``--treated-value T --control-value C``) to 1 and 0, refusing anything else."""
    if treated is None and control is None:
        values = pd.to_numeric(data[column], errors="coerce")
        if values.isin((0, 1)).all():
            return data
        found = ", ".join(repr(v) for v in data[column].dropna().astype(str).unique()[:6])
        raise EvaluationError(
            f"{path}: the arm column {column!r} holds {found} rather than 1 (treatment) and 0 (control). "
            "Say which label is which, for example --treated-value T --control-value C"
        )
    if treated is None or control is None:
        raise EvaluationError("give both --treated-value and --control-value, or neither")
    labels = data[column].astype("string").str.strip()
    coded = labels.map({treated: 1, control: 0})
    bad = coded.isna().to_numpy()
    if bad.any():
        row = data.index[int(bad.nonzero()[0][0])]
        value = data[column].iloc[int(bad.nonzero()[0][0])]
        shown = "a blank" if pd.isna(value) else repr(value)
        raise EvaluationError(
            f"{path}: the arm column {column!r} holds {shown} in row {row} ({int(bad.sum()):,} rows in "
            f"all), which is neither --treated-value {treated!r} nor --control-value {control!r}. Correct "
            "those rows, or remove people who were not randomised"
        )
    return data.assign(**{column: coded.astype(int).to_numpy()})


def _evaluate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data",
        type=Path,
        help="trial data, one row per randomised person (.csv of any delimiter, or .parquet)",
    )
    parser.add_argument(
        "--config", type=Path, help="evaluation plan (TOML); default: the Health-led Trials plan"
    )
    parser.add_argument("--out", type=Path, required=True, help="directory for report.html and results.json")
    parser.add_argument("--title", default="Trial evaluation", help="report title")
    columns = parser.add_argument_group("columns (instead of, or over, a plan file)")
    columns.add_argument("--treatment", help="the arm column: 1/0, or labels with --treated-value")
    columns.add_argument("--outcome", action="append", help="an outcome column (repeat for several)")
    columns.add_argument("--covariates", action="append", help="baseline columns, comma-separated")
    columns.add_argument("--strata", action="append", help="strata columns, comma-separated (fixed effects)")
    columns.add_argument("--categorical", action="append", help="covariates whose numbers are category codes")
    columns.add_argument("--cluster", help="cluster column (for example specialist); cluster-robust errors")
    columns.add_argument(
        "--se", choices=["HC0", "HC1", "HC2", "HC3", "cluster", "CR1", "CR2"], help="standard errors"
    )
    columns.add_argument("--treated-value", help="the label of the treatment arm in the arm column, e.g. T")
    columns.add_argument("--control-value", help="the label of the control arm in the arm column, e.g. C")
    columns.add_argument("--name", default="All participants", help="name of the single group without a plan")


def evaluate(args: argparse.Namespace) -> int:
    """Run the evaluation plan and write the HTML report and JSON results."""
    config = _plan(args)
    data = read_table(args.data)
    _check_columns(data, config, args.data)
    data = recode_arms(data, config.treatment, args.treated_value, args.control_value, args.data)
    rows = "line numbers in the file" if args.data.suffix.lower() != ".parquet" else "counted from 1"
    try:
        with tqdm(total=count_steps(config), desc="Evaluating", unit="step", disable=args.quiet) as bar:

            def tick(label: str) -> None:
                bar.set_postfix_str(label, refresh=False)
                bar.update()

            results = run_evaluation(data, config, progress=tick)
    except EvaluationError as exc:
        raise EvaluationError(f"{args.data}: {exc} (rows are {rows})") from exc
    paths = write_report(results, args.out, title=args.title)
    print(f"Report written to {paths['html']} and {paths['json']}")
    for note in results.notes:
        print(f"Note: {note}")
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
        from placewell.ui.exports import escape_frame

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
