"""The template files people download to fill in: the header row, then a guidance row whose first cell starts
with ``#`` (the import skips such rows), in CSV (UTF-8 with a byte-order mark, so Excel opens it as UTF-8)
or as an Excel workbook whose second sheet is the data dictionary."""

from __future__ import annotations

import io

from placewell.imports.columns import Column, Spec
from placewell.ui import exports


def guidance(column: Column, first: bool) -> str:
    parts = [column.required_text.lower()]
    if column.example:
        parts.append(f"for example {column.example}")
    elif column.format:
        parts.append(column.format)
    text = "; ".join(parts)
    return f"# {text}" if first else text


def dictionary_rows(spec: Spec) -> list[list[str]]:
    rows = [
        ["column", "required", "type", "description", "format", "allowed values (code or label)", "example"]
    ]
    for column in spec.columns:
        rows.append(
            [
                column.name,
                column.required_text,
                column.type,
                column.description,
                column.format,
                column.allowed_text(),
                column.example,
            ]
        )
    return rows


def csv_template(spec: Spec) -> bytes:
    out = io.StringIO()
    writer = exports.writer(out, lineterminator="\r\n")
    writer.writerow(spec.names)
    writer.writerow([guidance(c, i == 0) for i, c in enumerate(spec.columns)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_template(spec: Spec) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=False)
    sheet = book.active
    if not isinstance(sheet, Worksheet):  # not reached: a new workbook opens on one worksheet
        raise TypeError("A new workbook has no worksheet")
    sheet.title = spec.title[:31]
    exports.sheet_append(sheet, list(spec.names))
    exports.sheet_append(sheet, [guidance(c, i == 0) for i, c in enumerate(spec.columns)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True)
    for index, column in enumerate(spec.columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 2)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Data dictionary")
    for row in dictionary_rows(spec):
        exports.sheet_append(about, row)
    for cell in about[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
