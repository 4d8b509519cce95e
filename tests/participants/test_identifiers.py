"""NHS and National Insurance number checks.

Valid NHS numbers are published examples: 943 476 5919 (the NHS Data Dictionary's worked example) and
900 000 0009 (the NHS Personal Demographics Service sandbox's test patient). The modulus-11 rule is also
checked against an independent, deliberately plain implementation written from the NHS Data Dictionary text.
National Insurance rules are HMRC's National Insurance Manual NIM39110.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from placewell.participants.identifiers import (
    IdentifierError,
    format_nhs_number,
    format_ni_number,
    validate_nhs_number,
    validate_ni_number,
)


def data_dictionary_check(number: str) -> bool:
    """Independent re-statement: weights 10..2, remainder mod 11, 11 - remainder; 11 -> 0; 10 is invalid."""
    total = 0
    weight = 10
    for ch in number[:9]:
        total += int(ch) * weight
        weight -= 1
    remainder = total % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(number[9])


@pytest.mark.parametrize("raw", ["9434765919", "943 476 5919", "943-476-5919", "9000000009"])
def test_published_nhs_numbers_are_valid(raw: str) -> None:
    assert validate_nhs_number(raw) == raw.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("9434765918", "last digit does not match"),  # check digit changed
        ("1234567890", "last digit does not match"),  # check digit would be 10: never valid
        ("943476591", "must be 10 digits"),
        ("94347659190", "must be 10 digits"),
        ("94347A5919", "must be 10 digits"),
        ("", "must be 10 digits"),
    ],
)
def test_invalid_nhs_numbers_say_why(raw: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_nhs_number(raw)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_nhs_rule_agrees_with_independent_implementation(number: str) -> None:
    try:
        validate_nhs_number(number)
        ours = True
    except IdentifierError:
        ours = False
    assert ours == data_dictionary_check(number)


def test_nhs_number_with_check_digit_zero() -> None:
    # 1000000001: weights give 10, remainder 10, 11 - 10 = 1 -> valid with check digit 1.
    assert validate_nhs_number("1000000001")
    # 1100000000 -> 10 + 9 = 19, remainder 8, check 3: so ...0 is invalid
    with pytest.raises(IdentifierError):
        validate_nhs_number("1100000000")
    # 5000000000: 50 % 11 = 6 -> check 5; 2000000000: 20 % 11 = 9 -> check 2; 11 -> 0 when remainder is 0:
    # 1 at weight 10 plus 1 at weight... choose 0000000000: total 0, remainder 0, 11 -> 0: valid.
    assert validate_nhs_number("0000000000") == "0000000000"


@pytest.mark.parametrize("raw", ["AB123456C", "ab 12 34 56 c", "JK 00 00 00 D", "CE123456A"])
def test_valid_ni_numbers(raw: str) -> None:
    assert validate_ni_number(raw) == raw.replace(" ", "").upper()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("DA123456A", "never start with DA"),  # D is not used as a first letter
        ("AO123456A", "never start with AO"),  # O is not used as a second letter
        ("QQ123456C", "never start with QQ"),  # the example prefix, never allocated
        ("GB123456A", "never start with GB"),
        ("NK123456A", "never start with NK"),
        ("TN123456A", "never start with TN"),
        ("AB123456E", "2 letters, 6 numbers"),
        ("AB12345C", "2 letters, 6 numbers"),
        ("123456789", "2 letters, 6 numbers"),
    ],
)
def test_invalid_ni_numbers_say_why(raw: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_ni_number(raw)


def test_formatting_for_display() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_ni_number("AB123456C") == "AB 12 34 56 C"
