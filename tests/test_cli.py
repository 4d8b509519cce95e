"""The ``placewell`` command line: simulate a trial, evaluate it, and report bad input plainly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
