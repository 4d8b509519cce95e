"""Table 2.2 of DWP research report no. 1025 reproduced from its Table 2.1.

Reference: the returns per pound printed in Table 2.2 of *Health-led Employment Trials Evaluation:
12-month outcomes evidence synthesis* (DWP research report no. 1025, August 2022), typed in here by hand
(not read from the module under test): economic 2.32 SCR in-work, 2.02 SCR out-of-work, 1.22 all
out-of-work, 0 WMCA; financial 0.02 SCR in-work, 0.01 WMCA, 0 SCR out-of-work and all out-of-work.
"""

from __future__ import annotations

import pytest

from placewell.engine.evaluation.published import reproduce_table_2_2, table_2_2_parameters

PUBLISHED_ECONOMIC = {"SCR IW": 2.32, "SCR OOW": 2.02, "All OOW": 1.22, "WMCA": 0.0}
PUBLISHED_FINANCIAL = {"SCR IW": 0.02, "WMCA": 0.01, "SCR OOW": 0.0, "All OOW": 0.0}


def test_the_five_published_returns_to_the_penny() -> None:
    returns = reproduce_table_2_2()
    assert round(returns["SCR IW"].economic_return, 2) == 2.32
    assert round(returns["SCR OOW"].economic_return, 2) == 2.02
    assert round(returns["All OOW"].economic_return, 2) == 1.22
    assert round(returns["SCR IW"].financial_return, 2) == 0.02
    assert round(returns["WMCA"].financial_return, 2) == 0.01


@pytest.mark.parametrize("group", sorted(PUBLISHED_ECONOMIC))
def test_the_zero_returns_too(group: str) -> None:
    r = reproduce_table_2_2()[group]
    assert round(r.economic_return, 2) == PUBLISHED_ECONOMIC[group]
    assert round(r.financial_return, 2) == PUBLISHED_FINANCIAL[group]


def test_costs_come_from_table_2_2_and_only_observed_impacts_are_valued() -> None:
    returns = reproduce_table_2_2()
    assert [returns[g].cost for g in ("SCR IW", "SCR OOW", "WMCA", "All OOW")] == [2116, 2416, 3893, 3162]
    assert returns["SCR IW"].valued == {
        "employment": True,  # 3 ppt, 90%
        "earnings": False,  # 442 GBP, not significant
        "health": True,  # 0.10 sd, 90%
        "life_satisfaction": False,
    }
    assert returns["WMCA"].valued["employment"] and not returns["WMCA"].valued["health"]
    assert not returns["SCR OOW"].valued["employment"]


def test_back_solved_parameters_are_marked_and_change_the_answer() -> None:
    params = table_2_2_parameters()
    for name, p in params.items():
        if name == "benefit_saving_per_job" or name.startswith("health_index_points_per_sd."):
            assert not p.confirmed
            assert p.source.startswith(("Back-solved", "Assumption"))
    assert params["qaly_value"].value == 70_000  # HM Treasury Green Book
    # Outside the back-solved range the financial returns no longer match: the test can fail.
    from dataclasses import replace

    changed = {**params, "benefit_saving_per_job": replace(params["benefit_saving_per_job"], value=1907.0)}
    assert round(reproduce_table_2_2(changed)["SCR IW"].financial_return, 2) != 0.02
