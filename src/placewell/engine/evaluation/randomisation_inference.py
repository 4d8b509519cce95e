"""Randomisation inference: permutation p-values and intervals that respect the trial's design.

Why: a t interval rests on the estimate being near-normal, which fails for small arms and skewed
outcomes (many zero earnings). Randomisation inference (Fisher 1935; Imbens and Rubin 2015, *Causal
Inference for Statistics, Social, and Biomedical Sciences*, chapter 5) needs no such approximation: under
the sharp null that assignment changed every outcome by exactly ``tau0``, the outcomes without treatment
are known, and re-running the randomisation shows how extreme the observed statistic is. Inverting the
test over ``tau0`` gives an interval (Rosenbaum 2002, *Observational Studies*, section 2.6).

The re-randomisation copies the design: assignments are permuted **within** each cell of the crossing of
``strata`` and ``blocks`` (for example stratum x allocation period x permuted block), so every re-drawn
assignment keeps the number treated in each cell. That reproduces a permuted-block design with an
allocation ratio that changed by stratum or over time (the Health-led Trials' tool, DWP research report
no. 1025, *Health-led Employment Trials Evaluation: 12-month outcomes evidence synthesis*, section 1.7).

The statistic is ``T(d) = d' M_Z z / (t' M_Z t)``, where ``M_Z`` residualises on the intercept,
covariates and cell fixed effects and ``z = y - tau0 t``: for the observed assignment ``t`` this is the
regression estimate of the effect (Frisch-Waugh-Lovell); for cells alone it is the regression estimate for
every re-drawn assignment too, and with covariates it is the covariate-residualised statistic
(Rosenbaum 2002, section 2.7). Because ``T`` is linear in ``tau0``, one matrix product of the permuted
assignments with the two columns ``M_Z y`` and ``M_Z t`` serves every ``tau0``; p-values and the interval
search then cost ``O(R)`` each. Assignments are drawn in chunks of rows (bounded memory), each cell shuffled
for all rows of a chunk at once by ``numpy.random.Generator.permuted``.

p-values are two-sided, counting ties as extreme; with random permutations the observed assignment is
counted once more, ``(1 + #extreme) / (1 + R)`` (Phipson and Smyth 2010, *Permutation p-values should
never be zero*); with ``exact=True`` every assignment the design allows is enumerated.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from placewell.engine.evaluation import _inference
from placewell.engine.evaluation._design import (
    as_list,
    build_design,
    factor_codes,
    select_rows,
    treatment_indicator,
)
from placewell.engine.evaluation.errors import InvalidValueError

PERMUTATIONS = 10_000
"""Default number of re-randomisations (Monte Carlo error of a p-value near 0.05 about 0.002)."""

EXACT_LIMIT = 200_000
"""Most assignments ``exact=True`` will enumerate."""

_CHUNK_CELLS = 4_000_000
"""Elements per chunk of permuted assignments (32 MB of float64)."""

_MANY_CELLS = 64
"""Above this many cells, shuffle by sorting random keys (one vectorised call) instead of cell by cell."""


@dataclass(frozen=True)
class RandomisationResult:
    """A randomisation-inference p-value (of no effect) and interval for the treatment effect."""

    outcome: str
    estimate: float
    p_value: float
    ci_low: float
    ci_high: float
    level: float
    permutations: int
    exact: bool
    cells: int

    def as_dict(self) -> dict[str, object]:
        """A flat record for tables and JSON."""
        return {
            "outcome": self.outcome,
            "estimate": self.estimate,
            "ri_p_value": self.p_value,
            "ri_ci_low": self.ci_low,
            "ri_ci_high": self.ci_high,
            "ri_level": self.level,
            "ri_permutations": self.permutations,
            "ri_exact": self.exact,
            "ri_cells": self.cells,
        }


def _cell_layout(codes: NDArray[np.intp]) -> tuple[NDArray[np.intp], list[slice]]:
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes))])
    return order, [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]


def count_assignments(codes: NDArray[np.intp], treated: NDArray[np.bool_]) -> int:
    """How many assignments keep the number treated in every cell (the size of the design)."""
    total = 1
    for code in np.unique(codes):
        in_cell = codes == code
        total *= math.comb(int(in_cell.sum()), int(treated[in_cell].sum()))
    return total


def permuted_assignments(
    codes: NDArray[np.intp],
    treated: NDArray[np.bool_],
    count: int,
    rng: np.random.Generator,
) -> Iterator[NDArray[np.float64]]:
    """Yield chunks (rows = assignments, columns = units in their original order) of 0/1 assignments,
    each a uniformly random re-randomisation within the cells of ``codes``; ``count`` rows in all."""
    n = len(codes)
    order, slices = _cell_layout(codes)
    pattern = treated[order].astype(float)
    chunk = max(1, _CHUNK_CELLS // max(n, 1))
    sorted_codes = codes[order].astype(float)
    done = 0
    while done < count:
        m = min(chunk, count - done)
        if len(slices) <= _MANY_CELLS:
            block = np.tile(pattern, (m, 1))
            for sl in slices:
                view = block[:, sl]
                rng.permuted(view, axis=1, out=view)
        else:
            # Random keys offset by the cell code sort each row cell by cell in a random order within
            # the cell; placing the fixed pattern at those positions shuffles every cell at once.
            keys = rng.random((m, n)) + sorted_codes
            positions = np.argsort(keys, axis=1)
            block = np.empty((m, n))
            np.put_along_axis(block, positions, np.broadcast_to(pattern, (m, n)), axis=1)
        out = np.empty((m, n))
        out[:, order] = block
        yield out
        done += m


def all_assignments(codes: NDArray[np.intp], treated: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Every assignment that keeps the number treated in each cell, one per row."""
    total = count_assignments(codes, treated)
    if total > EXACT_LIMIT:
        raise InvalidValueError(
            f"the design allows {total:,} assignments, more than the {EXACT_LIMIT:,} that can be "
            "enumerated; use random permutations (exact=False)"
        )
    cells = [np.flatnonzero(codes == code) for code in np.unique(codes)]
    choices = [list(itertools.combinations(idx, int(treated[idx].sum()))) for idx in cells]
    out = np.zeros((total, len(codes)))
    for row, combo in enumerate(itertools.product(*choices)):
        for members in combo:
            out[row, list(members)] = 1.0
    return out


@dataclass(frozen=True)
class PermutationDistribution:
    """``a_r = d_r' M_Z y`` and ``b_r = d_r' M_Z t`` for every re-drawn assignment, and the observed ones."""

    a: NDArray[np.float64]
    b: NDArray[np.float64]
    a_obs: float
    b_obs: float
    exact: bool

    @property
    def estimate(self) -> float:
        """The regression estimate of the effect (observed statistic at ``tau0 = 0``)."""
        return self.a_obs / self.b_obs

    def p_value(self, tau0: float = 0.0) -> float:
        """Two-sided p-value of the sharp null that every effect equals ``tau0``."""
        observed = abs(self.a_obs - tau0 * self.b_obs)
        stats = np.abs(self.a - tau0 * self.b)
        tol = 1e-9 * (abs(self.a_obs) + abs(tau0 * self.b_obs) + 1e-300)
        extreme = int(np.count_nonzero(stats >= observed - tol))
        if self.exact:
            return extreme / len(self.a)
        return (1 + extreme) / (1 + len(self.a))

    def interval(self, level: float = 95) -> tuple[float, float]:
        """All ``tau0`` not rejected at ``1 - level``: the ends found by bracketing then bisection."""
        alpha = 1 - _inference.level_fraction(level)
        centre = self.estimate
        spread = float(np.std(self.a)) / abs(self.b_obs) or abs(centre) or 1.0
        return (self._end(centre, -spread, alpha), self._end(centre, spread, alpha))

    def _end(self, centre: float, step: float, alpha: float) -> float:
        inside, outside = centre, centre + step
        for _ in range(60):
            if self.p_value(outside) <= alpha:
                break
            inside, outside = outside, outside + 2 * (outside - centre)
        else:
            return math.copysign(math.inf, step)
        for _ in range(100):
            mid = 0.5 * (inside + outside)
            if self.p_value(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) <= 1e-12 * (abs(centre) + abs(step)):
                break
        return inside


def permutation_distribution(
    y: NDArray[np.float64],
    treated: NDArray[np.bool_],
    Z: NDArray[np.float64],
    codes: NDArray[np.intp],
    *,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
    exact: bool = False,
) -> PermutationDistribution:
    """The permutation distribution for outcome ``y``, assignment ``treated`` and nuisance design ``Z``
    (intercept, covariates and cell fixed effects) with re-randomisation within ``codes``."""
    coef, *_ = np.linalg.lstsq(Z, np.column_stack([y, treated.astype(float)]), rcond=None)
    resid = np.column_stack([y, treated.astype(float)]) - Z @ coef
    t = treated.astype(float)
    a_obs, b_obs = (float(v) for v in t @ resid)
    if exact:
        P = all_assignments(codes, treated)
        ab = P @ resid
        return PermutationDistribution(ab[:, 0], ab[:, 1], a_obs, b_obs, exact=True)
    rng = np.random.default_rng(seed)
    parts = [chunk @ resid for chunk in permuted_assignments(codes, treated, permutations, rng)]
    ab = np.concatenate(parts)
    return PermutationDistribution(ab[:, 0], ab[:, 1], a_obs, b_obs, exact=False)


def randomisation_inference(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    strata: str | Sequence[str] | None = None,
    blocks: str | Sequence[str] | None = None,
    *,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
    level: float = 95,
    exact: bool = False,
) -> RandomisationResult:
    """Randomisation-inference p-value and interval for the effect of ``treatment`` on ``outcome``.

    ``strata`` and ``blocks`` name the columns the randomisation was done within (crossed; allocation
    period belongs here when the ratio changed over time); their cells also enter as fixed effects.
    Rows missing the outcome are left out, as in :func:`estimate_itt`. The same ``seed`` gives the same
    answer. Effects of 0/1 outcomes are on the 0-1 scale (multiply by 100 for percentage points).
    """
    if permutations < 99 and not exact:
        raise InvalidValueError(f"{permutations} permutations are too few; use at least 99 (10,000 is usual)")
    cell_cols = [*as_list(strata), *as_list(blocks)]
    frame, _ = select_rows(data, outcome, [treatment, *cell_cols], None)
    treated = treatment_indicator(frame, treatment)
    design = build_design(
        frame,
        outcome,
        treated,
        [(treatment, treated.astype(float))],
        list(covariates),
        weights=None,
        strata=cell_cols,
        cluster=None,
        n_missing_outcome=0,
    )
    Z = np.delete(design.X, 1, axis=1)
    codes = factor_codes(frame, cell_cols) if cell_cols else np.zeros(len(frame), dtype=np.intp)
    dist = permutation_distribution(
        design.y, treated, Z, codes, permutations=permutations, seed=seed, exact=exact
    )
    low, high = dist.interval(level)
    return RandomisationResult(
        outcome=outcome,
        estimate=dist.estimate,
        p_value=dist.p_value(0.0),
        ci_low=low,
        ci_high=high,
        level=_inference.level_fraction(level) * 100,
        permutations=len(dist.a),
        exact=exact,
        cells=int(codes.max()) + 1,
    )
