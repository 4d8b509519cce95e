"""Reading the free-text parts of a vocational profile into values matching can compare.

The profile (casework) keeps pay expectation, things to avoid and adjustments as the person's own words.
These helpers find what they can and leave the rest to the specialist: a pay figure in pounds, and the
conditions and adjustments named by common words. Anything not recognised simply does not count.
"""

from __future__ import annotations

import re

from placewell.engine.matching.model import ADJUSTMENTS, CONDITIONS

FULL_TIME_HOURS_A_YEAR = (
    37.5 * 52
)  # a full-time week of 37.5 hours, 52 weeks: turns a salary into an hourly rate

CONDITION_WORDS: dict[str, tuple[str, ...]] = {
    "night_shifts": ("night",),
    "early_starts": ("early start", "early morning", "early shift"),
    "weekends": ("weekend", "saturday", "sunday"),
    "heavy_lifting": ("lifting", "heavy", "manual handling"),
    "driving": ("driving", "drive"),
    "customer_facing": ("customer", "public", "front desk", "reception"),
    "phones": ("phone", "call centre", "telephone"),
    "working_alone": ("alone", "lone work", "on my own", "on their own"),
    "busy_noisy": ("noisy", "noise", "busy", "crowd"),
    "outdoors": ("outdoor", "outside"),
    "standing": ("standing", "on my feet", "on their feet"),
}
ADJUSTMENT_WORDS: dict[str, tuple[str, ...]] = {
    "flexible_hours": ("flexible", "flexi"),
    "phased_start": ("phased", "gradual", "build up"),
    "home_working": ("home working", "work from home", "working from home", "remote"),
    "quiet_space": ("quiet",),
    "job_coach": ("job coach", "support worker"),
    "accessible_premises": ("wheelchair", "accessible", "step-free", "lift access"),
    "adjusted_interview": ("interview", "work trial"),
    "regular_breaks": ("break",),
}
assert set(CONDITION_WORDS) == set(CONDITIONS) and set(ADJUSTMENT_WORDS) == set(ADJUSTMENTS)

_AMOUNT = re.compile(r"£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(k\b)?", re.IGNORECASE)


def pay_expected_pence(text: str) -> int | None:
    """An hourly figure in pence from words such as "£12 an hour", "12.50", "£22,000 a year" or "22k".

    A figure of £200 or more is read as a yearly salary and divided by 1,950 hours (37.5 hours a week,
    52 weeks); a weekly figure ("£400 a week") is divided by 37.5. Returns None when there is no figure.
    """
    match = _AMOUNT.search(text or "")
    if match is None:
        return None
    whole = int(match.group(1).replace(",", ""))
    pence = whole * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if match.group(3):
        pence *= 1000
    lowered = text.lower()
    if "week" in lowered:
        return round(pence / 37.5)
    if pence >= 20_000 or "year" in lowered or "annum" in lowered:
        return round(pence / FULL_TIME_HOURS_A_YEAR)
    return pence or None


def _find(text: str, words: dict[str, tuple[str, ...]]) -> frozenset[str]:
    lowered = (text or "").lower()
    return frozenset(key for key, options in words.items() if any(w in lowered for w in options))


def conditions_in(text: str) -> frozenset[str]:
    """Conditions named in the person's "things to avoid"."""
    return _find(text, CONDITION_WORDS)


def adjustments_in(text: str) -> frozenset[str]:
    """Adjustments named in the person's "health and adjustments that matter for work"."""
    return _find(text, ADJUSTMENT_WORDS)


def place_key(text: str) -> str:
    """A place as matching compares it: upper case, single spaces."""
    return " ".join((text or "").upper().split())


def postcode_area(district: str) -> str:
    """The letters that start a postcode district: "LS6" -> "LS"."""
    key = place_key(district)
    letters = re.match(r"[A-Z]{1,2}(?=\d)", key)
    return letters.group(0) if letters else ""
