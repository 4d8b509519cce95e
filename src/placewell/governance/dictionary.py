"""The data dictionary: every column of an extract with its label, type, allowed values, source and derivation.

Each source module returns its columns together with their dictionary entries, so a column cannot reach a
file without being described (the extract tests check that the two match exactly). The layout follows the UK
Data Service's guidance on documenting data ("variable-level documentation": name, label, type, codes and
how each was derived).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields

from django.db import models

from placewell.ui import exports

STRING, INTEGER, NUMBER, BOOLEAN, DATE = "string", "integer", "number", "boolean", "date"
YES_NO = "true; false; empty when not known"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: str  # string, integer, number, boolean or date (ISO 8601, YYYY-MM-DD; YYYY-MM for months)
    allowed: str
    source: str
    derivation: str


def codes(choices: type[models.TextChoices] | Iterable[tuple[str, str]], *, extra: str = "") -> str:
    """Allowed values of a coded column: "code (label)" for each, then any extra codes."""
    pairs = choices.choices if isinstance(choices, type) else list(choices)
    text = "; ".join(f"{value} ({label})" for value, label in pairs)
    return f"{text}; {extra}" if extra else text


def dictionary_rows(columns: Sequence[Column]) -> list[dict[str, str]]:
    return [asdict(c) for c in columns]


def dictionary_csv(columns: Sequence[Column]) -> str:
    out = io.StringIO()
    writer = exports.dict_writer(out, fieldnames=[f.name for f in fields(Column)], lineterminator="\n")
    writer.writeheader()
    writer.writerows(dictionary_rows(columns))
    return out.getvalue()
