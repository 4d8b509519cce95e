"""Jobs for the fleet test, run by real workers: each writes a line to a shared file when it starts and when
it ends, naming the worker process and its cluster, so the test can count every run independently of the
queue's own records."""

from __future__ import annotations

import os
import time
from pathlib import Path

from placewell.jobs.runner import progress


def _note(line: str) -> None:
    # One short write in append mode is atomic on a local file system, so lines from many processes interleave
    # whole.
    with (Path(os.environ["PLACEWELL_FLEET_NOTES"]) / "runs.txt").open("a") as notes:
        notes.write(f"{line} {os.getpid()} {os.getpgid(0)}\n")


def record(number: int) -> str:
    _note(f"record {number}")
    return f"Recorded {number}"


def slow(seconds: float) -> str:
    """Work that takes a while, with a heartbeat every half second, so a test can kill its worker."""
    _note("slow-start")
    steps = int(seconds * 2)
    for step in range(steps):
        progress(step, steps, "working")
        time.sleep(0.5)
    _note("slow-done")
    return "Finished slowly"
