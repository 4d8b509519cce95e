"""Numbers in words a reader can trust: units, currency, sensible decimals and honest small shares.

Why a module: the same effect is printed in the impact table, the subgroup and complier tables and the
chart data, and each used to format it differently (three decimals and no unit for subgroups, pounds
whatever the data). Everything here takes the unit from the evaluation plan. Shares below one per cent
print as "<1%" rather than "0%", because a 0.24% chance is not no chance (the GOV.UK style guide asks
for numbers that do not mislead).
"""

from __future__ import annotations

import math

CURRENCY_NAMES = {"£": "pounds", "€": "euros", "$": "dollars"}

PARAMETER_LABELS = {
    "qaly_value": "Value of a quality-adjusted life year",
    "wellby_value": "Value of a wellbeing-year (one point of life satisfaction for a year)",
    "discount_rate": "Discount rate, years 0 to 30",
    "discount_rate_long": "Discount rate, years 31 to 75",
    "health_gain_years": "Years the health gain lasts",
    "income_tax_rate": "Income tax rate on extra earnings",
    "employee_ni_rate": "Employee National Insurance rate",
    "employer_ni_rate": "Employer National Insurance rate",
    "benefit_saving_per_job": "Benefit saving for each extra person in work",
    "significance_for_valuing": "Confidence needed before an impact is valued",
    "on_cost_rate": "Staff on-costs as a share of salary",
    "overhead_rate": "Overheads as a share of delivery cost",
}
"""Plain-English names for economic parameters, so no report shows a name from the code."""


def parameter_label(name: str) -> str:
    """A parameter's plain-English name; unknown names are turned into words."""
    if name in PARAMETER_LABELS:
        return PARAMETER_LABELS[name]
    if name.startswith("cost_per_treated_recruit."):
        return f"Cost per recruit to the treatment group ({name.split('.', 1)[1].replace('_', ' ').upper()})"
    words = name.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def percent(share: float) -> str:
    """A share as a whole percentage, with "<1%" and ">99%" instead of a misleading 0% or 100%."""
    if math.isnan(share):
        return "not available"
    if 0 < share < 0.01:
        return "<1%"
    if 0.99 < share < 1:
        return ">99%"
    return f"{share:.0%}"


def p_value(p: float) -> str:
    """A p-value to three decimals, "<0.001" below that."""
    if math.isnan(p):
        return "not available"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def decimals(x: float) -> int:
    """Decimals that suit the size of a number: none for hundreds, one for tens, two below."""
    size = abs(x)
    if size >= 100:
        return 0
    if size >= 10:
        return 1
    return 2


def unit_name(unit: str, kind: str) -> str:
    """Words for an axis or heading: "percentage points", "pounds (£)", "standard deviations", "hours"."""
    if kind == "sd":
        return "standard deviations"
    if kind == "ppt":
        return "percentage points"
    if unit in CURRENCY_NAMES:
        return f"{CURRENCY_NAMES[unit]} ({unit})"
    return unit or "units of the outcome"


def _no_negative_zero(x: float, places: int) -> float:
    """``x``, or 0.0 when it rounds to zero, so that "-0.00" never appears."""
    return 0.0 if round(x, places) == 0 else x


def quantity(x: float, unit: str, kind: str, places: int | None = None) -> str:
    """One number with its unit: "3.1 ppt", "-£1,234", "0.12 sd", "2.50 hours", "1,234.5"."""
    if math.isnan(x):
        return "not available"
    if kind == "ppt":
        return f"{_no_negative_zero(x, 1):.1f} ppt"
    if kind == "sd":
        return f"{_no_negative_zero(x, 2):.2f} sd"
    dp = decimals(x) if places is None else places
    body = f"{abs(x):,.{dp}f}"
    sign = "-" if x < 0 and float(body.replace(",", "")) != 0 else ""
    if unit in CURRENCY_NAMES:
        return f"{sign}{unit}{body}"
    return f"{sign}{body}{' ' + unit if unit else ''}"


def interval(low: float, high: float, unit: str, kind: str) -> str:
    """A confidence interval with the unit on both ends, at the decimals of its wider end."""
    places = decimals(max(abs(low), abs(high), abs(high - low)))
    return f"{quantity(low, unit, kind, places)} to {quantity(high, unit, kind, places)}"
