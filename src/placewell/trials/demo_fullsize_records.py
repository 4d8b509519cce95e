"""The records of the full-size demo trial: pure functions from simulated values to record contents (job
spells, contacts, questionnaire answers, monthly administrative outcomes) and the writers for contacts (through
``casework.services.record_contacts``), surveys and jobs (through ``placements.services.record_job_starts``). :mod:`placewell.trials.demo_fullsize` builds the trial and its people and calls these; the
derivation the analysis dataset reads back is described there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db import models
from django.utils import timezone

from placewell.accounts.models import User
from placewell.casework import services as casework
from placewell.engine.matching import age_on, minimum_rate
from placewell.engine.measures import get_instrument, score_many
from placewell.engine.measures.eq5d5l import DIMENSIONS, STATES
from placewell.engine.measures.swemwbs import CONVERSION
from placewell.participants.models import (
    Participant,
)
from placewell.placements import services as placements
from placewell.surveys import services as surveys
from placewell.surveys.models import Invitation, Response, SurveyEnrolment
from placewell.trials.models import Trial
from placewell.ui.months import add_months

BATCH = 2000

# ---- Record contents: pure functions of the simulated values ------------------------------------------------

WINDOW = 365
"""The outcome window: days 1 to 365 after the randomisation date (the derivation in the docstring)."""
SUSTAINED = 91
"""13 weeks: employment for 13 or more weeks in the 12 months (DWP research report 1025, Table 6.3)."""
JOBS = (("Retail assistant", "71"), ("Care worker", "61"), ("Administrative assistant", "41"),
        ("Warehouse operative", "91"), ("Customer adviser", "72"), ("Kitchen assistant", "92"),
        ("Delivery driver", "82"), ("Cleaner", "92"), ("Machine operator", "81"), ("Receptionist", "42"))  # fmt: skip
EMPLOYERS = ("Dunmore Foods", "Hallam Care Homes", "Brookside Logistics", "Kestrel Retail", "Ashgrove Council",
             "Calder Engineering", "Tilly's Café", "Northgate Hotel", "Parkway Cleaning", "Valley Builders")  # fmt: skip


@dataclass(frozen=True)
class Spell:
    """A job as days after the randomisation date (``last_day`` None while it lasts)."""

    first_day: int
    last_day: int | None
    hours_hundredths: int
    pay_pence: int
    title: str
    soc: str
    employer: str
    contract: str
    end_reason: str


def pick(rng: np.random.Generator, options: Any, weights: list[float] | None = None) -> Any:
    """One of ``options`` (with these weights, or equally likely): much quicker than ``rng.choice`` for one
    value, which matters when it runs half a million times."""
    options = list(options)
    if weights is None:
        return options[int(rng.random() * len(options))]
    r, total = rng.random() * sum(weights), 0.0
    for option, weight in zip(options, weights, strict=True):
        total += weight
        if r < total:
            return option
    return options[-1]


def _fit(rng: np.random.Generator, target: float, lo: int, hi: int, floor: int) -> tuple[int, int, int]:
    """Days in the window, hours (hundredths) and pay (pence) whose earnings, days / 7 x hours x pay, come
    nearest ``target`` pence: a search over about 40 durations and 120 pay rates near a plausible pair,
    which in practice lands well within a penny. Pay is at least ``floor`` and hours at most 40 a week
    unless the pay needed is very high."""
    d0 = int(rng.integers(lo, hi + 1))
    weekly = target * 7 / d0
    pay = floor * rng.uniform(1.0, 1.6)
    pay = max(pay, weekly / 40)
    days = np.arange(max(lo, d0 - 20), min(hi, d0 + 20) + 1)[:, None]
    rates = np.arange(int(pay), int(pay) + 120)[None, :]
    hours = np.clip(np.rint(700 * target / (days * rates)), 1, 99_999)
    error = np.abs(days * hours * rates / 700 - target)
    i, j = np.unravel_index(int(np.argmin(error)), error.shape)
    return int(days[i, 0]), int(hours[i, j]), int(rates[0, j])


def jobs_for(rng: np.random.Generator, employed: bool, earnings: float, floor: int) -> list[Spell]:
    """Jobs reproducing one person's simulated 12-month employment and earnings under the derivation."""

    def spell(first: int, last: int | None, hours: int, pay: int) -> Spell:
        title, soc = JOBS[int(rng.integers(len(JOBS)))]
        contract = pick(rng, ["permanent", "fixed_term", "temporary", "zero_hours"], [0.6, 0.2, 0.1, 0.1])
        reason = pick(rng, ["resigned", "contract_ended", "health", "better_job"])
        return Spell(
            first,
            last,
            hours,
            pay,
            title,
            soc,
            EMPLOYERS[int(rng.integers(len(EMPLOYERS)))],
            contract,
            reason,
        )

    if not employed:
        if rng.random() >= 0.15:
            return []
        first = WINDOW + 1 + int(rng.integers(0, 150))  # after the window: no earnings inside it
        length = int(rng.integers(7, SUSTAINED))
        return [
            spell(first, first + length - 1, int(rng.integers(800, 3001)), floor + int(rng.integers(60, 300)))
        ]
    target = earnings * 100
    out: list[Spell] = []
    lo, hi, last_before = SUSTAINED, WINDOW, 0
    if rng.random() < 0.25:  # a short first job, then the main one: only their union lasts 13 weeks
        length, first = int(rng.integers(21, 81)), int(rng.integers(1, 41))
        pay = floor + int(rng.integers(0, 150))
        hours = min(int(rng.integers(800, 2001)), int(0.3 * target * 700 / (length * pay)))
        if hours >= 100:
            out.append(spell(first, first + length - 1, hours, pay))
            target -= length * hours * pay / 700
            lo, hi, last_before = (
                max(SUSTAINED - length, 28),
                WINDOW - 7 - (first + length - 1),
                first + length - 1,
            )
    days, hours, pay = _fit(rng, target, lo, hi, floor)
    kind = rng.random()
    if out or kind < 0.8:  # runs to the end of the window: open (still in the job) or ended later
        first = WINDOW + 1 - days
        last = None if kind < 0.5 else WINDOW + int(rng.integers(1, 200))
    else:
        first = int(rng.integers(max(1, last_before + 1), WINDOW + 2 - days))
        last = first + days - 1
    out.append(spell(first, last, hours, pay))
    return out


def contact_rows(
    rng: np.random.Generator, day0: dt.date, meetings: int, long_sessions: int, first_day: int
) -> list[tuple[dt.date, int, str, str, list[str]]]:
    """``meetings`` contacts, the first ``first_day`` days after randomisation and the rest over the nine
    months of support; ``long_sessions`` of them over 15 minutes (DWP research report 1025, MI; BRIEF.md)."""
    offsets = np.minimum(
        [first_day, *sorted(first_day + rng.integers(1, 270, size=meetings - 1))], WINDOW - 1
    )
    long = set(rng.permutation(meetings)[:long_sessions].tolist())
    purposes = ["profiling", "job_search", "applications", "interviews", "benefits", "health", "disclosure"]
    out = []
    for k, offset in enumerate(offsets):
        if k in long:
            mode = pick(rng, ["face_to_face", "video", "phone"], [0.6, 0.2, 0.2])
            minutes = pick(rng, [20, 30, 45, 60, 75, 90])
        else:
            mode = pick(rng, ["phone", "text", "email"], [0.6, 0.3, 0.1])
            minutes = pick(rng, [5, 10, 15])
        place = pick(rng, ["community", "health", "office"]) if mode == "face_to_face" else "remote"
        out.append((day0 + dt.timedelta(days=int(offset)), minutes, mode, place, [pick(rng, purposes)]))
    return out


@functools.cache
def _eq5d_values() -> np.ndarray:
    """The England value of each of the 3,125 states, scored once by the engine."""
    frame = pd.DataFrame([[int(c) for c in s] for s in STATES], columns=list(DIMENSIONS))
    return score_many("eq5d5l", frame)["value"].to_numpy()


def eq5d_answers(rng: np.random.Generator, targets: np.ndarray) -> list[dict[str, int]]:
    """For each index, a health state whose England value is the nearest to it (one of them, at random,
    where several states share that value), with the EQ VAS at 100 x the index, kept within 0-100."""
    values = _eq5d_values()
    levels = np.unique(values)
    nearest = levels[np.abs(levels[None, :] - targets[:, None]).argmin(axis=1)]
    out = []
    for value in nearest:
        states = np.flatnonzero(values == value)
        state = STATES[int(states[rng.integers(len(states))])]
        answers = {d: int(c) for d, c in zip(DIMENSIONS, state, strict=True)}
        answers["vas"] = int(min(max(round(100 * value), 0), 100))
        out.append(answers)
    return out


def swemwbs_answers(rng: np.random.Generator, targets: np.ndarray) -> list[dict[str, int]]:
    """For each metric score, seven answers whose raw total has the nearest metric score (Warwick table)."""
    raws = np.array(sorted(CONVERSION))
    metrics = np.array([CONVERSION[r] for r in raws])
    out = []
    for raw in raws[np.abs(metrics[None, :] - targets[:, None]).argmin(axis=1)]:
        base, extra = divmod(int(raw), 7)
        higher = set(rng.permutation(7)[:extra].tolist())
        out.append({f"item{k + 1}": base + (k in higher) for k in range(7)})
    return out


def monthly_outcomes(
    participant_id: int,
    randomised_on: dt.date,
    jobs: list[tuple[dt.date, dt.date | None, float]],
    claims: bool,
) -> Iterator[tuple[str, int, float, int]]:
    """Calendar months from randomisation to the end of the window: employed (any paid day), earnings
    (days / 7 x weekly pay, per job) and out-of-work benefits (claimed in months without work by four in
    five out-of-work recruits; an assumption, as the synthesis gives no rate)."""
    month = randomised_on.replace(day=1)
    last = randomised_on + dt.timedelta(days=WINDOW)
    claimant = claims and participant_id % 5 != 0
    while month <= last:
        end = add_months(month, 1) - dt.timedelta(days=1)
        earnings, employed = 0.0, 0
        for start, stop, weekly in jobs:
            days = (min(stop or end, end) - max(start, month)).days + 1
            if days > 0:
                employed, earnings = 1, earnings + days / 7 * weekly
        yield f"{month:%Y-%m}", employed, round(earnings, 2), int(claimant and not employed)
        month = add_months(month, 1)


@contextlib.contextmanager
def historic(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts keep the historical times set on each object: ``auto_now`` and ``auto_now_add``
    fields otherwise stamp the time of loading. Restored on the way out, whatever happens."""
    changed = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in changed:
            f.auto_now, f.auto_now_add = now, now_add


def local_time(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    with historic(model):
        return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]


def by_recorder(rows: list[dict[str, Any]]) -> dict[User, list[dict[str, Any]]]:
    """Rows grouped by who recorded them (in order of first appearance), so each specialist's records are
    written, and audited, as that specialist's."""
    out: dict[User, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["recorded_by"], []).append(row)
    return out


def write_contacts(
    rng: np.random.Generator,
    people: list[Participant],
    data: pd.DataFrame,
    days: list,
    staff: dict[int, User],
) -> int:
    """Each treated person's meetings, recorded through ``casework.services.record_contacts`` as past
    casework (``history``): by their specialist, on the evening of the day they happened."""
    rows = []
    meetings, long, first = (
        data[c].to_numpy() for c in ("meetings", "long_sessions", "days_to_first_session")
    )
    for i in np.flatnonzero(meetings > 0):
        p = people[i]
        for when, minutes, mode, place, purposes in contact_rows(
            rng, days[i], int(meetings[i]), int(long[i]), int(first[i])
        ):
            rows.append(
                {
                    "participant": p,
                    "happened_at": local_time(when, 10) + dt.timedelta(minutes=int(rng.integers(0, 420))),
                    "duration_minutes": minutes,
                    "mode": mode,
                    "place": place,
                    "purposes": purposes,
                    "recorded_by": staff[p.specialist_id],  # type: ignore[index]
                    "recorded_at": local_time(when, 18),
                }
            )
    for specialist, theirs in by_recorder(rows).items():
        casework.record_contacts(
            by=specialist, contacts=theirs, how="loaded with the full-size demo trial", history=True
        )
    return len(rows)


def _scored(instrument_id: str, answers: list[dict[str, int]]) -> list[dict[str, Any]]:
    """The engine's scores for many answer sets at once, as ``Response`` field values."""
    frame = pd.DataFrame(answers)
    scores = score_many(instrument_id, frame)
    extra = [c for c in scores.columns if c not in ("raw", "value", "band", "complete", "reasons")]
    out = []
    for rec in scores.to_dict("records"):
        out.append(
            {
                "raw": None if rec["raw"] != rec["raw"] else float(rec["raw"]),
                "value": None if rec["value"] != rec["value"] else float(rec["value"]),
                "band": rec["band"] if isinstance(rec["band"], str) else "",
                "complete": bool(rec["complete"]),
                "reasons": [r for r in str(rec["reasons"]).split("; ") if r],
                "details": {
                    k: (v.item() if hasattr(v, "item") else v) for k, v in ((c, rec[c]) for c in extra)
                },
                "scoring_version": scores.attrs["version"],
            }
        )
    return out


def write_surveys(
    rng: np.random.Generator,
    trial: Trial,
    manager: User,
    people: list[Participant],
    data: pd.DataFrame,
    days: list,
) -> tuple[int, int]:
    """Baseline and 12-month waves asking EQ-5D-5L and SWEMWBS; the 4-month wave is not run (the simulator
    has no 4-month outcomes). Everyone answers the baseline in the first meeting; everyone is invited at 12
    months and those the simulator says responded answer."""
    waves = {
        w.key: w
        for w in surveys.ensure_default_waves(
            by=manager, service=trial.service, trial_reference=trial.registration_number
        )
    }
    for key, wave in waves.items():
        change = {"is_active": False} if key == "4-month" else {"instruments": ["eq5d5l", "swemwbs"]}
        surveys.update_wave(by=manager, wave=wave, changes=change)
    enrolments = bulk(
        SurveyEnrolment,
        [
            SurveyEnrolment(
                participant_id=p.pk,
                service=trial.service,
                trial_reference=trial.registration_number,
                baseline_date=days[i],
                mode=p.survey_mode,
                phone=p.phone,
                snapshot_at=p.updated_at - dt.timedelta(minutes=50),
                created_at=p.updated_at - dt.timedelta(minutes=50),
            )
            for i, p in enumerate(people)
        ],
    )
    responded = data["responded_12m"].to_numpy() == 1
    invitations = []
    for i, (p, e) in enumerate(zip(people, enrolments, strict=True)):
        for key, due in (("baseline", days[i]), ("12-month", add_months(days[i], 12))):
            wave = waves[key]
            answered = key == "baseline" or responded[i]
            invitations.append(
                Invitation(
                    enrolment=e,
                    participant_id=p.pk,
                    wave=wave,
                    due_date=due,
                    window_opens=due - dt.timedelta(days=wave.opens_days_before),
                    window_closes=due + dt.timedelta(days=wave.closes_days_after),
                    batch=f"{due:%Y-%m}",
                    mode=p.survey_mode if key != "baseline" else "face_to_face",
                    status=Invitation.Status.RESPONDED if answered else Invitation.Status.NON_RESPONSE,
                    outcome_reason="" if answered else "The fieldwork window closed without a response",
                    outcome_at=local_time(
                        due + dt.timedelta(days=int(rng.integers(0, 40)) if key != "baseline" else 0), 12
                    ),
                    created_at=local_time(due - dt.timedelta(days=wave.opens_days_before), 8),
                )
            )
    bulk(Invitation, invitations)
    wanted = {
        "eq5d5l": (data["baseline_eq5d"], data["eq5d_12m"], eq5d_answers),
        "swemwbs": (data["baseline_swemwbs"], data["swemwbs_12m"], swemwbs_answers),
    }
    rows: list[Response] = []
    for instrument_id, (base, follow, answer) in wanted.items():
        instrument = get_instrument(instrument_id)
        for w, values in enumerate((base, follow)):
            chosen = [i for i in range(len(people)) if w == 0 or responded[i]]
            sets = answer(rng, values.to_numpy()[chosen])
            for i, answers, score in zip(chosen, sets, _scored(instrument_id, sets), strict=True):
                invitation = invitations[2 * i + w]
                if w == 0:
                    day, at = invitation.due_date, local_time(invitation.due_date, 10, 30)
                else:
                    outcome_at = invitation.outcome_at
                    if outcome_at is None:  # not reached: only those who responded are answered for
                        continue
                    day, at = outcome_at.date(), outcome_at
                rows.append(
                    Response(
                        participant_id=people[i].pk,
                        invitation=invitation,
                        instrument_id=instrument_id,
                        instrument_version=instrument.version,
                        wording_label="descriptive stand-in",
                        answers=answers,
                        state=Response.State.SUBMITTED,
                        mode=invitation.mode,
                        via=Response.Via.STAFF,
                        entered_by_id=people[i].specialist_id if w == 0 else None,
                        started_at=at,
                        completed_on=day,
                        submitted_at=at,
                        scored_at=at,
                        **score,
                    )
                )
    bulk(Response, rows)
    return len(invitations), len(rows)


def write_jobs(
    rng: np.random.Generator,
    people: list[Participant],
    data: pd.DataFrame,
    days: list,
    staff: dict[int, User],
) -> int:
    """Each person's simulated jobs, recorded through ``placements.services.record_job_starts`` as past
    jobs (``history``): by their specialist, on the afternoon of the first day, with the end where known."""
    rows = []
    employed, earned = data["employed_13wk"].to_numpy(), data["earnings_12m"].to_numpy()
    treated, meetings = data["treatment"].to_numpy(), data["meetings"].to_numpy()
    for i, p in enumerate(people):
        end = days[i] + dt.timedelta(days=365)
        age = age_on(p.date_of_birth, end)  # type: ignore[arg-type]
        floor = minimum_rate(end, age).pence  # the highest rate the window sees, for their age at its end
        for spell in jobs_for(rng, bool(employed[i]), float(earned[i]), floor):
            started = days[i] + dt.timedelta(days=spell.first_day)
            ended = None if spell.last_day is None else days[i] + dt.timedelta(days=spell.last_day)
            rows.append(
                {
                    "participant": p,
                    "employer_name": spell.employer,
                    "job_title": spell.title,
                    "soc_code": spell.soc,
                    "started_on": started,
                    "hours": Decimal(spell.hours_hundredths) / 100,
                    "hourly_pay": Decimal(spell.pay_pence) / 100,
                    "contract_type": spell.contract,
                    "through_service": bool(treated[i]) and bool(meetings[i]),
                    "ended_on": ended,
                    "end_reason": spell.end_reason if ended else "",
                    "recorded_by": staff[p.specialist_id],  # type: ignore[index]
                    "recorded_at": local_time(started, 16),
                }
            )
    for specialist, theirs in by_recorder(rows).items():
        placements.record_job_starts(
            by=specialist, jobs=theirs, how="loaded with the full-size demo trial", history=True
        )
    return len(rows)
