"""Run a whole evaluation plan: impacts by group and outcome, weights, subgroups, CACE and economics.

The order follows DWP research report no. 1025, *Health-led Employment Trials Evaluation: 12-month outcomes
evidence synthesis* (August 2022): impacts for each of the five groups and primary outcomes (Table 2.1),
survey outcomes weighted for non-response (section 6.2.2), subgroup variation (section 4), then costs and
returns with Monte Carlo sensitivity (Table 2.2, section 2.1). ``progress`` is called once per step so that a
command line can show a bar without this module knowing about terminals.

Two additions to the report's method: the Monte Carlo draws carry the estimated correlation between the
valued impacts (:mod:`placewell.engine.evaluation.joint`), and an impact whose arms are small for their
outcome's skew is checked by randomisation inference within the strata
(:mod:`placewell.engine.evaluation.small_sample`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.evaluation._design import prepare_covariates
from placewell.engine.evaluation._inference import holm
from placewell.engine.evaluation._ols import one_blas_thread
from placewell.engine.evaluation.cace import CaceEstimate, estimate_cace
from placewell.engine.evaluation.config import EvaluationConfig, GroupSpec, OutcomeSpec
from placewell.engine.evaluation.economics import (
    GroupInputs,
    Impact,
    Parameters,
    RatioDistribution,
    Returns,
    draw_impacts,
    load_parameters,
    monte_carlo,
    one_way_sensitivity,
    point_returns,
)
from placewell.engine.evaluation.errors import (
    CollinearityError,
    ConfigError,
    MissingColumnError,
    NoVarianceError,
    TooFewObservationsError,
)
from placewell.engine.evaluation.impact import ImpactEstimate, estimate_itt
from placewell.engine.evaluation.joint import joint_impacts
from placewell.engine.evaluation.randomisation_inference import RandomisationResult, randomisation_inference
from placewell.engine.evaluation.small_sample import CellFlag, small_sample_flags
from placewell.engine.evaluation.subgroups import SubgroupAnalysis, estimate_subgroup
from placewell.engine.evaluation.weights import NonresponseWeights, nonresponse_weights

WEIGHT_COLUMN = "_nonresponse_weight"

NOT_ESTIMABLE = (CollinearityError, NoVarianceError, TooFewObservationsError)
"""Errors that mean "these data cannot identify this estimate": noted, and the run goes on."""


@dataclass
class GroupEconomics:
    """Point returns, Monte Carlo distributions and one-way sensitivity for one group."""

    returns: Returns
    distributions: dict[str, RatioDistribution]
    sensitivity: pd.DataFrame
    correlations: tuple[tuple[str, str, float], ...] = ()
    """Correlations between the impact estimates that the draws carried (empty: drawn independently)."""
    impact_draws: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    """The Monte Carlo draws of each impact by economic role (the same draws the ratios were made from)."""


@dataclass
class SmallSampleCheck:
    """An impact whose arms are small for their outcome's skew, and its randomisation-inference result.

    ``result`` is on the impact's scale (percentage points for a 0/1 outcome), so it sits beside the
    standard-error interval unchanged.
    """

    flags: list[CellFlag]
    result: RandomisationResult
    weighted: bool
    """Whether the impact itself was weighted for non-response (the re-randomisation is not)."""


@dataclass
class EvaluationResults:
    """Everything a report needs."""

    config: EvaluationConfig
    impacts: dict[str, dict[str, ImpactEstimate]] = field(default_factory=dict)
    weights: dict[str, NonresponseWeights] = field(default_factory=dict)
    subgroups: dict[str, list[SubgroupAnalysis]] = field(default_factory=dict)
    cace: dict[str, dict[str, CaceEstimate]] = field(default_factory=dict)
    economics: dict[str, GroupEconomics] = field(default_factory=dict)
    small_sample: dict[str, dict[str, SmallSampleCheck]] = field(default_factory=dict)
    """Impacts the small-sample guard flagged, by group and outcome column."""
    parameters: Parameters = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Plain-English notes on terms dropped or estimates not made, for the report."""
    provenance: dict[str, Any] = field(default_factory=dict)
    """What is needed to reproduce the run: plan and data hashes, package versions, random seed."""


def count_steps(config: EvaluationConfig) -> int:
    """How many times ``run_evaluation`` will call ``progress``."""
    per_group = len(config.outcomes) + 1 + (1 if config.receipt else 0) + len(config.subgroup_outcomes)
    return len(config.groups) * per_group


def _group_frame(data: pd.DataFrame, config: EvaluationConfig, group: GroupSpec) -> pd.DataFrame:
    if not config.group_column or not group.members:
        return data
    frame = data.loc[data[config.group_column].isin(group.members)]
    if frame.empty:
        found = ", ".join(repr(v) for v in data[config.group_column].dropna().unique()[:8])
        raise ConfigError(
            f"{config.source}: group {group.name!r}: no rows have {config.group_column} equal to "
            f"{', '.join(repr(m) for m in group.members)}; the column holds {found}. Make members match "
            "those values exactly (text in quotes, numbers without)"
        )
    return frame


class _Weighting:
    """Non-response weights for one group, fitted once and reused by every survey outcome."""

    def __init__(self, frame: pd.DataFrame, config: EvaluationConfig) -> None:
        self.frame = frame
        self.config = config
        self.result: NonresponseWeights | None = None
        self.weighted: pd.DataFrame | None = None

    def for_outcome(self, outcome: OutcomeSpec) -> tuple[pd.DataFrame, str | None]:
        config = self.config
        if not (outcome.survey and config.response):
            return self.frame, None
        if self.weighted is None:
            covs = list(config.response_covariates)
            if config.group_column and self.frame[config.group_column].nunique() > 1:
                covs.append(config.group_column)
            self.result = nonresponse_weights(
                self.frame, config.response, config.treatment, covs, trim_ratio=config.trim_ratio
            )
            self.weighted = self.frame.assign(**{WEIGHT_COLUMN: self.result.weights})
        return self.weighted, WEIGHT_COLUMN


def _dropped_note(where: str, dropped: tuple[str, ...]) -> str:
    terms = ", ".join(dropped)
    return (
        f"{where}: {terms} could not be separated from the other terms in the model (constant in these "
        "rows, or a combination of other terms), so it was left out; the impact is estimated without it."
    )


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


def _role_correlations(
    weighting: _Weighting,
    impacts: dict[str, ImpactEstimate],
    config: EvaluationConfig,
    notes: list[str],
    group: str,
) -> tuple[tuple[str, str, float], ...]:
    """Correlations between the valued impacts' estimates, from their joint sampling distribution.

    The impacts come from the same people, so their estimates are correlated; :func:`joint_impacts`
    stacks the outcome regressions (each survey outcome with its non-response weights, as in its own
    impact) and gives their covariance. Its ``se`` is HC2 unless the plan asks for HC0; with clusters
    the correlation is still estimated person by person (the standard errors drawn are the plan's).
    """
    specs = [o for o in config.outcomes if o.role and o.column in impacts]
    if config.independent_draws or len(specs) < 2:
        return ()
    weighted = [weighting.for_outcome(o) for o in specs]
    frame = next((f for f, w in weighted if w is not None), weighting.frame)
    try:
        joint = joint_impacts(
            frame, [o.column for o in specs], config.treatment, config.covariates,
            {o.column: w for o, (_, w) in zip(specs, weighted, strict=True)}, list(config.strata),
            se="HC0" if config.se == "HC0" else "HC2", categorical=config.categorical,
            binary={o.column: impacts[o.column].unit == "ppt" for o in specs},
        )  # fmt: skip
        correlations = joint.role_correlations({o.role: o.column for o in specs})
        if all(np.isfinite(rho) and -1.0 <= rho <= 1.0 for _, _, rho in correlations):
            return correlations
        reason = "an outcome's estimate has no variance"
    except NOT_ESTIMABLE as exc:
        reason = str(exc)
    notes.append(
        f"{group}, economics: the impacts were drawn independently in the Monte Carlo, because the "
        f"correlation between their estimates could not be estimated ({reason})."
    )
    return ()


def _small_sample_check(
    frame: pd.DataFrame, outcome: OutcomeSpec, est: ImpactEstimate, config: EvaluationConfig, wcol: str | None
) -> SmallSampleCheck | None:
    """Randomisation inference for an impact whose whole-trial arms fail Cochran's rule (see
    :mod:`placewell.engine.evaluation.small_sample`), re-randomising within the plan's strata.

    The whole-trial arms are checked first (cheap); the strata cells are listed only for a flagged impact.
    """
    if not small_sample_flags(frame, outcome.column, config.treatment):
        return None
    strata = list(config.strata)
    flags = small_sample_flags(frame, outcome.column, config.treatment, strata) if strata else []
    flags = flags or small_sample_flags(frame, outcome.column, config.treatment)
    ri = randomisation_inference(
        frame, outcome.column, config.treatment, config.covariates, strata,
        permutations=config.ri_permutations, seed=config.seed, categorical=config.categorical,
    )  # fmt: skip
    if est.unit == "ppt":
        ri = replace(ri, estimate=100 * ri.estimate, ci_low=100 * ri.ci_low, ci_high=100 * ri.ci_high)
    return SmallSampleCheck(flags=flags, result=ri, weighted=wcol is not None)


def _columns_used(data: pd.DataFrame, config: EvaluationConfig) -> pd.DataFrame:
    """Only the columns the plan uses, text grouping columns as categories: every later row selection
    then copies a few numeric arrays instead of every text column in the file."""
    wanted = [
        config.group_column, config.treatment, *(o.column for o in config.outcomes), *config.covariates,
        *config.strata, config.cluster, config.response, *config.response_covariates, *config.subgroups,
        config.receipt,
    ]  # fmt: skip
    present = list(dict.fromkeys(c for c in wanted if c and c in data.columns))
    frame = data[present]
    frame.attrs = {}  # pandas deep-copies attrs on every column access; a run needs none of them
    text = [c for c in (config.group_column, *config.strata, *config.subgroups) if c in present]
    converted = {
        c: frame[c].astype("category")
        for c in dict.fromkeys(text)
        if not (pd.api.types.is_numeric_dtype(frame[c]) or isinstance(frame[c].dtype, pd.CategoricalDtype))
    }
    return frame.assign(**converted) if converted else frame


def provenance(data: pd.DataFrame, config: EvaluationConfig) -> dict[str, Any]:
    """Hashes of the plan and of the data analysed, package versions and the random seed.

    The data hash covers the columns the plan uses, their values and row labels (pandas' own row
    hashing, then SHA-256), so two runs on the same rows give the same hash whatever else the file holds.
    """
    plan = json.dumps(dataclasses.asdict(config), sort_keys=True, default=str)
    rows = pd.util.hash_pandas_object(data, index=True).to_numpy()
    digest = hashlib.sha256(rows.tobytes())
    digest.update(json.dumps([str(c) for c in data.columns]).encode())
    versions = {}
    for package in ("placewell", "numpy", "scipy", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "plan_source": config.source or "plan given in code",
        "plan_sha256": hashlib.sha256(plan.encode()).hexdigest(),
        "data_sha256": digest.hexdigest(),
        "rows": len(data),
        "python": platform.python_version(),
        "packages": versions,
        "random_seed": config.seed,
        "monte_carlo_draws": config.draws,
        "randomisation_permutations": config.ri_permutations,
    }


def run_evaluation(
    data: pd.DataFrame,
    config: EvaluationConfig,
    progress: Callable[[str], None] | None = None,
) -> EvaluationResults:
    """Run the plan in ``config`` on ``data`` (one row per randomised person).

    BLAS runs on one thread for the whole run (see :func:`placewell.engine.evaluation._ols.one_blas_thread`).
    """
    with one_blas_thread():
        return _run(data, config, progress)


def _run(
    data: pd.DataFrame,
    config: EvaluationConfig,
    progress: Callable[[str], None] | None,
) -> EvaluationResults:
    tick = progress or (lambda _label: None)
    if config.group_column and config.group_column not in data.columns:
        raise MissingColumnError(f"group column {config.group_column!r} not found in the data")
    used = _columns_used(data, config)
    data = prepare_covariates(used, config.covariates, config.categorical)
    params = load_parameters(config.parameters)
    results = EvaluationResults(config=config, parameters=params, provenance=provenance(data, config))
    notes = results.notes
    common: dict[str, Any] = {"se": config.se, "cluster": config.cluster}
    strata = list(config.strata)
    cats: dict[str, Any] = {"categorical": config.categorical}
    for group in config.groups:
        frame = _group_frame(data, config, group)
        weighting = _Weighting(frame, config)
        results.impacts[group.name] = {}
        for outcome in config.outcomes:
            tick(f"{group.name}: {outcome.label}")
            weighted, wcol = weighting.for_outcome(outcome)
            try:
                est = estimate_itt(
                    weighted, outcome.column, config.treatment, config.covariates, wcol, strata,
                    **common, **cats,
                )  # fmt: skip
            except NOT_ESTIMABLE as exc:
                notes.append(f"{group.name}, {outcome.label}: no impact could be estimated ({exc}).")
                continue
            if est.dropped:
                notes.append(_dropped_note(f"{group.name}, {outcome.label}", est.dropped))
            results.impacts[group.name][outcome.column] = est
            try:
                check = _small_sample_check(weighted, outcome, est, config, wcol)
            except NOT_ESTIMABLE as exc:
                notes.append(f"{group.name}, {outcome.label}: randomisation inference not made ({exc}).")
                check = None
            if check is not None:
                results.small_sample.setdefault(group.name, {})[outcome.column] = check
        if weighting.result is not None:
            results.weights[group.name] = weighting.result
        for column in config.subgroup_outcomes:
            tick(f"{group.name}: subgroups for {column}")
            spec = next(o for o in config.outcomes if o.column == column)
            weighted, wcol = weighting.for_outcome(spec)
            analyses = []
            for variable in config.subgroups:
                try:
                    analysis = estimate_subgroup(
                        weighted, column, config.treatment, variable, config.covariates, wcol, strata,
                        **common, **cats,
                    )  # fmt: skip
                except NOT_ESTIMABLE as exc:
                    notes.append(f"{group.name}, {spec.label} by {variable}: not estimated ({exc}).")
                    continue
                notes.extend(f"{group.name}, {spec.label} by {variable}: {n}" for n in analysis.notes)
                analyses.append(analysis)
            adjusted = holm([a.p_interaction for a in analyses])
            results.subgroups.setdefault(group.name, []).extend(
                replace(a, p_holm=p) for a, p in zip(analyses, adjusted, strict=True)
            )
        if config.receipt:
            tick(f"{group.name}: complier effects")
            cace_se = "cluster" if config.cluster else "HC1"
            results.cace[group.name] = {}
            for outcome in config.outcomes:
                weighted, wcol = weighting.for_outcome(outcome)
                try:
                    results.cace[group.name][outcome.column] = estimate_cace(
                        weighted, outcome.column, config.treatment, config.receipt, config.covariates,
                        wcol, strata, cace_se, config.cluster, **cats,
                    )  # fmt: skip
                except NOT_ESTIMABLE as exc:
                    notes.append(f"{group.name}, {outcome.label}: no complier effect estimated ({exc}).")
        tick(f"{group.name}: economics")
        inputs = _economic_inputs(group, results.impacts[group.name], config, params)
        if inputs is not None:
            correlations = _role_correlations(
                weighting, results.impacts[group.name], config, notes, group.name
            )
            inputs = replace(inputs, correlations=correlations)
            kw = {"include_wellbeing": config.include_wellbeing}
            mc = {"draws": config.draws, "seed": config.seed, "independent": not correlations}
            results.economics[group.name] = GroupEconomics(
                returns=point_returns(inputs, params, **kw),
                distributions=monte_carlo(inputs, params, **mc, **kw),  # type: ignore[arg-type]
                sensitivity=one_way_sensitivity(inputs, params, **kw),
                correlations=correlations,
                # monte_carlo draws the impacts first from a generator seeded the same way
                impact_draws=draw_impacts(
                    inputs, config.draws, np.random.default_rng(config.seed), independent=not correlations
                ),
            )
    return results
