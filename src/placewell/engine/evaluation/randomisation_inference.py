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
search then cost ``O(R)`` each. Assignments are drawn by selection sampling (Knuth's Algorithm S), all
cells and a chunk of re-randomisations at a time, and reduced to those two sums as they are drawn, so the
``R x n`` assignment matrix is never held whole.

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
"""Re-randomisations times cells per chunk (bounds the working arrays at a few tens of MB)."""


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


@dataclass(frozen=True)
class _Layout:
    """Cells largest first: their sizes, numbers treated and members (padded with -1)."""

    sizes: NDArray[np.intp]
    treated: NDArray[np.intp]
    members: NDArray[np.intp]


def _layout(codes: NDArray[np.intp], treated: NDArray[np.bool_]) -> _Layout:
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    cells = [order[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    cells.sort(key=len, reverse=True)
    sizes = np.array([len(c) for c in cells], dtype=np.intp)
    members = np.full((len(cells), int(sizes[0])), -1, dtype=np.intp)
    for i, cell in enumerate(cells):
        members[i, : len(cell)] = cell
    return _Layout(sizes, np.array([int(treated[c].sum()) for c in cells], dtype=np.intp), members)


def _selection_sampling(
    layout: _Layout,
    rows: int,
    rng: np.random.Generator,
    z: NDArray[np.float64],
    assignments: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """``rows`` uniformly random re-randomisations, returned as ``D @ z`` (``rows x z.shape[1]``).

    Knuth's selection sampling (*The Art of Computer Programming*, volume 2, section 3.4.2, Algorithm
    S) picks each cell's treated set exactly uniformly: walking through a cell, the next member is treated
    with probability (treated still to place) / (members left). All cells and all ``rows`` advance
    together, so there is one vectorised step per position in the largest cell and no sort. When
    ``assignments`` is given the 0/1 rows are written into it as well (for checking the draws).
    """
    need = np.tile(layout.treated.astype(float), (rows, 1))
    out = np.zeros((rows, z.shape[1]))
    for k in range(int(layout.sizes[0])):
        active = int(np.count_nonzero(layout.sizes > k))
        left = (layout.sizes[:active] - k).astype(float)
        chosen = (rng.random((rows, active)) * left < need[:, :active]).astype(float)
        need[:, :active] -= chosen
        units = layout.members[:active, k]
        out += chosen @ z[units]
        if assignments is not None:
            assignments[:, units] = chosen
    return out


def _chunks(count: int, n_cells: int) -> Iterator[int]:
    size = max(1, _CHUNK_CELLS // max(n_cells, 1))
    done = 0
    while done < count:
        m = min(size, count - done)
        yield m
        done += m


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
    each a uniformly random re-randomisation within the cells of ``codes``; ``count`` rows in all.

    The draws are those :func:`permutation_distribution` uses (same algorithm, same random stream).
    """
    layout = _layout(codes, treated)
    dummy = np.zeros((len(codes), 1))
    for m in _chunks(count, len(layout.sizes)):
        block = np.zeros((m, len(codes)))
        _selection_sampling(layout, m, rng, dummy, block)
        yield block


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
    layout = _layout(codes, treated)
    ab = np.concatenate(
        [_selection_sampling(layout, m, rng, resid) for m in _chunks(permutations, len(layout.sizes))]
    )
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
    categorical: Sequence[str] = (),
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
        categorical=categorical,
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
