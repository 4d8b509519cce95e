"""A small harness: benchmarks report figures and a ratio against a named baseline run alongside.

A benchmark module is ``benchmarks/bench_<topic>.py`` with a function ``run(quick: bool) -> list[Result]``.
Timings use the best of several repeats of ``time.perf_counter`` so that a busy machine inflates both the
measured code and its baseline alike; the ratio is the figure that matters.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    """One benchmark's outcome: what was timed, against which baseline, and the ratio."""

    name: str
    baseline: str
    seconds: float
    baseline_seconds: float
    figures: dict[str, str] = field(default_factory=dict)
    aim: str = ""

    @property
    def speedup(self) -> float:
        """How many times faster the measured code ran than its baseline."""
        return self.baseline_seconds / self.seconds if self.seconds > 0 else float("inf")

    def lines(self) -> list[str]:
        out = [
            f"{self.name}",
            f"  measured : {self.seconds:.4f} s",
            f"  baseline : {self.baseline_seconds:.4f} s  ({self.baseline})",
            f"  ratio    : {self.speedup:.2f}x faster than the baseline",
        ]
        out += [f"  {k:<9}: {v}" for k, v in self.figures.items()]
        if self.aim:
            out.append(f"  aim      : {self.aim}")
        return out


def best_of(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Run ``fn`` ``repeat`` times; return the shortest wall time and the last result."""
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result
