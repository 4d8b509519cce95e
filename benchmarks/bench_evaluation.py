"""Evaluation benchmarks: estimate_itt with HC2 errors, and 10,000 Monte Carlo draws.

Baselines timed in the same run on the same data: statsmodels ``OLS(...).fit(cov_type="HC2")`` and
pyfixest ``feols(..., vcov="hetero")``; the floor is plain numpy forming ``X'X`` and the leverages.
The estimate must equal statsmodels' to a relative 1e-8. Aims: faster than both baselines,
within 2 times the numpy floor, and 10,000 Monte Carlo draws in under 0.1 s.
"""

from __future__ import annotations

import resource
import tracemalloc

import numpy as np
import pandas as pd

from benchmarks.harness import Result, best_of
from placewell.engine.evaluation import GroupInputs, Impact, estimate_itt, load_parameters, monte_carlo

N_COVARIATES = 20


def make_data(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` rows: a 0/1 treatment, 20 correlated covariates and a heteroskedastic outcome."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, N_COVARIATES))
    X[:, 1:] += 0.3 * X[:, :1]
    t = rng.integers(0, 2, n).astype(float)
    y = 0.2 * t + X @ np.linspace(0.1, 0.5, N_COVARIATES) + rng.standard_normal(n) * (1 + t)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(N_COVARIATES)])
    df["t"] = t
    df["y"] = y
    return df


def numpy_floor(df: pd.DataFrame) -> np.ndarray:
    """X'X and the leverages with plain numpy: the least work any HC2 estimate must do."""
    X = np.column_stack([np.ones(len(df)), df[["t", *[f"x{j}" for j in range(N_COVARIATES)]]].to_numpy()])
    xtx_inv = np.linalg.inv(X.T @ X)
    return np.einsum("ij,ij->i", X @ xtx_inv, X)


def _peak_mib(fn: object) -> float:
    tracemalloc.start()
    fn()  # type: ignore[operator]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def run(quick: bool) -> list[Result]:
    import pyfixest as pf
    import statsmodels.api as sm

    n = 100_000 if quick else 1_000_000
    repeat = 3
    df = make_data(n)
    covs = [f"x{j}" for j in range(N_COVARIATES)]

    ours_s, est = best_of(lambda: estimate_itt(df, "y", "t", covs), repeat)
    X_sm = sm.add_constant(df[["t", *covs]])
    sm_s, ref = best_of(lambda: sm.OLS(df["y"], X_sm).fit(cov_type="HC2"), repeat)
    fml = "y ~ t + " + " + ".join(covs)
    pf_s, pf_fit = best_of(lambda: pf.feols(fml, data=df, vcov="hetero"), repeat)
    floor_s, _ = best_of(lambda: numpy_floor(df), repeat)

    effect_rel = abs(est.effect / ref.params["t"] - 1)  # type: ignore[attr-defined]
    se_rel = abs(est.se / ref.bse["t"] - 1)  # type: ignore[attr-defined]
    assert effect_rel < 1e-8 and se_rel < 1e-8, (effect_rel, se_rel)
    peak = _peak_mib(lambda: estimate_itt(df, "y", "t", covs))
    data_mib = df.memory_usage(deep=True).sum() / 2**20
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pf_se = float(pf_fit.tidy().loc["t", "Std. Error"])  # type: ignore[attr-defined]

    figures = {
        "rows": f"{n:,} x {N_COVARIATES} covariates",
        "vs stats": f"statsmodels HC2 {sm_s:.3f} s ({sm_s / ours_s:.1f}x slower); rel diff effect {effect_rel:.1e}, se {se_rel:.1e}",
        "vs pyfix": f"pyfixest hetero {pf_s:.3f} s ({pf_s / ours_s:.1f}x slower); its 'hetero' se is HC1: {pf_se:.6f} against our HC2 {est.se:.6f}",
        "floor": f"numpy X'X + leverages {floor_s:.3f} s; estimate_itt is {ours_s / floor_s:.2f}x the floor",
        "memory": f"peak traced {peak:.0f} MiB for estimate_itt (data frame {data_mib:.0f} MiB); process max RSS {rss_mib:.0f} MiB",
    }
    results = [
        Result(
            name=f"estimate_itt HC2, {n:,} rows",
            baseline="statsmodels OLS HC2",
            seconds=ours_s,
            baseline_seconds=sm_s,
            figures=figures,
            aim="faster than statsmodels and pyfixest; within 2x of the numpy floor",
        )
    ]

    params = load_parameters()
    inputs = GroupInputs(
        group="SCR IW",
        cost=params["cost_per_treated_recruit.scr_iw"].value,
        employment=Impact(3.0, 1.6),
        earnings=Impact(442.0, 400.0),
        health=Impact(0.025, 0.012),
    )

    def loop_draws() -> float:
        rng = np.random.default_rng(0)
        total = 0.0
        for _ in range(10_000):
            total += float(rng.normal(0.025, 0.012)) * 70_000 / 2116
        return total

    mc_s, _ = best_of(lambda: monte_carlo(inputs, params, draws=10_000, seed=1), 5)
    loop_s, _ = best_of(loop_draws, 3)
    results.append(
        Result(
            name="Monte Carlo, 10,000 draws",
            baseline="a Python loop drawing one health impact at a time",
            seconds=mc_s,
            baseline_seconds=loop_s,
            figures={"draws": "10,000 (employment, earnings, health; financial and economic ratios)"},
            aim="under 0.1 s",
        )
    )
    return results
