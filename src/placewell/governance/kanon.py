"""k-anonymity by full-domain generalisation and record suppression (Sweeney's Datafly algorithm).

Sweeney L. "Achieving k-anonymity privacy protection using generalization and suppression". International
Journal of Uncertainty, Fuzziness and Knowledge-Based Systems 2002;10(5):571-588. Each quasi-identifier has a
ladder of ever coarser versions (for example month, quarter, year, "all"). While more than the allowed number
of records sit in groups of fewer than ``k`` people sharing every quasi-identifier, the quasi-identifier with
the most distinct values is moved one rung up its ladder; the records still in small groups at the end are
suppressed (removed). ``k = 5`` matches the small-number threshold used for published statistics (ONS and
NHS England: counts under 5 are suppressed; see ``insight.suppression``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

Rung = Callable[[pd.Series], pd.Series]
ALL = "all"


@dataclass(frozen=True)
class Ladder:
    """A quasi-identifier's versions, finest first; the last rung should be ``everything``."""

    column: str
    rungs: Sequence[tuple[str, Rung]]


def everything(values: pd.Series) -> pd.Series:
    return pd.Series(ALL, index=values.index, dtype="string")


@dataclass
class Result:
    data: pd.DataFrame
    k: int
    levels: dict[str, str]  # quasi-identifier -> the rung used
    suppressed: int
    smallest_group: int
    steps: list[str] = field(default_factory=list)


def group_sizes(df: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """For each row, how many rows share its values on every one of ``columns`` (missing counts as a value)."""
    if df.empty:
        return pd.Series(dtype="int64")
    keys = df[list(columns)].astype("string").fillna("<missing>")
    return keys.groupby(list(columns), dropna=False)[columns[0]].transform("size").astype("int64")


def anonymise(
    df: pd.DataFrame, ladders: Sequence[Ladder], *, k: int = 5, max_suppressed_share: float = 0.05
) -> Result:
    """Generalise and suppress until every combination of quasi-identifiers is shared by ``k`` or more rows."""
    source = {lad.column: df[lad.column] for lad in ladders}
    level = dict.fromkeys(source, 0)
    steps: list[str] = []
    columns = [lad.column for lad in ladders]
    by_column: Mapping[str, Ladder] = {lad.column: lad for lad in ladders}
    while True:
        out = df.copy()
        for name, lad in by_column.items():
            out[name] = lad.rungs[level[name]][1](source[name]).astype("string")
        sizes = group_sizes(out, columns)
        small = sizes < k
        if small.sum() <= max_suppressed_share * len(out):
            break
        open_ = [c for c in columns if level[c] < len(by_column[c].rungs) - 1]
        if not open_:
            break
        widest = max(open_, key=lambda c: (out[c].nunique(dropna=False), -columns.index(c)))
        level[widest] += 1
        steps.append(f"{widest} -> {by_column[widest].rungs[level[widest]][0]}")
    kept = out[~small].reset_index(drop=True)
    final = group_sizes(kept, columns)
    return Result(
        data=kept,
        k=k,
        levels={c: by_column[c].rungs[level[c]][0] for c in columns},
        suppressed=int(small.sum()),
        smallest_group=int(final.min()) if len(final) else 0,
        steps=steps,
    )


def is_k_anonymous(df: pd.DataFrame, columns: Sequence[str], k: int) -> bool:
    return bool(df.empty or group_sizes(df, columns).min() >= k)
