"""t-based inference shared by every estimate: intervals, p-values and the report's significance stars.

Intervals and p-values use the t distribution with the residual degrees of freedom (``n - k``, or
``G - 1`` with clustered errors), as Stata and R's estimatr report them, rather than the normal.
Stars follow DWP research report no. 1025, *Health-led Employment Trials Evaluation: 12-month outcomes
evidence synthesis* (August 2022), Table 2.1: ``*`` 90%, ``**`` 95%, ``***`` 99% confidence.
"""

from __future__ import annotations

import math

from scipy import stats

STAR_LEVELS: tuple[tuple[float, str], ...] = ((0.01, "***"), (0.05, "**"), (0.10, "*"))
"""p-value thresholds and their marks (DWP research report no. 1025, Table 2.1 footnote)."""

ALLOWED_LEVELS: tuple[int, ...] = (90, 95, 99)
"""Confidence levels the report uses (Table 2.1 footnote)."""


def level_fraction(level: float) -> float:
    """Accept 90/95/99 or 0.90/0.95/0.99 and return the fraction; reject anything else."""
    pct = level * 100 if level < 1 else level
    if round(pct) not in ALLOWED_LEVELS or abs(pct - round(pct)) > 1e-9:
        raise ValueError(f"confidence level {level!r} is not one of 90, 95 or 99")
    return round(pct) / 100


def t_interval(effect: float, se: float, df: float, level: float) -> tuple[float, float]:
    """Two-sided interval ``effect +/- t_{df, 1-(1-level)/2} * se``."""
    q = float(stats.t.ppf(1 - (1 - level_fraction(level)) / 2, df))
    return effect - q * se, effect + q * se


def t_p_value(effect: float, se: float, df: float) -> float:
    """Two-sided p-value of ``effect / se`` against the t distribution with ``df`` degrees of freedom."""
    if se == 0:
        return 0.0 if effect != 0 else 1.0
    return float(2 * stats.t.sf(abs(effect / se), df))


def stars_for(p_value: float) -> str:
    """The report's significance marks for a p-value (empty when not significant at 90%)."""
    if math.isnan(p_value):
        return ""
    for threshold, mark in STAR_LEVELS:
        if p_value < threshold:
            return mark
    return ""


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979), in the input order.

    Controls the family-wise error rate across a family of tests without assuming independence.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted
