"""The columns of an import file: what each holds, whether it is required, and how a cell is read.

Each parser takes a cell as it came from the file (text from CSV; text, a number, a date or a boolean from
Excel) and returns the value to store, or raises ``CellError`` with a plain-English sentence that starts
with the value found, so a problem reads "Row 14, column nhs_number: 943 476 5918 is not a valid NHS number
(the check digit is wrong)". The rules are the owning apps' own: NHS and National Insurance numbers through
``participants.identifiers``, email addresses through Django's validator as the participant form uses it,
and every coded column through the app's ``TextChoices``, where the code and the label are both accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone

from placewell.errors import ActionError
from placewell.participants import identifiers

MULTI_SEPARATOR = ";"  # several codes in one cell: "stress_anxiety; depression"
LIST_IN_MESSAGE = 8  # allowed values are listed in an error message when there are this many or fewer


class CellError(ActionError):
    """A cell that cannot be read; the message says what was found and what is wanted."""


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    type: str  # shown in the data dictionary: text, date, date and time, whole number, ...
    parse: Callable[[Any], Any]
    required: bool = False
    required_note: str = ""  # when a column is required only sometimes: "for a new person"
    choices: tuple[tuple[str, str], ...] = ()
    format: str = ""
    example: str = ""

    @property
    def required_text(self) -> str:
        if self.required:
            return "Required"
        return f"Required {self.required_note}" if self.required_note else "Optional"

    def allowed_text(self) -> str:
        if not self.choices:
            return ""
        return "; ".join(f"{code} ({label})" for code, label in self.choices)


@dataclass(frozen=True)
class Spec:
    """The columns of one kind of file, in template order."""

    kind: str
    title: str
    summary: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = field(default=())
    one_of: tuple[tuple[str, ...], ...] = field(
        default=()
    )  # column groups of which a file needs at least one

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def text_of(value: Any) -> str:
    """A cell as text: Excel numbers without a trailing ".0", dates as ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def shown(value: Any) -> str:
    """A value quoted in a message, shortened so a pasted paragraph does not swamp the page."""
    text = text_of(value)
    return text if len(text) <= 60 else text[:57] + "..."


# Text ------------------------------------------------------------------------------------------------------


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        out = text_of(value)
        if len(out) > max_length:
            raise CellError(f"this is {len(out):,} characters long; the most allowed is {max_length:,}")
        return out

    return parse


def external_id(value: Any) -> str:
    out = text_of(value)
    if len(out) > 100:
        raise CellError("an id in the old system must be 100 characters or fewer")
    return out


def email(value: Any) -> str:
    out = text_of(value)
    if not out:
        return ""
    try:
        validate_email(out)
    except ValidationError:
        raise CellError(
            f"{shown(out)} is not an email address in the correct format, like name@example.com"
        ) from None
    return out


def nhs_number(value: Any) -> str:
    raw = text_of(value)
    if not raw:
        return ""
    try:
        return identifiers.validate_nhs_number(raw)
    except identifiers.IdentifierError as exc:
        digits = identifiers.normalise_nhs_number(raw)
        why = "the check digit is wrong" if digits.isdigit() and len(digits) == 10 else "it must be 10 digits"
        raise CellError(f"{shown(raw)} is not a valid NHS number ({why})") from exc


def ni_number(value: Any) -> str:
    raw = text_of(value)
    if not raw:
        return ""
    try:
        return identifiers.validate_ni_number(raw)
    except identifiers.IdentifierError as exc:
        raise CellError(f"{shown(raw)} is not a valid National Insurance number ({exc})") from exc


# Choices ---------------------------------------------------------------------------------------------------


def _lookup(options: Sequence[tuple[str, str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, label in options:
        table[str(label).strip().lower()] = code
    for code, _label in options:
        table[str(code).strip().lower()] = code  # a code wins over a label that happens to read the same
    return table


def _not_allowed(raw: str, options: Sequence[tuple[str, str]], column: str) -> CellError:
    if len(options) <= LIST_IN_MESSAGE:
        listed = ", ".join(f"{code} ({label})" for code, label in options if code)
        return CellError(f"{shown(raw)} is not one of the allowed values: {listed}")
    return CellError(f"{shown(raw)} is not one of the allowed values for {column}: see the data dictionary")


def choice(
    options: Iterable[tuple[str, str]] | type[models.TextChoices], column: str
) -> Callable[[Any], str]:
    pairs = tuple(options.choices if isinstance(options, type) else options)
    table = _lookup(pairs)

    def parse(value: Any) -> str:
        raw = text_of(value)
        if not raw:
            return ""
        code = table.get(raw.lower())
        if code is None:
            raise _not_allowed(raw, pairs, column)
        return code

    return parse


def choices(
    options: Iterable[tuple[str, str]] | type[models.TextChoices], column: str
) -> Callable[[Any], list[str]]:
    """Several codes or labels separated by semicolons; kept once each, in the order given."""
    pairs = tuple(options.choices if isinstance(options, type) else options)
    table = _lookup(pairs)

    def parse(value: Any) -> list[str]:
        out: list[str] = []
        for part in text_of(value).split(MULTI_SEPARATOR):
            raw = part.strip()
            if not raw:
                continue
            code = table.get(raw.lower())
            if code is None:
                raise _not_allowed(raw, pairs, column)
            if code not in out:
                out.append(code)
        return out

    return parse


def pairs_of(options: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), str(label)) for code, label in options.choices if code)


# Numbers, dates and yes or no ------------------------------------------------------------------------------

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def yes_no(value: Any) -> bool | None:
    raw = text_of(value).lower()
    if not raw:
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(f"{shown(raw)} is not yes or no")


def whole_number(value: Any) -> int | None:
    raw = text_of(value)
    if not raw:
        return None
    if not re.fullmatch(r"-?\d+", raw.replace(",", "")):
        raise CellError(f"{shown(raw)} is not a whole number")
    return int(raw.replace(",", ""))


def number(value: Any) -> Decimal | None:
    raw = text_of(value).replace(",", "").lstrip("£").strip()
    if not raw:
        return None
    try:
        out = Decimal(raw)
    except InvalidOperation:
        raise CellError(f"{shown(value)} is not a number") from None
    if not out.is_finite():
        raise CellError(f"{shown(value)} is not a number")
    return out


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
DATE_FORMAT = "YYYY-MM-DD (such as 2025-03-14) or DD/MM/YYYY (such as 14/03/2025)"
DATETIME_FORMAT = "a date and a 24-hour time, UK time: 2025-03-14 10:30 or 14/03/2025 10:30"


def _date_from(raw: str) -> dt.date:
    iso, uk = _ISO_DATE.match(raw), _UK_DATE.match(raw)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif uk:
        day, month, year = (int(g) for g in uk.groups())
    else:
        raise CellError(f"{shown(raw)} is not a date in the format {DATE_FORMAT}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{shown(raw)} is not a real date") from None


def date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text_of(value)
    return _date_from(raw) if raw else None


def date_time(value: Any) -> dt.datetime | None:
    """A date and time as people in the UK wrote it: made aware in the project's time zone."""
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
    else:
        raw = text_of(value).replace("T", " ")
        if not raw:
            return None
        parts = raw.split()
        if len(parts) != 2:
            raise CellError(f"{shown(raw)} is not {DATETIME_FORMAT}")
        day = _date_from(parts[0])
        match = _TIME.match(parts[1])
        if not match:
            raise CellError(f"{shown(raw)} is not {DATETIME_FORMAT}")
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise CellError(f"{shown(raw)} does not have a real time of day")
        naive = dt.datetime(day.year, day.month, day.day, hour, minute)  # noqa: DTZ001 - made aware below
    return timezone.make_aware(naive)
