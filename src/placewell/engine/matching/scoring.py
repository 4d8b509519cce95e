"""How well one vacancy fits one participant, in points, with the reasons in words.

The parts and their points (out of 100) weigh what the IPS principle "jobs matched to preferences" and the
SEQF job-matching phase ask a specialist to check (Baxter et al.'s qualitative evidence synthesis and DWP research report 1025; BRIEF.md, "The service model"):

- kind of job, 40: a kind they asked for (a SOC 2020 sub-major group they chose, or any job in a major group
  they chose) 40; the same major group as a sub-major group they chose 20; no preference recorded 20; else 0.
- hours, 20: inside the band they want 20; within 4 hours of it 10; no preference or "flexible" 15; else 0.
- pay, 20: below the legal minimum for their age 0 (and not competitive); at or above what they hoped for
  20; below it 8; no expectation recorded 15.
- place, 20: home-based, or in a town or postcode district they can travel to, 20; in the same postcode area
  10; no travel area recorded 10; else 0 (outside where they can travel).
- things to avoid: 20 off for each condition of the job they want to avoid.
- adjustments: 5 for each adjustment they need that the employer offers, up to 10.

The total is kept between 0 and 100. A vacancy is a **competitive** match only if it pays at least the legal
minimum for the person's age and is open to anyone (DWP research report 1025: competitive employment is open to anyone, at
least the minimum wage); ranking puts every competitive vacancy above every other, so a below-minimum vacancy
is never ranked as a competitive match. Points are whole numbers so the vectorised ranking
(``vectorised.py``) reproduces these scores exactly.
"""

from __future__ import annotations

import datetime as dt

from placewell.engine.matching.minimum_wage import age_on, minimum_rate
from placewell.engine.matching.model import (
    ADJUSTMENTS,
    CONDITIONS,
    HOURS_BANDS,
    HOURS_LABELS,
    Match,
    Profile,
    Reason,
    Vacancy,
)
from placewell.engine.matching.text import place_key, postcode_area

JOB_EXACT, JOB_RELATED, JOB_OPEN = 40, 20, 20
HOURS_FIT, HOURS_NEAR, HOURS_OPEN = 20, 10, 15
NEAR_HOURS = 4.0
PAY_FIT, PAY_LOWER, PAY_OPEN = 20, 8, 15
PLACE_FIT, PLACE_AREA, PLACE_OPEN = 20, 10, 10
AVOID_PENALTY = 20
ADJUSTMENT_BONUS, ADJUSTMENT_MAX = 5, 10


def pounds(pence: int) -> str:
    return f"£{pence // 100}.{pence % 100:02d}"


def _hours_text(hours: float) -> str:
    return f"{hours:g} hours a week"


def job_part(profile: Profile, vacancy: Vacancy) -> Reason:
    kind = vacancy.soc_title or f"SOC 2020 group {vacancy.soc}"
    if not profile.job_types:
        return Reason("job", JOB_OPEN, "neutral", f"{kind}: no preferred kinds of job recorded yet")
    majors = {c for c in profile.job_types if len(c) == 1}
    subs = {c for c in profile.job_types if len(c) == 2}
    if vacancy.soc[:2] in subs or vacancy.soc[:1] in majors:
        return Reason("job", JOB_EXACT, "good", f"{kind}: a kind of job they want")
    if vacancy.soc[:1] in {s[0] for s in subs}:
        return Reason(
            "job", JOB_RELATED, "neutral", f"{kind}: in the same broad group as a kind of job they want"
        )
    return Reason("job", 0, "concern", f"{kind}: not a kind of job they have said they want")


def hours_part(profile: Profile, vacancy: Vacancy) -> Reason:
    band = HOURS_BANDS.get(profile.hours)
    said = _hours_text(vacancy.hours)
    if band is None:
        return Reason("hours", HOURS_OPEN, "neutral", f"{said}: their hours are flexible or not decided")
    low, high = band
    wanted = HOURS_LABELS[profile.hours]
    if low <= vacancy.hours < high:
        return Reason("hours", HOURS_FIT, "good", f"{said} fits the {wanted} they want")
    if low - NEAR_HOURS <= vacancy.hours < high + NEAR_HOURS:
        return Reason("hours", HOURS_NEAR, "neutral", f"{said} is close to the {wanted} they want")
    return Reason("hours", 0, "concern", f"{said} is not the {wanted} they want")


def pay_parts(profile: Profile, vacancy: Vacancy, on: dt.date) -> tuple[bool, list[Reason]]:
    age = age_on(profile.date_of_birth, on) if profile.date_of_birth else None
    rate = minimum_rate(on, age, apprentice=vacancy.apprenticeship)
    pay = f"{pounds(vacancy.hourly_pence)} an hour"
    out: list[Reason] = []
    open_ = vacancy.open_to_anyone
    if not open_:
        out.append(
            Reason(
                "open",
                0,
                "concern",
                "Set aside for disabled people, not open to anyone: not competitive employment",
            )
        )
    if vacancy.hourly_pence < rate.pence:
        who = "an apprentice" if vacancy.apprenticeship else ("their age" if age is not None else "an adult")
        out.append(
            Reason(
                "pay",
                0,
                "concern",
                f"{pay} is below the legal minimum for {who}, {rate.describe()}: not competitive employment",
            )
        )
        return False, out
    if profile.pay_expected_pence is None:
        out.append(
            Reason(
                "pay", PAY_OPEN, "neutral", f"{pay}, at least the legal minimum; no pay expectation recorded"
            )
        )
    elif vacancy.hourly_pence >= profile.pay_expected_pence:
        out.append(
            Reason(
                "pay",
                PAY_FIT,
                "good",
                f"{pay}, at least the {pounds(profile.pay_expected_pence)} an hour they hope for",
            )
        )
    else:
        out.append(
            Reason(
                "pay",
                PAY_LOWER,
                "concern",
                f"{pay} is less than the {pounds(profile.pay_expected_pence)} an hour they hope for",
            )
        )
    return open_, out


def place_part(profile: Profile, vacancy: Vacancy) -> Reason:
    where = ", ".join(x for x in (vacancy.town, vacancy.postcode_district) if x) or "place not given"
    if vacancy.home_based:
        return Reason("place", PLACE_FIT, "good", "Home-based: no journey to work")
    areas = {place_key(a) for a in profile.travel_areas} - {""}
    if not areas:
        return Reason("place", PLACE_OPEN, "neutral", f"{where}: where they can travel is not recorded yet")
    town, district = place_key(vacancy.town), place_key(vacancy.postcode_district)
    if (town and town in areas) or (district and district in areas):
        return Reason("place", PLACE_FIT, "good", f"{where}: somewhere they can travel to")
    area = postcode_area(district)
    if area and (area in areas or area in {postcode_area(a) for a in areas}):
        return Reason(
            "place", PLACE_AREA, "neutral", f"{where}: in a postcode area they travel to; check the journey"
        )
    listed = ", ".join(sorted(profile.travel_areas))
    return Reason("place", 0, "concern", f"{where}: outside where they can travel ({listed})")


def score(profile: Profile, vacancy: Vacancy, on: dt.date) -> Match:
    """Score one vacancy for one participant on a day (the day decides the legal minimum and their age)."""
    reasons = [job_part(profile, vacancy), hours_part(profile, vacancy)]
    competitive, pay_reasons = pay_parts(profile, vacancy, on)
    reasons += pay_reasons
    reasons.append(place_part(profile, vacancy))
    for key in sorted(vacancy.conditions & profile.avoid):
        reasons.append(
            Reason(
                "avoid", -AVOID_PENALTY, "concern", f"Involves {CONDITIONS[key]}, which they want to avoid"
            )
        )
    offered = sorted(vacancy.adjustments & profile.needs)
    bonus = min(ADJUSTMENT_MAX, ADJUSTMENT_BONUS * len(offered))
    for i, key in enumerate(offered):
        points = max(0, min(ADJUSTMENT_BONUS, bonus - i * ADJUSTMENT_BONUS))
        reasons.append(
            Reason("adjustment", points, "good", f"The employer offers {ADJUSTMENTS[key]}, which they need")
        )
    for key in sorted(profile.needs - vacancy.adjustments):
        reasons.append(
            Reason(
                "adjustment",
                0,
                "neutral",
                f"They need {ADJUSTMENTS[key]}: the employer has not said; ask them",
            )
        )
    total = max(0, min(100, sum(r.points for r in reasons)))
    return Match(vacancy.id, profile.id, total, competitive, tuple(reasons))


def rank_key(match: Match) -> tuple[bool, int, int]:
    """Competitive matches first, then the higher score, then the lower id (so ties are stable)."""
    return (not match.competitive, -match.score, match.vacancy_id)
