"""The simulator reproduces the published Health-led Trials figures it is calibrated to (seed 001)."""

from __future__ import annotations

import pandas as pd
import pytest

from placewell.engine.simulate import SimulationConfig, simulate_trial
from placewell.engine.simulate import calibration as cal


@pytest.fixture(scope="module")
def trial():
    return simulate_trial(SimulationConfig(seed=99))


def test_arm_sizes_are_table_1_1(trial) -> None:
    counts = trial.data.groupby(["trial_group", "treatment"]).size()
    # Seed 001, Table 1.1: 1,260/1,259 SCR IW, 1,799/1,792 SCR OOW, 1,837/1,838 WMCA (T/C); 9,785 in all.
    assert counts[("SCR IW", 1)] == 1260 and counts[("SCR IW", 0)] == 1259
    assert counts[("SCR OOW", 1)] == 1799 and counts[("SCR OOW", 0)] == 1792
    assert counts[("WMCA OOW", 1)] == 1837 and counts[("WMCA OOW", 0)] == 1838
    assert len(trial.data) == 9785


def test_seed_reproduces_and_differs() -> None:
    a = simulate_trial(SimulationConfig(seed=1, scale=0.05)).data
    b = simulate_trial(SimulationConfig(seed=1, scale=0.05)).data
    c = simulate_trial(SimulationConfig(seed=2, scale=0.05)).data
    pd.testing.assert_frame_equal(a, b)
    assert not a["earnings_12m"].equals(c["earnings_12m"])


def test_profile_and_rates_are_near_the_published_figures(trial) -> None:
    d = trial.data
    by_group = {g.name: g for g in cal.GROUPS}
    for name, frame in d.groupby("trial_group"):
        g = by_group[str(name)]
        control = frame[frame["treatment"] == 0]
        treated = frame[frame["treatment"] == 1]
        assert control["employed_13wk"].mean() == pytest.approx(g.control_employment, abs=0.04)
        assert treated["responded_12m"].mean() == pytest.approx(g.response_treatment, abs=0.04)
        assert control["responded_12m"].mean() == pytest.approx(g.response_control, abs=0.04)
        assert (frame["gender"] == "male").sum() / frame["gender"].notna().sum() == pytest.approx(
            g.male, abs=0.04
        )
        receivers = treated[treated["meetings"] >= 1]
        assert receivers["meetings"].mean() == pytest.approx(g.mean_contacts, rel=0.1)
        assert len(receivers) / len(treated) == pytest.approx(g.received_share, abs=0.03)
        assert control["meetings"].eq(0).all()
    # Brief: 26% under 30, 33% aged 50 or over (seed 001, Table 1.2).
    assert (d["age_band"] == "<30").mean() == pytest.approx(0.26, abs=0.03)
    assert (d["age_band"] == "50+").mean() == pytest.approx(0.33, abs=0.03)


def test_truth_carries_the_published_impacts(trial) -> None:
    # Seed 001, Table 2.1: +3, -2, +4 ppt employment; 0.10, 0.10, 0.05 sd health.
    assert trial.truth["SCR IW"]["employed_13wk"] == 3.0
    assert trial.truth["SCR OOW"]["employed_13wk"] == -2.0
    assert trial.truth["WMCA OOW"]["eq5d_12m_sd"] == 0.05
    assert trial.truth["All OOW"]["employed_13wk"] == pytest.approx((-2 * 3591 + 4 * 3675) / (3591 + 3675))
    assert trial.costs["WMCA OOW"] == 3893.0


def test_effect_overrides_and_bad_settings() -> None:
    null = simulate_trial(SimulationConfig(seed=3, scale=0.1, effects={"WMCA OOW": {"employment_ppt": 0.0}}))
    assert null.truth["WMCA OOW"]["employed_13wk"] == 0.0
    with pytest.raises(ValueError, match="unknown trial group"):
        simulate_trial(SimulationConfig(groups=("Leeds",)))
    with pytest.raises(ValueError, match="unknown simulation setting"):
        SimulationConfig.from_mapping({"sead": 1})
