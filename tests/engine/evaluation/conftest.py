"""Synthetic data sets shared by the evaluation tests (seeded, so every run sees the same numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_data(seed: int, n: int = 1500) -> pd.DataFrame:
    """Heteroskedastic outcomes, badly scaled covariates, strata, weights and clusters."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "t": rng.integers(0, 2, n),
            "age": rng.normal(42, 12, n),
            "income": rng.normal(3e5, 1e4, n),
            "stratum": rng.choice(["a", "b", "c", "d"], n),
            "w": rng.uniform(0.3, 3.0, n),
            "specialist": rng.integers(0, 35, n),
        }
    )
    noise = rng.normal(size=n) * (1 + df["t"] + 0.02 * np.abs(df["age"] - 42))
    df["y"] = 2 + 0.4 * df["t"] + 0.03 * df["age"] + 1e-5 * df["income"] + noise
    df["employed"] = (rng.uniform(size=n) < 0.2 + 0.05 * df["t"]).astype(float)
    return df


@pytest.fixture(params=[11, 12, 13], ids=lambda s: f"data{s}")
def data(request: pytest.FixtureRequest) -> pd.DataFrame:
    return make_data(request.param)
