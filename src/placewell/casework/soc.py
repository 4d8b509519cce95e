"""SOC 2020 major and sub-major groups, read from ``soc2020.csv`` (source named in the file: ONS, 2020).

A vocational profile records preferred job types at these two levels: a major group means "any job in this
group"; a sub-major group is a narrower preference. Codes are kept as strings ("6", "61").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("soc2020.csv")


@dataclass(frozen=True)
class SocGroup:
    code: str
    level: str  # "major" or "sub-major"
    title: str

    @property
    def major_code(self) -> str:
        return self.code[0]


@cache
def groups() -> tuple[SocGroup, ...]:
    with DATA.open(encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return tuple(SocGroup(r["code"], r["level"], r["title"]) for r in csv.DictReader(rows))


@cache
def by_code() -> dict[str, SocGroup]:
    return {g.code: g for g in groups()}


def choices() -> list[tuple[str, str]]:
    """Checkbox choices: each major group ("any job in ...") followed by its sub-major groups."""
    out = []
    for g in groups():
        if g.level == "major":
            out.append((g.code, f"Any job in: {g.title} (group {g.code})"))
        else:
            out.append((g.code, f"{g.title} ({g.code})"))
    return out


def label(code: str) -> str:
    group = by_code().get(code)
    if group is None:
        return code
    if group.level == "major":
        return f"Any job in: {group.title}"
    return group.title
