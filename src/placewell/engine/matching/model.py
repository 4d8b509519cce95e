"""What matching reads: a participant's profile and a vacancy, as plain values, and what it returns.

Vocabularies for the conditions of a job and the adjustments an employer offers are shared by vacancies and
profiles, so "things to avoid" and "adjustments needed" can be compared with what a vacancy says. They follow
what participants and specialists name as mattering in the published studies (the SESAMI study, 'Someone in my corner', Baxter et al.'s synthesis): flexible and part-time hours, a phased
start, adjustments and Access to Work (DWP research report 1025, section 4.4.5; Learning and Work Institute (2024), "Employer engagement"), and the
things people avoid, such as night work, heavy lifting or a busy, noisy place (the SESAMI study).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CONDITIONS: dict[str, str] = {
    "night_shifts": "night shifts",
    "early_starts": "early starts",
    "weekends": "weekend work",
    "heavy_lifting": "heavy lifting",
    "driving": "driving",
    "customer_facing": "dealing with customers",
    "phones": "working on the phones",
    "working_alone": "working alone",
    "busy_noisy": "a busy or noisy place",
    "outdoors": "working outdoors",
    "standing": "standing for long periods",
}

ADJUSTMENTS: dict[str, str] = {
    "flexible_hours": "flexible hours",
    "phased_start": "a phased start",
    "home_working": "some home working",
    "quiet_space": "a quiet place to work",
    "job_coach": "a job coach or support worker at work",
    "accessible_premises": "accessible premises",
    "adjusted_interview": "an adjusted interview or a work trial",
    "regular_breaks": "regular breaks",
}

HOURS_BANDS: dict[str, tuple[float, float]] = {  # [low, high) hours a week
    "under_16": (0.0, 16.0),
    "16_to_29": (16.0, 30.0),
    "30_plus": (30.0, 1000.0),
}
HOURS_LABELS = {
    "under_16": "fewer than 16 hours a week",
    "16_to_29": "16 to 29 hours a week",
    "30_plus": "30 hours a week or more",
}

CONDITION_BITS = {key: 1 << i for i, key in enumerate(CONDITIONS)}
ADJUSTMENT_BITS = {key: 1 << i for i, key in enumerate(ADJUSTMENTS)}


def mask(keys: frozenset[str] | set[str] | tuple[str, ...], bits: dict[str, int]) -> int:
    out = 0
    for key in keys:
        out |= bits.get(key, 0)
    return out


@dataclass(frozen=True)
class Profile:
    """A participant's current vocational profile, reduced to what matching compares.

    ``job_types`` are SOC 2020 codes: a major group ("9", any job in it) or a sub-major group ("91").
    ``pay_expected_pence`` is hourly. ``travel_areas`` are towns, postcode districts ("LS6") or postcode
    areas ("LS"). ``avoid`` and ``needs`` are keys of ``CONDITIONS`` and ``ADJUSTMENTS``.
    """

    id: int = 0
    job_types: tuple[str, ...] = ()
    hours: str = ""
    pay_expected_pence: int | None = None
    travel_areas: tuple[str, ...] = ()
    avoid: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    date_of_birth: dt.date | None = None


@dataclass(frozen=True)
class Vacancy:
    """An open vacancy, reduced to what matching compares. ``hourly_pence`` is the pay as an hourly rate."""

    id: int
    soc: str
    hours: float
    hourly_pence: int
    town: str = ""
    postcode_district: str = ""
    home_based: bool = False
    apprenticeship: bool = False
    open_to_anyone: bool = True
    conditions: frozenset[str] = frozenset()
    adjustments: frozenset[str] = frozenset()
    title: str = ""
    soc_title: str = ""


@dataclass(frozen=True)
class Reason:
    """One part of a score in words. ``kind`` is "good", "neutral" or "concern"."""

    part: str
    points: int
    kind: str
    text: str


@dataclass(frozen=True)
class Match:
    vacancy_id: int
    participant_id: int
    score: int  # 0 to 100
    competitive: bool  # pays at least the legal minimum for the person's age and is open to anyone
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def concerns(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.kind == "concern")
