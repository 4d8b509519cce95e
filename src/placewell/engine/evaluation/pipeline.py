"""Run a whole evaluation plan: impacts by group and outcome, weights, subgroups, CACE and economics.

The order follows DWP research report 1025: impacts for each of the five groups and primary outcomes (Table 2.1), survey
outcomes weighted for non-response (section 6.2.2), subgroup variation (section 4), then costs and
returns with Monte Carlo sensitivity (Table 2.2, section 2.1). ``progress`` is called once per step
so that a command line can show a bar without this module knowing about terminals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from placewell.engine.evaluation.cace import CaceEstimate, estimate_cace
from placewell.engine.evaluation.config import EvaluationConfig, GroupSpec, OutcomeSpec
from placewell.engine.evaluation.economics import (
    GroupInputs,
    Impact,
    Parameters,
    RatioDistribution,
    Returns,
    load_parameters,
    monte_carlo,
    one_way_sensitivity,
    point_returns,
)
from placewell.engine.evaluation.errors import ConfigError, MissingColumnError
from placewell.engine.evaluation.impact import ImpactEstimate, estimate_itt
from placewell.engine.evaluation.subgroups import SubgroupAnalysis, estimate_subgroups
from placewell.engine.evaluation.weights import NonresponseWeights, nonresponse_weights

WEIGHT_COLUMN = "_nonresponse_weight"


@dataclass
class GroupEconomics:
    """Point returns, Monte Carlo distributions and one-way sensitivity for one group."""

    returns: Returns
    distributions: dict[str, RatioDistribution]
    sensitivity: pd.DataFrame


@dataclass
class EvaluationResults:
    """Everything a report needs."""

    config: EvaluationConfig
    impacts: dict[str, dict[str, ImpactEstimate]] = field(default_factory=dict)
    weights: dict[str, NonresponseWeights] = field(default_factory=dict)
    subgroups: dict[str, list[SubgroupAnalysis]] = field(default_factory=dict)
    cace: dict[str, dict[str, CaceEstimate]] = field(default_factory=dict)
    economics: dict[str, GroupEconomics] = field(default_factory=dict)
    parameters: Parameters = field(default_factory=dict)


def count_steps(config: EvaluationConfig) -> int:
    """How many times ``run_evaluation`` will call ``progress``."""
    per_group = len(config.outcomes) + 1 + (1 if config.receipt else 0) + len(config.subgroup_outcomes)
    return len(config.groups) * per_group


def _group_frame(data: pd.DataFrame, config: EvaluationConfig, group: GroupSpec) -> pd.DataFrame:
    frame = data.loc[data[config.group_column].isin(group.members)]
    if frame.empty:
        raise ConfigError(
            f"group {group.name!r}: no rows with {config.group_column} in {list(group.members)}"
        )
    return frame


def _weights_for(
    frame: pd.DataFrame, config: EvaluationConfig, outcome: OutcomeSpec
) -> tuple[pd.DataFrame, str | None, NonresponseWeights | None]:
    if not (outcome.survey and config.response):
        return frame, None, None
    covs = list(config.response_covariates)
    if frame[config.group_column].nunique() > 1:
        covs.append(config.group_column)
    nr = nonresponse_weights(frame, config.response, config.treatment, covs, trim_ratio=config.trim_ratio)
    return frame.assign(**{WEIGHT_COLUMN: nr.weights}), WEIGHT_COLUMN, nr


def _economic_inputs(
    group: GroupSpec, impacts: dict[str, ImpactEstimate], config: EvaluationConfig, params: Parameters
) -> GroupInputs | None:
    key = f"cost_per_treated_recruit.{group.cost_key}"
    if not group.cost_key or key not in params:
        return None
    roles: dict[str, Impact] = {}
    for outcome in config.outcomes:
        if outcome.role and outcome.column in impacts:
            est = impacts[outcome.column]
            roles[outcome.role] = Impact(est.effect, est.se, est.df_resid)
    return GroupInputs(group=group.name, cost=params[key].value, **roles)  # type: ignore[arg-type]


def run_evaluation(
    data: pd.DataFrame,
    config: EvaluationConfig,
    progress: Callable[[str], None] | None = None,
) -> EvaluationResults:
    """Run the plan in ``config`` on ``data`` (one row per randomised person)."""
    tick = progress or (lambda _label: None)
    if config.group_column not in data.columns:
        raise MissingColumnError(f"group column {config.group_column!r} not found in the data")
    params = load_parameters(config.parameters)
    results = EvaluationResults(config=config, parameters=params)
    common: dict[str, Any] = {"se": config.se, "cluster": config.cluster}
    for group in config.groups:
        frame = _group_frame(data, config, group)
        strata = list(config.strata) if frame[config.group_column].nunique() > 1 else []
        results.impacts[group.name] = {}
        for outcome in config.outcomes:
            tick(f"{group.name}: {outcome.label}")
            weighted, wcol, nr = _weights_for(frame, config, outcome)
            if nr is not None:
                results.weights[group.name] = nr
            results.impacts[group.name][outcome.column] = estimate_itt(
                weighted, outcome.column, config.treatment, config.covariates, wcol, strata, **common
            )
        for column in config.subgroup_outcomes:
            tick(f"{group.name}: subgroups for {column}")
            spec = next(o for o in config.outcomes if o.column == column)
            weighted, wcol, _ = _weights_for(frame, config, spec)
            results.subgroups.setdefault(group.name, []).extend(
                estimate_subgroups(
                    weighted,
                    column,
                    config.treatment,
                    config.subgroups,
                    config.covariates,
                    wcol,
                    strata,
                    **common,
                )
            )
        if config.receipt:
            tick(f"{group.name}: complier effects")
            cace_se = "cluster" if config.cluster else "HC1"
            results.cace[group.name] = {}
            for outcome in config.outcomes:
                weighted, wcol, _ = _weights_for(frame, config, outcome)
                results.cace[group.name][outcome.column] = estimate_cace(
                    weighted, outcome.column, config.treatment, config.receipt, config.covariates, wcol,
                    strata, cace_se, config.cluster,
                )  # fmt: skip
        tick(f"{group.name}: economics")
        inputs = _economic_inputs(group, results.impacts[group.name], config, params)
        if inputs is not None:
            kw = {"include_wellbeing": config.include_wellbeing}
            results.economics[group.name] = GroupEconomics(
                returns=point_returns(inputs, params, **kw),
                distributions=monte_carlo(inputs, params, draws=config.draws, seed=config.seed, **kw),
                sensitivity=one_way_sensitivity(inputs, params, **kw),
            )
    return results
