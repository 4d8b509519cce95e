"""The five-group, five-outcome evaluation plan on a simulated 1,000,000-person trial, against the engine
as it was before the speed work, in the same run on the same file.

What is timed: ``run_evaluation`` with the Health-led Trials plan (``load_config()``: five groups, four
primary outcomes, plus 12-month survey response as a fifth), including non-response weights, subgroups,
complier effects and Monte Carlo economics, on a trial written by ``simulate_trial``. The same plan is
also run on the full-size trial (9,785 people, ``scale=1``), engine only.

Baseline: the evaluation engine at commit ``012fb0b`` (before the leverage computation, the design
matrix build and the pipeline were reworked), extracted with ``git archive`` into a temporary directory
and imported ahead of the working tree in its own process. Each version runs in a separate process on the
same Parquet file, alternately, so a busy machine slows both alike; the ratio is the figure that matters.
Every impact (effect and standard error, 25 of them) must agree between the two to a relative 1e-9.
Processor time (``time.process_time``, all threads) is reported beside wall time: on a shared two-core
host the wall time mostly measures what else is running.
``--quick`` uses 100,000 people.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from benchmarks.harness import Result

ROOT = Path(__file__).resolve().parent.parent
BASELINE_COMMIT = "012fb0b"


def worker(path: str) -> None:
    """Run the plan on the file at ``path`` and print the time and every impact as one JSON line."""
    import dataclasses
    import time

    import pandas as pd

    from placewell.engine.evaluation import load_config, run_evaluation
    from placewell.engine.evaluation.config import OutcomeSpec

    data = pd.read_parquet(path)
    config = load_config()
    config = dataclasses.replace(
        config, outcomes=(*config.outcomes, OutcomeSpec("responded_12m", "12-month survey response"))
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    results = run_evaluation(data, config)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    impacts = {
        f"{group}|{column}": [est.effect, est.se]
        for group, by_outcome in results.impacts.items()
        for column, est in by_outcome.items()
    }
    print("RESULT " + json.dumps({"seconds": seconds, "cpu": cpu, "rows": len(data), "impacts": impacts}))


def _baseline_tree(tmp: Path) -> Path:
    """The engine at ``BASELINE_COMMIT`` unpacked under ``tmp``; returns its ``src`` directory."""
    archive = tmp / "baseline.tar"
    with archive.open("wb") as handle:
        subprocess.run(
            ["git", "archive", BASELINE_COMMIT, "src/placewell/__init__.py", "src/placewell/engine"],
            cwd=ROOT,
            check=True,
            stdout=handle,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(tmp / "baseline", filter="data")
    return tmp / "baseline" / "src"


def _run(path: Path, pythonpath: Path | None) -> dict[str, object]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    code = f"from benchmarks.bench_evaluation_1m import worker; worker({str(path)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


def _max_rel(a: dict[str, list[float]], b: dict[str, list[float]]) -> float:
    worst = 0.0
    assert a.keys() == b.keys(), (sorted(a), sorted(b))
    for key, (effect, se) in a.items():
        for x, y in ((effect, b[key][0]), (se, b[key][1])):
            worst = max(worst, abs(x - y) / max(abs(y), 1e-300))
    return worst


def _compare(label: str, path: Path, baseline_src: Path, repeat: int) -> Result:
    new_runs, old_runs = [], []
    for _ in range(repeat):
        old_runs.append(_run(path, baseline_src))
        new_runs.append(_run(path, None))
    new_s = min(float(r["seconds"]) for r in new_runs)  # type: ignore[arg-type]
    old_s = min(float(r["seconds"]) for r in old_runs)  # type: ignore[arg-type]
    new_cpu = min(float(r["cpu"]) for r in new_runs)  # type: ignore[arg-type]
    old_cpu = min(float(r["cpu"]) for r in old_runs)  # type: ignore[arg-type]
    rel = _max_rel(new_runs[0]["impacts"], old_runs[0]["impacts"])  # type: ignore[arg-type]
    assert rel < 1e-9, f"impacts differ from the baseline by a relative {rel:.1e}"
    rows = int(new_runs[0]["rows"])  # type: ignore[call-overload]
    return Result(
        name=f"five-group, five-outcome plan on {label} ({rows:,} people)",
        baseline=f"the same plan with the engine at commit {BASELINE_COMMIT}, same file, own process",
        seconds=new_s,
        baseline_seconds=old_s,
        figures={
            "agree": f"25 impacts (effect and standard error) equal the baseline's to a relative {rel:.1e}",
            "cpu": f"processor time {new_cpu:.1f} s against the baseline's {old_cpu:.1f} s "
            f"({old_cpu / new_cpu:.1f}x less); wall time on a busy host mostly measures the other processes",
            "runs": f"best of {repeat} alternating runs each",
        },
        aim="under 30 s for 1,000,000 people and under 5 s for the full-size trial on this machine",
    )


def run(quick: bool) -> list[Result]:
    from placewell.engine.simulate import SimulationConfig, simulate_trial

    people = 100_000 if quick else 1_000_000
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        baseline_src = _baseline_tree(tmp)
        full = tmp / "full.parquet"
        simulate_trial(SimulationConfig(scale=1.0)).data.to_parquet(full)
        results.append(_compare("the full-size simulated trial", full, baseline_src, 3))
        big = tmp / "big.parquet"
        simulate_trial(SimulationConfig(scale=people / 9785)).data.to_parquet(big)
        results.append(_compare("a simulated trial", big, baseline_src, 1))
    return results
