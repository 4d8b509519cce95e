"""National identifiers: NHS numbers and National Insurance numbers.

NHS number: 10 digits, the last a modulus-11 check digit (NHS Data Dictionary, "NHS Number"): multiply the
first nine digits by weights 10 down to 2, sum, take 11 minus the remainder of the sum divided by 11; 11
becomes 0 and 10 means the number is invalid.

National Insurance number: two prefix letters, six digits and a suffix A, B, C or D (HMRC National
Insurance Manual NIM39110): the first letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q, U
or V; the prefixes BG, GB, KN, NK, NT, TN and ZZ are not allocated.
"""

from __future__ import annotations

import re

from placewell.errors import ActionError

_NI_PATTERN = re.compile(r"^(?P<prefix>[A-Z]{2})(?P<digits>\d{6})(?P<suffix>[A-D])$")
_NI_BAD_FIRST = set("DFIQUV")
_NI_BAD_SECOND = set("DFIOQUV")
_NI_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


class IdentifierError(ActionError):
    """An identifier that cannot be right, with a message saying why."""


def normalise_nhs_number(raw: str) -> str:
    """Digits only: staff write NHS numbers as 485 777 3456 or 485-777-3456."""
    return re.sub(r"[\s-]", "", raw or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None where no valid check digit exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(raw: str) -> str:
    """Return the NHS number as 10 digits, or raise IdentifierError saying what is wrong."""
    number = normalise_nhs_number(raw)
    if not number.isdigit() or len(number) != 10:
        raise IdentifierError("NHS number must be 10 digits, like 485 777 3456")
    if nhs_check_digit(number[:9]) != int(number[9]):
        raise IdentifierError("Enter a real NHS number: the last digit does not match the others")
    return number


def normalise_ni_number(raw: str) -> str:
    return re.sub(r"\s", "", raw or "").upper()


def validate_ni_number(raw: str) -> str:
    """Return the National Insurance number in capitals without spaces, or raise IdentifierError."""
    number = normalise_ni_number(raw)
    match = _NI_PATTERN.match(number)
    if not match:
        raise IdentifierError(
            "National Insurance number must be 2 letters, 6 numbers, then A, B, C or D, like AB 12 34 56 C"
        )
    prefix = match["prefix"]
    if prefix[0] in _NI_BAD_FIRST or prefix[1] in _NI_BAD_SECOND or prefix in _NI_BAD_PREFIXES:
        raise IdentifierError(
            f"National Insurance numbers never start with {prefix}: check the first 2 letters"
        )
    return number


def format_nhs_number(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 else number


def format_ni_number(number: str) -> str:
    return (
        f"{number[:2]} {number[2:4]} {number[4:6]} {number[6:8]} {number[8:]}" if len(number) == 9 else number
    )
