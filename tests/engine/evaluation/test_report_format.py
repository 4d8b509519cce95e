"""The report's wording: honest small shares, units from the plan, no names from the code, every figure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from placewell.engine.evaluation import load_config, run_evaluation, write_report
from placewell.engine.evaluation.report_format import interval, p_value, parameter_label, percent, quantity
from placewell.engine.simulate import SimulationConfig, simulate_trial


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.0024, "<1%"), (0.0, "0%"), (0.01, "1%"), (0.5, "50%"), (0.9976, ">99%"), (1.0, "100%")],
)
def test_small_and_large_shares_are_not_rounded_away(share: float, text: str) -> None:
    assert percent(share) == text


def test_p_values_and_quantities_carry_units() -> None:
    assert p_value(0.0004) == "<0.001" and p_value(0.0123) == "0.012"
    assert quantity(-1234.4, "£", "natural") == "-£1,234"
    assert quantity(1234.4, "€", "natural") == "€1,234"
    assert quantity(3.14159, "hours", "natural") == "3.14 hours"
    assert quantity(2.345, "", "ppt") == "2.3 ppt"
    assert interval(-12.0, 310.0, "£", "natural") == "-£12 to £310"


def test_parameter_names_become_words() -> None:
    assert parameter_label("benefit_saving_per_job") == "Benefit saving for each extra person in work"
    assert "_" not in parameter_label("some_new_parameter")


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    trial = simulate_trial(SimulationConfig(seed=9, scale=0.3))
    results = run_evaluation(trial.data, load_config())
    out = tmp_path_factory.mktemp("report")
    return write_report(results, out)["html"].read_text()


def test_report_states_the_model_once_and_the_complier_errors_honestly(html: str) -> None:
    assert "Baseline characteristics adjusted for" in html and "age_band" in html
    assert "Strata</dt><dd>trial_group (fixed effects)" in html
    assert "leverage adjustment (HC2)" in html
    assert "(HC1), because the leverage adjustment of HC2 has no agreed form" in html


def test_report_has_n_se_p_control_mean_and_missing_per_row(html: str) -> None:
    for heading in (
        "Standard error",
        "p-value",
        "People (treatment / control)",
        "Control mean",
        "No outcome recorded",
    ):
        assert f'<th scope="col">{heading}</th>' in html
    assert "with no outcome recorded were left out" in html  # survey outcomes have gaps


def test_report_never_shows_code_names_or_source_numbers(html: str) -> None:
    assert "benefit_saving_per_job" not in html and "qaly_value" not in html
    assert "Benefit saving for each extra person in work" in html
    assert "seed 0" not in html.lower()


def test_report_has_every_coefficient_and_a_reproducibility_block(html: str) -> None:
    assert "Appendix: every coefficient" in html and "Intercept" in html
    assert re.search(r"SHA-256 <code>[0-9a-f]{64}</code>", html)
    assert "numpy" in html and "Random seed</dt><dd>20190101" in html


def test_earnings_in_the_plans_currency(html: str, tmp_path: Path) -> None:
    impacts = html.split('id="impacts"')[1].split("</table>")[0]
    assert "£" in impacts and "€" not in impacts


def test_no_negative_zero() -> None:
    assert quantity(-0.001, "", "sd") == "0.00 sd"
    assert quantity(-0.04, "", "ppt") == "0.0 ppt"
    assert quantity(-0.2, "£", "natural", 0) == "£0"
