"""The ``placewell`` command line: simulate a trial, evaluate it, and report bad input plainly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from placewell.cli import main


def test_simulate_then_evaluate(tmp_path: Path) -> None:
    data = tmp_path / "trial.parquet"
    assert main(["--quiet", "simulate", "--out", str(data), "--seed", "4", "--scale", "0.3"]) == 0
    truth = json.loads(data.with_suffix(".truth.json").read_text())
    assert truth["truth"]["SCR IW"]["employed_13wk"] == 3.0
    out = tmp_path / "report"
    assert main(["--quiet", "evaluate", str(data), "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert '<html lang="en-GB">' in html and 'role="img"' in html and "<desc" in html
    assert "Data for this chart" in html and "not confirmed" in html
    results = json.loads((out / "results.json").read_text())
    assert {row["group"] for row in results["impacts"]} == {"SCR IW", "SCR OOW", "All SCR", "WMCA", "All OOW"}
    assert results["economics"]["SCR IW"]["monte_carlo"]["economic"]["draws"] == 10_000


def test_csv_and_a_simulation_config(tmp_path: Path) -> None:
    config = tmp_path / "sim.toml"
    config.write_text('[simulation]\nseed = 8\nscale = 0.05\ngroups = ["WMCA OOW"]\n')
    data = tmp_path / "trial.csv"
    assert main(["--quiet", "simulate", "--config", str(config), "--out", str(data)]) == 0
    assert data.read_text().count("\n") == 1 + round(1837 * 0.05) + round(1838 * 0.05)


def test_bad_input_gives_a_message_not_a_traceback(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "trial.txt"
    bad.write_text("x")
    assert main(["--quiet", "evaluate", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "expected a .csv or .parquet file" in capsys.readouterr().err


def test_cli_does_not_import_django() -> None:
    code = "import sys, placewell.cli, placewell.engine.evaluation, placewell.engine.simulate; print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _trial_rows(n: int = 240, seed: int = 5) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        treated = bool(rng.integers(0, 2))
        age = float(rng.normal(40, 9))
        earnings = 1000 + 300 * treated + 20 * age + float(rng.normal(0, 200))
        rows.append(
            {"id": i, "arm": "T" if treated else "C", "age": round(age, 2), "earnings": round(earnings, 2)}
        )
    return rows


def _write(path: Path, rows: list[dict[str, object]], sep: str) -> None:
    frame = pd.DataFrame(rows)
    frame.to_csv(path, sep=sep, index=False)


@pytest.mark.parametrize("sep", [";", "\t", ","])
def test_flags_without_a_plan_recode_arms_and_count_blank_outcomes(tmp_path: Path, sep: str) -> None:
    rows = _trial_rows()
    for i in (3, 10, 11):
        rows[i]["earnings"] = None
    data = tmp_path / "trial.csv"
    _write(data, rows, sep)
    out = tmp_path / "report"
    argv = ["--quiet", "evaluate", str(data), "--out", str(out), "--treatment", "arm", "--outcome", "earnings",
            "--covariates", "age", "--treated-value", "T", "--control-value", "C"]  # fmt: skip
    assert main(argv) == 0
    results = json.loads((out / "results.json").read_text())
    (row,) = results["impacts"]
    assert row["group"] == "All participants" and row["n_missing_outcome"] == 3 and row["n"] == 237
    frame = pd.DataFrame(rows).dropna()
    X = sm.add_constant(pd.DataFrame({"t": (frame["arm"] == "T").astype(float), "age": frame["age"]}))
    ref = sm.OLS(frame["earnings"].astype(float), X).fit(cov_type="HC2")  # reference: statsmodels HC2
    assert row["effect"] == pytest.approx(ref.params["t"], rel=1e-9)
    assert row["se"] == pytest.approx(ref.bse["t"], rel=1e-9)
    html = (out / "report.html").read_text()
    assert "3 people" in html and "no outcome recorded" in html


def _run(argv: list[str], capsys) -> str:
    assert main(["--quiet", *argv]) == 2
    return capsys.readouterr().err


def test_arm_labels_without_recoding_say_what_to_pass(tmp_path: Path, capsys) -> None:
    data = tmp_path / "trial.csv"
    _write(data, _trial_rows(), ",")
    err = _run(
        ["evaluate", str(data), "--out", str(tmp_path / "o"), "--treatment", "arm", "--outcome", "earnings"],
        capsys,
    )
    assert str(data) in err and "'arm'" in err and "--treated-value T --control-value C" in err


def test_an_unknown_arm_label_names_row_and_value(tmp_path: Path, capsys) -> None:
    rows = _trial_rows()
    rows[6]["arm"] = "X"
    data = tmp_path / "trial.csv"
    _write(data, rows, ",")
    err = _run(["evaluate", str(data), "--out", str(tmp_path / "o"), "--treatment", "arm", "--outcome", "earnings",
                "--treated-value", "T", "--control-value", "C"], capsys)  # fmt: skip
    assert "holds 'X' in row 8" in err  # line 8 of the file: header, then rows 0..6


def test_an_empty_file_is_named(tmp_path: Path, capsys) -> None:
    data = tmp_path / "trial.csv"
    data.write_text("")
    err = _run(
        ["evaluate", str(data), "--out", str(tmp_path / "o"), "--treatment", "arm", "--outcome", "y"], capsys
    )
    assert f"{data}: the file is empty" in err and "header line" in err


def test_money_text_in_an_outcome_names_file_column_row_and_value(tmp_path: Path, capsys) -> None:
    rows = _trial_rows()
    rows[4]["earnings"] = "£1,234.00"
    data = tmp_path / "trial.csv"
    _write(data, rows, ";")
    err = _run(["evaluate", str(data), "--out", str(tmp_path / "o"), "--treatment", "arm", "--outcome", "earnings",
                "--treated-value", "T", "--control-value", "C"], capsys)  # fmt: skip
    assert str(data) in err and "'earnings'" in err and "'£1,234.00' in row 6" in err and "1234.00" in err
    assert "line numbers in the file" in err


def test_a_missing_column_lists_the_columns_there_are(tmp_path: Path, capsys) -> None:
    data = tmp_path / "trial.csv"
    _write(data, _trial_rows(), ",")
    err = _run(
        ["evaluate", str(data), "--out", str(tmp_path / "o"), "--treatment", "arm", "--outcome", "wages"],
        capsys,
    )
    assert f"{data}: column 'wages', named as an outcome, is not in the file" in err
    assert "id, arm, age, earnings" in err


def test_a_plan_for_one_trial_needs_no_groups_and_numeric_members_work(tmp_path: Path) -> None:
    rows = _trial_rows()
    frame = pd.DataFrame(rows).assign(
        t=lambda f: (f["arm"] == "T").astype(int), site=[1 + i % 2 for i in range(len(rows))]
    )
    data = tmp_path / "trial.csv"
    frame.to_csv(data, index=False)
    single = tmp_path / "single.toml"
    single.write_text(
        'treatment = "t"\ncovariates = ["age"]\n[[outcomes]]\ncolumn = "earnings"\nunit = "€"\n'
    )
    assert (
        main(["--quiet", "evaluate", str(data), "--config", str(single), "--out", str(tmp_path / "a")]) == 0
    )
    html = (tmp_path / "a" / "report.html").read_text()
    assert "€" in html and "£" not in html.split('id="impacts"')[1].split("</table>")[0]
    grouped = tmp_path / "grouped.toml"
    grouped.write_text(
        'treatment = "t"\ngroup_column = "site"\n[[groups]]\nname = "Site one"\nmembers = [1]\n'
        '[[outcomes]]\ncolumn = "earnings"\n'
    )
    assert (
        main(["--quiet", "evaluate", str(data), "--config", str(grouped), "--out", str(tmp_path / "b")]) == 0
    )
    results = json.loads((tmp_path / "b" / "results.json").read_text())
    assert results["impacts"][0]["n"] == len(rows) // 2


def test_a_malformed_members_list_names_the_file(tmp_path: Path, capsys) -> None:
    data = tmp_path / "trial.csv"
    _write(data, _trial_rows(), ",")
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'treatment = "arm"\ngroup_column = "id"\n[[groups]]\nname = "G"\nmembers = [true]\n[[outcomes]]\ncolumn = "earnings"\n'
    )
    err = _run(["evaluate", str(data), "--config", str(plan), "--out", str(tmp_path / "o")], capsys)
    assert str(plan) in err and "members must list the values of the group column" in err and "[True]" in err


def test_blank_lines_at_the_end_are_ignored(tmp_path: Path) -> None:
    data = tmp_path / "trial.csv"
    _write(data, _trial_rows(), ",")
    data.write_text(data.read_text() + "\n\n")
    argv = ["--quiet", "evaluate", str(data), "--out", str(tmp_path / "o"), "--treatment", "arm",
            "--outcome", "earnings", "--treated-value", "T", "--control-value", "C"]  # fmt: skip
    assert main(argv) == 0
    assert json.loads((tmp_path / "o" / "results.json").read_text())["impacts"][0]["n"] == 240
