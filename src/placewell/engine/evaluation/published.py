"""The Health-led Trials' published impacts and returns: Table 2.2 from Table 2.1.

Why: the economic evaluation must be able to reproduce the published results it is modelled on before an
evaluator trusts it with their own trial. DWP research report no. 1025, *Health-led Employment Trials
Evaluation: 12-month outcomes evidence synthesis* (August 2022), publishes the 12-month impacts (Table
2.1: employment in percentage points, earnings in pounds, health (EQ-5D-5L) and wellbeing (SWEMWBS) in
standard deviations, with significance stars) and the costs per recruit and returns per pound (Table 2.2).
Feeding Table 2.1 and Table 2.2's costs through :func:`economics.point_returns`, with the parameters of
``parameters.toml`` overlaid by the back-solved ones in ``hlt_table_2_2.toml``, gives the published
returns to the penny: economic 2.32 (SCR in-work), 2.02 (SCR out-of-work), 1.22 (all out-of-work) and 0
(WMCA); financial 0.02 (SCR in-work), 0.01 (WMCA) and 0 (SCR out-of-work, all out-of-work).

What is published and what is not: the impacts, their significance and the costs are published; the
benefit saving per extra person in work and the conversion of a health impact in standard deviations to
QALYs are not, and are back-solved (see ``hlt_table_2_2.toml``). Standard errors are not published
either: each impact is given the standard error that puts it in the middle of its significance band
(``|effect| / z`` with z 1.0 for no star, 1.8025 for ``*``, 2.268 for ``**``, 3.0 for ``***``), enough
for the 90% valuing rule and an illustrative Monte Carlo run, not for inference. Wellbeing (SWEMWBS) is
not a life-satisfaction measure and is not valued, as in the report's Table 2.2.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

from placewell.engine.evaluation.economics import (
    GroupInputs,
    Impact,
    Parameters,
    Returns,
    load_parameters,
    parse_parameters,
    point_returns,
)

STAR_Z: dict[int, float] = {0: 1.0, 1: (1.645 + 1.960) / 2, 2: (1.960 + 2.576) / 2, 3: 3.0}
"""A normal z inside each significance band of Table 2.1 (no star; 90%; 95%; 99%)."""


@dataclass(frozen=True)
class PublishedGroup:
    """One trial group's row of Tables 2.1 and 2.2 (``None`` where the report prints n/c)."""

    key: str
    label: str
    employment_ppt: float
    employment_stars: int
    earnings_gbp: float
    earnings_stars: int
    health_sd: float
    health_stars: int
    wellbeing_sd: float
    wellbeing_stars: int
    financial_return: float | None
    economic_return: float | None


TABLES_2_1_AND_2_2: tuple[PublishedGroup, ...] = (
    PublishedGroup("scr_iw", "SCR IW", 3, 1, 442, 0, 0.10, 1, 0.18, 3, 0.02, 2.32),
    PublishedGroup("scr_oow", "SCR OOW", -2, 0, -233, 0, 0.10, 1, 0.12, 1, 0.0, 2.02),
    PublishedGroup("all_scr", "All SCR", 1, 0, 102, 0, 0.10, 3, 0.14, 3, None, None),
    # Table 2.1 prints WMCA's wellbeing impact as "0.9sd"; 0.09 is meant (not bold, so not observed).
    PublishedGroup("wmca", "WMCA", 4, 3, 150, 0, 0.05, 0, 0.09, 0, 0.01, 0.0),
    PublishedGroup("all_oow", "All OOW", 1, 0, -51, 0, 0.08, 2, 0.10, 2, 0.0, 1.22),
)
"""DWP research report no. 1025, Table 2.1 (impacts, stars) and Table 2.2 (returns per pound)."""


def table_2_2_parameters() -> Parameters:
    """``parameters.toml`` overlaid with the back-solved values of ``hlt_table_2_2.toml``."""
    text = resources.files("placewell.engine.evaluation").joinpath("hlt_table_2_2.toml").read_text("utf-8")
    return {**load_parameters(), **parse_parameters(tomllib.loads(text))}


def _impact(effect: float, stars: int) -> Impact:
    return Impact(effect, abs(effect) / STAR_Z[stars] if effect else 1.0)


def group_inputs(group: PublishedGroup, params: Parameters) -> GroupInputs:
    """The economic inputs for one published group: costs from Table 2.2, impacts from Table 2.1."""
    per_sd = params[f"health_index_points_per_sd.{group.key}"].value
    return GroupInputs(
        group=group.label,
        cost=params[f"cost_per_treated_recruit.{group.key}"].value,
        employment=_impact(group.employment_ppt, group.employment_stars),
        earnings=_impact(group.earnings_gbp, group.earnings_stars),
        health=Impact(group.health_sd * per_sd, abs(group.health_sd * per_sd) / STAR_Z[group.health_stars]),
    )


def reproduce_table_2_2(params: Parameters | None = None) -> dict[str, Returns]:
    """Returns per pound for every published group, keyed by group label."""
    params = table_2_2_parameters() if params is None else params
    return {g.label: point_returns(group_inputs(g, params), params) for g in TABLES_2_1_AND_2_2}
