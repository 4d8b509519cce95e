"""Spreadsheet-safe exports: the one place every CSV and Excel file Placewell writes goes through.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` is read by Excel, LibreOffice and Google Sheets
as a formula, and tab or carriage return at the start can smuggle one past a trimming import. A team or
service name such as ``=HYPERLINK("http://x","y")`` would then run in the spreadsheet of whoever opens the
research extract. OWASP's "CSV Injection" guidance says to prefix such a cell with a single quote, so the
spreadsheet shows it as text; we follow it, and leave genuine numbers (``-3``, ``+1.5e3``, a negative
difference) alone so the data still sorts and sums. In an Excel workbook the same cell is written as text
with Excel's own "quote prefix" flag, which is what Excel does when a person types ``'=...``.

Django-free, so the command line can use it too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

# OWASP, "CSV Injection": the characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_risky(value: object) -> bool:
    """True for text a spreadsheet would read as a formula (not for genuine numbers)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(value) is None


def escape_cell(value: Any) -> Any:
    """The value, with a single quote in front if a spreadsheet would otherwise run it as a formula."""
    return "'" + value if is_risky(value) else value


def escape_row(row: Iterable[Any]) -> list[Any]:
    return [escape_cell(v) for v in row]


class SafeWriter:
    """``csv.writer`` that escapes formula cells; the same ``writerow``/``writerows``."""

    def __init__(self, stream: IO[str], **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(escape_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` that escapes formula cells (header names included)."""

    def writeheader(self) -> Any:
        return self.writer.writerow(escape_row(self.fieldnames))

    def _dict_to_list(self, rowdict: Any) -> Any:  # the hook DictWriter calls for every row
        return escape_row(super()._dict_to_list(rowdict))  # type: ignore[misc]


def writer(stream: IO[str], **options: Any) -> SafeWriter:
    return SafeWriter(stream, **options)


def dict_writer(stream: IO[str], fieldnames: Sequence[str], **options: Any) -> SafeDictWriter:
    return SafeDictWriter(stream, fieldnames=fieldnames, **options)


def escape_frame(frame: Any) -> Any:
    """A copy of a pandas data frame with formula cells escaped in its text columns and its header.

    Numeric, boolean and date columns are left as they are: they cannot hold a formula.
    """
    from pandas.api import types

    out = frame.copy()
    for name in out.columns:
        kind = out[name].dtype
        if types.is_numeric_dtype(kind) or types.is_bool_dtype(kind) or types.is_datetime64_any_dtype(kind):
            continue
        out[name] = out[name].map(escape_cell, na_action="ignore")
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def sheet_append(sheet: Any, row: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet with every risky text cell stored as text, never as a formula.

    openpyxl stores any string starting with ``=`` as a formula; we add the row, then mark each risky cell
    as a plain string with Excel's quote prefix, so Excel shows the text as typed and never evaluates it.
    """
    values = list(row)
    sheet.append(["" if is_risky(v) else v for v in values])
    target = sheet.max_row
    for index, value in enumerate(values, 1):
        if is_risky(value):
            cell = sheet.cell(row=target, column=index)
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True
