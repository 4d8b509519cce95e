"""Reading an uploaded file a row at a time: CSV (UTF-8, with or without a byte-order mark) or an Excel
workbook (.xlsx, through openpyxl in read-only mode, so rows are streamed rather than loaded).

Every way a file can be unreadable is a ``FileProblem`` whose message says what is wrong and where: a CSV
file in another encoding names the byte, its position and the row, and says how to save the file as UTF-8.
A CSV file is decoded line by line from bytes (a UTF-8 line break is never part of another character), so the
position of an undecodable byte is known exactly.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from placewell.imports.columns import Spec, text_of

CSV, XLSX = "csv", "xlsx"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and other old Office files
MAX_UNPACKED_RATIO = 20  # an .xlsx may unpack to at most 20 times the upload limit (guards against zip bombs)
SAVE_AS_UTF8 = 'In Excel, choose Save As and "CSV UTF-8 (Comma delimited)", then upload the file again.'


class FileProblem(ValueError):
    """A file that cannot be read; ``row`` is the row it happened on, where there is one."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def sniff(path: Path, name: str) -> str:
    """CSV or XLSX, judged by the file's first bytes as well as its name; anything else is refused."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    suffix = Path(name).suffix.lower()
    if not head:
        raise FileProblem("The file is empty: it has no header row and no data")
    if head.startswith(OLE_MAGIC) or suffix == ".xls":
        raise FileProblem(
            f"{name} is an Excel 97-2003 workbook (.xls), which cannot be read: save it as an Excel workbook "
            "(.xlsx) or as CSV UTF-8, then upload it again"
        )
    if head.startswith(ZIP_MAGIC):
        if suffix not in {".xlsx", ""}:
            raise FileProblem(f"{name} is a zip archive, not a CSV file or an Excel workbook (.xlsx)")
        return XLSX
    if suffix not in {".csv", ".txt"}:
        raise FileProblem(
            f"{name} is not a CSV file (.csv) or an Excel workbook (.xlsx): upload one of those"
        )
    for bom, what in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if head.startswith(bom):
            raise FileProblem(
                f"The file is in {what} (it starts with a {what} byte-order mark), not UTF-8. {SAVE_AS_UTF8}",
                row=1,
            )
    if b"\x00" in head:
        pairs = head[1::2] if head[0:1] != b"\x00" else head[0::2]
        if pairs and pairs.count(0) > len(pairs) * 0.8:
            raise FileProblem(
                f"The file looks like UTF-16 text without a byte-order mark (every other byte is zero), not UTF-8. {SAVE_AS_UTF8}",
                row=1,
            )
        raise FileProblem(
            f"{name} holds binary data (byte {head.index(0) + 1:,} is zero), so it is not a CSV file"
        )
    return CSV


def header_problems(header: list[str], spec: Spec) -> list[dict[str, Any]]:
    """Unknown, repeated and missing columns, each named, before any row is read."""
    out: list[dict[str, Any]] = []
    known = set(spec.names)
    seen: set[str] = set()
    for name in header:
        if not name:
            continue
        if name in seen:
            out.append(
                {"column": name, "message": f"The column {name} appears more than once in the header row"}
            )
        seen.add(name)
    unknown = [n for n in header if n and n not in known]
    if unknown:
        out.append(
            {
                "column": ", ".join(unknown),
                "message": f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                "Use the column names in the template and the data dictionary",
            }
        )
    missing = [n for n in spec.required if n not in seen]
    if missing:
        out.append(
            {
                "column": ", ".join(missing),
                "message": f"Required column{'s' if len(missing) > 1 else ''} missing: {', '.join(missing)}",
            }
        )
    for group in spec.one_of:
        if not seen & set(group):
            out.append(
                {"column": " or ".join(group), "message": f"The file needs a {' or a '.join(group)} column"}
            )
    return out


def normalise_header(cell: Any) -> str:
    """ "External ID " and "external_id" are the same column."""
    return text_of(cell).strip().lower().replace(" ", "_").replace("-", "_")


class Table:
    """A file's header and its data rows as (row number, cells by column name). Blank rows and rows whose
    first cell starts with ``#`` (the template's guidance row) are skipped."""

    def __init__(self, path: Path, fmt: str, max_bytes: int) -> None:
        self.path, self.fmt, self.max_bytes = path, fmt, max_bytes
        self.header: list[str] = []

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        raw = self._csv_rows() if self.fmt == CSV else self._xlsx_rows()
        first = next(raw, None)
        if first is None:
            raise FileProblem("The file is empty: it has no header row and no data")
        self.header = [normalise_header(c) for c in first[1]]
        while self.header and not self.header[-1]:
            self.header.pop()
        if not any(self.header):
            raise FileProblem("The first row is empty: it must be the header row, naming each column", row=1)
        width = len(self.header)
        yield 1, {}  # the header: lets the caller check the columns before the first data row is read
        data = 0
        for number, cells in raw:
            if not any(text_of(c) for c in cells):
                continue
            if text_of(cells[0]).startswith("#"):
                continue
            extra = [c for c in cells[width:] if text_of(c)]
            if extra:
                raise FileProblem(
                    f"Row {number} has {width + len(cells[width:])} cells but the header row names {width} columns: "
                    "check for a stray comma or a value beyond the last column",
                    row=number,
                )
            data += 1
            padded = list(cells[:width]) + [""] * (width - len(cells))
            yield number, {name: value for name, value in zip(self.header, padded, strict=True) if name}
        if data == 0:
            raise FileProblem("The file has a header row but no data rows")

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        with self.path.open("rb") as fh:
            position = {"offset": 0, "bom": 0}

            def lines() -> Iterator[str]:
                for line_number, raw in enumerate(fh, 1):
                    start = position["offset"]
                    position["offset"] += len(raw)
                    if line_number == 1 and raw.startswith(codecs.BOM_UTF8):
                        raw = raw[len(codecs.BOM_UTF8) :]
                        start += len(codecs.BOM_UTF8)
                    try:
                        yield raw.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise _EncodingError(raw, start, exc) from None

            reader = csv.reader(lines(), strict=False)
            number = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except _EncodingError as exc:
                    raise FileProblem(exc.describe(row=number + 1), row=number + 1) from None
                except csv.Error as exc:
                    raise FileProblem(
                        f"Row {number + 1} cannot be read as CSV: {exc}", row=number + 1
                    ) from None
                number += 1
                yield number, cells

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            with zipfile.ZipFile(self.path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise FileProblem("The file is not a valid Excel workbook (.xlsx): it may be damaged") from None
        if unpacked > self.max_bytes * MAX_UNPACKED_RATIO:
            raise FileProblem(
                "The workbook unpacks to far more data than the upload limit allows: split it into smaller files"
            )
        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise FileProblem(
                "The file is not a valid Excel workbook (.xlsx): it may be damaged or another kind of file"
            ) from None
        try:
            sheet = book.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
                yield number, list(cells)
        finally:
            book.close()


class _EncodingError(Exception):
    def __init__(self, raw: bytes, start: int, exc: UnicodeDecodeError) -> None:
        super().__init__(str(exc))
        self.raw, self.start, self.exc = raw, start, exc

    def describe(self, row: int) -> str:
        bad = self.raw[self.exc.start]
        where = f"byte {self.start + self.exc.start + 1:,} of the file (0x{bad:02X}, on row {row})"
        try:
            guess = self.raw[self.exc.start : self.exc.start + 1].decode("cp1252")
            hint = f" It looks like Windows-1252 (often called ANSI), where that byte is “{guess}”."
        except UnicodeDecodeError:
            hint = ""
        return f"The file is not in UTF-8: {where} cannot be read as UTF-8.{hint} {SAVE_AS_UTF8}"
