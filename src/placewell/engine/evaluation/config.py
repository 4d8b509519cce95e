"""The evaluation plan as a TOML file: groups, outcomes, covariates, weights, subgroups, economics.

Why a file: a trial's statistical analysis plan is fixed before the data are seen (DWP research report no.
1025, *Health-led Employment Trials Evaluation: 12-month outcomes evidence synthesis* (August 2022), section
6.2.3 refers to the trial protocols and statistical analysis plan), so the plan lives in a reviewed file
rather than in ad hoc code. ``hlt_evaluation.toml`` beside this module is the Health-led Trials plan: five
groups (SCR IW, SCR OOW, All SCR, WMCA, All OOW) and four primary outcomes (Table 2.1).
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
    members: tuple[Any, ...]
    cost_key: str = ""


@dataclass(frozen=True)
class OutcomeSpec:
    """An outcome column, how it is reported (natural units or sd) and its economic role."""

    column: str
    label: str
    report: str = "natural"
    survey: bool = False
    role: str = ""
    unit: str = ""


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
    independent_draws: bool = False
    """Draw each impact on its own in the Monte Carlo (as the report describes) rather than jointly."""
    ri_permutations: int = 2_000
    """Re-randomisations for the small-sample guard's randomisation inference."""
    categorical: tuple[str, ...] = ()
    source: str = ""
    """Where the plan came from (a file path, or "command line"), for messages and the report."""


CURRENCIES = ("£", "€", "$")


def _tuple(value: Any, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{where}: {name} must be a list of column names in quotes, for example "
            f'{name} = ["age", "gender"]; found {value!r}'
        )
    return tuple(value)


def _members(value: Any, name: str, where: str) -> tuple[Any, ...]:
    """Values of the group column that make up a group: text or whole numbers, as in the data."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in items):
        raise ConfigError(
            f"{where}: group {name!r}: members must list the values of the group column that belong to "
            f'the group, for example members = ["SCR IW"] or members = [1, 2]; found {value!r}'
        )
    return tuple(items)


def parse_config(
    doc: Mapping[str, Any], base_dir: Path | None = None, source: str = "evaluation plan"
) -> EvaluationConfig:
    """Validate a parsed TOML document and build the configuration."""
    for key in ("treatment", "outcomes"):
        if key not in doc:
            raise ConfigError(f"{source}: the plan lacks {key!r}; add a line such as {key} = ...")
    if bool(doc.get("groups")) != bool(doc.get("group_column")):
        raise ConfigError(
            f"{source}: groups need a group_column naming the column that holds each row's group, and "
            "a group_column needs [[groups]]; for a single trial leave out both"
        )
    try:
        groups = tuple(
            GroupSpec(
                name=str(g["name"]),
                members=_members(g["members"], str(g["name"]), source),
                cost_key=g.get("cost_key", ""),
            )
            for g in doc.get("groups") or []
        ) or (GroupSpec(str(doc.get("name", "All participants")), (), str(doc.get("cost_key", ""))),)
        outcomes = tuple(
            OutcomeSpec(
                column=o["column"],
                label=o.get("label", o["column"]),
                report=o.get("report", "natural"),
                survey=bool(o.get("survey", False)),
                role=o.get("role", ""),
                unit=str(o.get("unit", "")),
            )
            for o in doc["outcomes"]
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(
            f"{source}: each [[groups]] needs name and members, and each [[outcomes]] needs column "
            f"(missing {exc})"
        ) from exc
    for o in outcomes:
        if o.report not in ("natural", "sd"):
            raise ConfigError(f"{source}: outcome {o.column!r}: report must be 'natural' or 'sd'")
        if o.role not in ROLES:
            raise ConfigError(
                f"{source}: outcome {o.column!r}: role must be one of {', '.join(r for r in ROLES if r)}"
            )
    nonresponse = doc.get("nonresponse", {})
    subgroups = doc.get("subgroups", {})
    economics = doc.get("economics", {})
    parameters = economics.get("parameters")
    if parameters and base_dir is not None and not Path(parameters).is_absolute():
        parameters = str(base_dir / parameters)
    return EvaluationConfig(
        treatment=doc["treatment"],
        group_column=doc.get("group_column", ""),
        groups=groups,
        outcomes=outcomes,
        covariates=_tuple(doc.get("covariates"), "covariates", source),
        strata=_tuple(doc.get("strata"), "strata", source),
        se=doc.get("se", "HC2"),
        cluster=doc.get("cluster") or None,
        response=nonresponse.get("response"),
        response_covariates=_tuple(nonresponse.get("covariates"), "nonresponse.covariates", source),
        trim_ratio=float(nonresponse.get("trim_ratio", 5.0)),
        subgroups=_tuple(subgroups.get("variables"), "subgroups.variables", source),
        subgroup_outcomes=_tuple(subgroups.get("outcomes"), "subgroups.outcomes", source),
        receipt=doc.get("cace", {}).get("receipt"),
        parameters=parameters,
        draws=int(economics.get("draws", 10_000)),
        seed=int(economics.get("seed", 20190101)),
        include_wellbeing=bool(economics.get("include_wellbeing", False)),
        independent_draws=bool(economics.get("independent_draws", False)),
        ri_permutations=int(doc.get("small_sample", {}).get("permutations", 2_000)),
        categorical=_tuple(doc.get("categorical"), "categorical", source),
        source=source,
    )


def load_config(path: str | Path | None = None) -> EvaluationConfig:
    """Read an evaluation plan; without a path, the shipped Health-led Trials plan."""
    if path is None:
        text = (
            resources.files("placewell.engine.evaluation").joinpath("hlt_evaluation.toml").read_text("utf-8")
        )
        return parse_config(tomllib.loads(text), source="the Health-led Trials plan")
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"evaluation config {path} not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return parse_config(doc, base_dir=path.parent, source=str(path))
