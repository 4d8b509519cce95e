"""The evaluation plan as a TOML file: groups, outcomes, covariates, weights, subgroups, economics.

Why a file: a trial's statistical analysis plan is fixed before the data are seen (DWP research report 1025, section
6.2.3 refers to the trial protocols and statistical analysis plan), so the plan lives in a reviewed file
rather than in ad hoc code. ``hlt_evaluation.toml`` beside this module is the Health-led Trials plan:
five groups (SCR IW, SCR OOW, All SCR, WMCA, All OOW) and four primary outcomes (Table 2.1).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from placewell.engine.evaluation.errors import ConfigError

ROLES = ("employment", "earnings", "health", "life_satisfaction", "")


@dataclass(frozen=True)
class GroupSpec:
    """A trial group or pooled group: the values of ``group_column`` it covers."""

    name: str
    members: tuple[str, ...]
    cost_key: str = ""


@dataclass(frozen=True)
class OutcomeSpec:
    """An outcome column, how it is reported (natural units or sd) and its economic role."""

    column: str
    label: str
    report: str = "natural"
    survey: bool = False
    role: str = ""


@dataclass(frozen=True)
class EvaluationConfig:
    """Everything ``run_evaluation`` needs to know."""

    treatment: str
    group_column: str
    groups: tuple[GroupSpec, ...]
    outcomes: tuple[OutcomeSpec, ...]
    covariates: tuple[str, ...] = ()
    strata: tuple[str, ...] = ()
    se: str = "HC2"
    cluster: str | None = None
    response: str | None = None
    response_covariates: tuple[str, ...] = ()
    trim_ratio: float = 5.0
    subgroups: tuple[str, ...] = ()
    subgroup_outcomes: tuple[str, ...] = ()
    receipt: str | None = None
    parameters: str | None = None
    draws: int = 10_000
    seed: int = 20190101
    include_wellbeing: bool = False


def _tuple(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name} must be a list of column names")
    return tuple(value)


def parse_config(doc: Mapping[str, Any], base_dir: Path | None = None) -> EvaluationConfig:
    """Validate a parsed TOML document and build the configuration."""
    for key in ("treatment", "group_column", "groups", "outcomes"):
        if key not in doc:
            raise ConfigError(f"evaluation config lacks {key!r}")
    try:
        groups = tuple(
            GroupSpec(name=g["name"], members=_tuple(g["members"], "members"), cost_key=g.get("cost_key", ""))
            for g in doc["groups"]
        )
        outcomes = tuple(
            OutcomeSpec(
                column=o["column"],
                label=o.get("label", o["column"]),
                report=o.get("report", "natural"),
                survey=bool(o.get("survey", False)),
                role=o.get("role", ""),
            )
            for o in doc["outcomes"]
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"groups need name and members; outcomes need column ({exc})") from exc
    for o in outcomes:
        if o.report not in ("natural", "sd"):
            raise ConfigError(f"outcome {o.column!r}: report must be 'natural' or 'sd'")
        if o.role not in ROLES:
            raise ConfigError(f"outcome {o.column!r}: role must be one of {', '.join(r for r in ROLES if r)}")
    nonresponse = doc.get("nonresponse", {})
    subgroups = doc.get("subgroups", {})
    economics = doc.get("economics", {})
    parameters = economics.get("parameters")
    if parameters and base_dir is not None and not Path(parameters).is_absolute():
        parameters = str(base_dir / parameters)
    return EvaluationConfig(
        treatment=doc["treatment"],
        group_column=doc["group_column"],
        groups=groups,
        outcomes=outcomes,
        covariates=_tuple(doc.get("covariates"), "covariates"),
        strata=_tuple(doc.get("strata"), "strata"),
        se=doc.get("se", "HC2"),
        cluster=doc.get("cluster") or None,
        response=nonresponse.get("response"),
        response_covariates=_tuple(nonresponse.get("covariates"), "nonresponse.covariates"),
        trim_ratio=float(nonresponse.get("trim_ratio", 5.0)),
        subgroups=_tuple(subgroups.get("variables"), "subgroups.variables"),
        subgroup_outcomes=_tuple(subgroups.get("outcomes"), "subgroups.outcomes"),
        receipt=doc.get("cace", {}).get("receipt"),
        parameters=parameters,
        draws=int(economics.get("draws", 10_000)),
        seed=int(economics.get("seed", 20190101)),
        include_wellbeing=bool(economics.get("include_wellbeing", False)),
    )


def load_config(path: str | Path | None = None) -> EvaluationConfig:
    """Read an evaluation plan; without a path, the shipped Health-led Trials plan."""
    if path is None:
        text = (
            resources.files("placewell.engine.evaluation").joinpath("hlt_evaluation.toml").read_text("utf-8")
        )
        return parse_config(tomllib.loads(text))
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"evaluation config {path} not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return parse_config(doc, base_dir=path.parent)
