"""The competitive employment check for a job start, with its reasons in words.

Competitive employment (DWP research report 1025; BRIEF.md "The service model"): a job anyone can apply for regardless of
disability, paid at least the legal minimum wage, on the same pay and terms as co-workers; full- or
part-time; self-employment counts. The legal minimum is the National Minimum Wage or National Living Wage
for the person's age on the start date (``engine.matching.minimum_wage``; source: GOV.UK). The minimum wage
does not apply to the self-employed, so self-employment is judged on being open work only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from placewell.engine.matching import age_on, minimum_rate, pounds


@dataclass(frozen=True)
class Check:
    competitive: bool
    reasons: tuple[str, ...]
    minimum_pence: int | None


def check(
    *,
    started_on: dt.date,
    hourly_pay: Decimal,
    date_of_birth: dt.date | None,
    self_employed: bool,
    open_to_anyone: bool,
    apprenticeship: bool = False,
) -> Check:
    reasons: list[str] = []
    ok = True
    if open_to_anyone:
        reasons.append("Open to anyone, not set aside for disabled people")
    else:
        ok = False
        reasons.append("Set aside for disabled people (sheltered work): not competitive employment")
    if self_employed:
        reasons.append("Self-employment counts as competitive employment; the minimum wage does not apply")
        return Check(ok, tuple(reasons), None)
    age = age_on(date_of_birth, started_on) if date_of_birth else None
    rate = minimum_rate(started_on, age, apprentice=apprenticeship)
    pence = int((hourly_pay * 100).to_integral_value())
    who = (
        "an apprentice"
        if apprenticeship
        else (f"someone aged {age}" if age is not None else "an adult (age not known)")
    )
    if pence >= rate.pence:
        reasons.append(
            f"Pays {pounds(pence)} an hour, at least the legal minimum for {who}: {rate.describe()}"
        )
    else:
        ok = False
        reasons.append(
            f"Pays {pounds(pence)} an hour, below the legal minimum for {who}: {rate.describe()}. "
            "Recorded as a job, but not competitive employment"
        )
    if not rate.confirmed:
        reasons.append("The minimum wage figure used has not yet been checked against GOV.UK")
    return Check(ok, tuple(reasons), rate.pence)
