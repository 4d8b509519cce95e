"""The small-sample guard: Cochran's rule (n > 25 G1^2, Cochran 1977, Sampling Techniques, 2.15).

Reference: the skewness is recomputed here from its textbook formula (the bias-adjusted Fisher-Pearson
coefficient G1 = sqrt(n (n - 1)) / (n - 2) x m3 / m2^1.5) rather than through scipy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placewell.engine.evaluation.small_sample import needs_randomisation_inference, small_sample_flags


def g1(values: np.ndarray) -> float:
    n = len(values)
    d = values - values.mean()
    m2, m3 = np.mean(d**2), np.mean(d**3)
    return float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def skewed(n: int, share_treated: float, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = (np.arange(n) < share_treated * n).astype(int)
    y = (rng.uniform(size=n) < 0.38) * rng.lognormal(9, 1.1, n)
    return pd.DataFrame({"t": t, "y": y, "site": np.where(np.arange(n) % 2 == 0, "north", "south")})


def test_a_small_skewed_arm_is_flagged_with_cochrans_number() -> None:
    df = skewed(300, 0.3)
    flags = small_sample_flags(df, "y", "t")
    treated = df.loc[df["t"] == 1, "y"].to_numpy()
    flag = next(f for f in flags if f.arm == "treatment" and f.cell == "all")
    assert flag.n == 90
    assert flag.skewness == pytest.approx(g1(treated), rel=1e-10)
    assert flag.needed == int(np.floor(25 * g1(treated) ** 2)) > 90
    assert flag.share_zero == pytest.approx(np.mean(treated == 0))
    assert "Cochran" in flag.reason and "90 observed values of y" in flag.reason
    assert needs_randomisation_inference(df, "y", "t")


def test_a_large_or_symmetric_arm_is_not_flagged() -> None:
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"t": np.arange(400) % 2, "y": rng.normal(size=400)})
    assert small_sample_flags(df, "y", "t") == []
    assert not needs_randomisation_inference(df, "y", "t")
    big = skewed(20_000, 0.5)
    assert not needs_randomisation_inference(big, "y", "t")


def test_strata_cells_are_checked_but_only_whole_arms_decide() -> None:
    rng = np.random.default_rng(3)
    n = 2000
    df = pd.DataFrame(
        {"t": np.arange(n) % 2, "y": rng.normal(size=n), "site": ["big"] * (n - 12) + ["tiny"] * 12}
    )
    flags = small_sample_flags(df, "y", "t", strata="site")
    assert {(f.cell, f.arm) for f in flags} == {("tiny", "treatment"), ("tiny", "control")}
    assert all(f.n == 6 and f.needed >= 10 for f in flags)
    assert not needs_randomisation_inference(df, "y", "t", strata="site")
