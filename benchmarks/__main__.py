"""Run every ``benchmarks/bench_*.py`` (or those named) and print figures and ratios.

Usage: ``./run bench [--quick] [topic ...]``, e.g. ``./run bench measures``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from benchmarks.harness import Result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./run bench", description=__doc__)
    parser.add_argument("topics", nargs="*", help="run only these (e.g. measures evaluation)")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a fast look")
    args = parser.parse_args(argv)
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if args.topics:
        names = [n for n in names if n.removeprefix("bench_") in args.topics]
        if not names:
            print(f"no benchmark named {', '.join(args.topics)}", file=sys.stderr)
            return 2
    for name in names:
        print(f"\n### {name.removeprefix('bench_')}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        results: list[Result] = module.run(quick=args.quick)
        for result in results:
            print("\n".join(result.lines()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
