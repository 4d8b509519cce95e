"""A full-size demo trial: the Health-led Trials' 9,785 recruits, from the calibrated simulator, as records.

The three groups (SCR in work, SCR out of work, WMCA out of work) have the published arm sizes (seed 001,
Table 1.1) and every person's baseline, arm, meetings and 12-month outcomes come from
:func:`placewell.engine.simulate.simulate_trial`, whose true effects are the published ones. They become the
records a real trial would hold: participants with a referral, a screening and an agreement; the allocation
log; casework contacts for the treated; baseline and 12-month survey invitations and responses; job starts;
and an administrative outcomes file for linkage. It is a separate service ("Riverside IPS-LITE trial") so the
main demo's caseloads stay small. Recruitment ran from May 2018 to October 2019, as in the trials.

Why bulk inserts rather than the actions: 9,785 people through ``refer_participant``, ``randomise`` and the
survey actions take far too long for ``./run demo``. The trial, its sites, arms and groups, and its survey
waves are still made by the actions; the people are written with ``bulk_create`` in batches, each table in a
handful of statements, and one "create" audit event per participant is written the same way. Times are the
historical ones (a person referred in 2018 shows 2018 in their timeline), so the loader switches off
``auto_now``/``auto_now_add`` while it inserts (:func:`_historic`).

Outcome records follow one derivation, which the analysis dataset reads back (a contract): over the 365 days
after the randomisation date (``randomised_on + 1`` to ``randomised_on + 365``), ``employed_13wk`` is 1 when
the union of days in paid jobs (``started_on`` to ``ended_on``, an open job to the end of the window) is 91 or
more, and ``earnings_12m`` is the sum over jobs of the days inside the window / 7 x hours x hourly pay. Each
person employed in the simulation gets a job (or two, neither alone 91 days long) reproducing their earnings
to the penny, at or above the legal minimum wage for their age; about one in seven of the others gets a short
job that starts after the window, so employment is not the same as ever having had a job. EQ-5D-5L answers
are the health state whose England value is nearest the simulated index, SWEMWBS answers the raw total
whose metric score is nearest the simulated score.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from placewell.accounts import services as accounts
from placewell.accounts.models import AuditEvent, Organisation, Role, Service, User
from placewell.casework.models import Contact
from placewell.engine.matching import age_on, minimum_rate
from placewell.engine.measures import get_instrument, score_many
from placewell.engine.measures.eq5d5l import DIMENSIONS, STATES
from placewell.engine.measures.swemwbs import CONVERSION
from placewell.engine.simulate import SimulationConfig, simulate_trial
from placewell.participants import services as participants
from placewell.participants.identifiers import nhs_check_digit
from placewell.participants.models import (
    Agreement,
    AgreementAnswer,
    AgreementDocument,
    EligibilityRuleSet,
    Participant,
    Referral,
    Screening,
    Status,
)
from placewell.placements import competitive
from placewell.placements.models import JobStart
from placewell.surveys import services as surveys
from placewell.surveys.models import Invitation, Response, SurveyEnrolment
from placewell.trials import demo, services
from placewell.trials.models import Allocation, Trial
from placewell.web.demo import DEMO_PASSWORD, ETHNICITY, FIRST_NAMES, HEALTH, LAST_NAMES
from placewell.web.months import add_months

REGISTRATION = "ISRCTN20180501"
TRIAL_NAME = "Health-led Employment Trial, full size (demo)"
SERVICE_NAME = "Riverside IPS-LITE trial"
PROVIDER_NAME = "Riverside Employment Partnership"
MANAGER = "nadia"
SEED = 20180501
BATCH = 2000
ADMIN_FILE = "fullsize_trial_admin_outcomes.csv"
STAGES = 9
"""How many progress messages :func:`load_fullsize_trial` sends (one per stage), for a progress bar."""

SITES = {"SCR": ("scr", "Sheffield City Region"), "WMCA": ("wmca", "West Midlands")}
STATUS = {"IW": "in_work", "OOW": "out_of_work"}
RULE_SETS = {
    "SCR IW": "hlt-scr-in-work",
    "SCR OOW": "hlt-scr-out-of-work",
    "WMCA OOW": "hlt-wmca-out-of-work",
}
WORK_HISTORY = {
    "always": "always",
    "more than half": "more_than_half",
    "less than half": "less_than_half",
    "none in 2 years": "none",
}
AGE_RANGES = {"<30": (18, 29), "30-39": (30, 39), "40-49": (40, 49), "50+": (50, 64)}  # seed 001, Table 1.2
OTHER_LIMITATION = {"some_extent": 44, "little": 18, "not_at_all": 4}  # Table 1.6, without "a great deal"
SOURCES = {"SCR": {"gp": 18, "specialist_health": 24, "self": 30, "jobcentre": 22, "other": 6},
           "WMCA": {"gp": 16, "specialist_health": 4, "self": 35, "jobcentre": 35, "other": 10}}  # fmt: skip
"""Referral routes (BRIEF.md): SCR 42% from health (18% GP, 24% specialist), WMCA 20% (16% GP, 4%)."""

ARMS = {
    "treatment": ("Treatment: IPS-LITE support", "Support from an employment specialist"),
    "control": ("Control: other local support", "Other local support, with a leaflet to take away"),
}
OTHER_CONDITIONS = {k: v for k, v in HEALTH.items() if k not in ("stress_anxiety", "depression")}
Progress = Callable[[str], None]


@dataclass
class FullSizeTrial:
    """What was loaded: the trial, the simulated data, and each simulated row's participant id."""

    trial: Trial
    data: pd.DataFrame
    participant_ids: np.ndarray
    randomised_on: list[dt.date]


# ---- Record contents: pure functions of the simulated values ------------------------------------------------

WINDOW = 365
"""The outcome window: days 1 to 365 after the randomisation date (the derivation in the docstring)."""
SUSTAINED = 91
"""13 weeks: employment for 13 or more weeks in the 12 months (seed 001, Table 6.3)."""
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
        contract = _pick(rng, ["permanent", "fixed_term", "temporary", "zero_hours"], [0.6, 0.2, 0.1, 0.1])
        reason = _pick(rng, ["resigned", "contract_ended", "health", "better_job"])
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
    months of support; ``long_sessions`` of them over 15 minutes (seed 001 MI; BRIEF.md)."""
    offsets = np.minimum(
        [first_day, *sorted(first_day + rng.integers(1, 270, size=meetings - 1))], WINDOW - 1
    )
    long = set(rng.permutation(meetings)[:long_sessions].tolist())
    purposes = ["profiling", "job_search", "applications", "interviews", "benefits", "health", "disclosure"]
    out = []
    for k, offset in enumerate(offsets):
        if k in long:
            mode = _pick(rng, ["face_to_face", "video", "phone"], [0.6, 0.2, 0.2])
            minutes = _pick(rng, [20, 30, 45, 60, 75, 90])
        else:
            mode = _pick(rng, ["phone", "text", "email"], [0.6, 0.3, 0.1])
            minutes = _pick(rng, [5, 10, 15])
        place = _pick(rng, ["community", "health", "office"]) if mode == "face_to_face" else "remote"
        out.append((day0 + dt.timedelta(days=int(offset)), minutes, mode, place, [_pick(rng, purposes)]))
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
def _historic(*model_classes: type[models.Model]) -> Iterator[None]:
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


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    with _historic(model):
        return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]


def _structure(rng: np.random.Generator, data: pd.DataFrame) -> tuple[Service, User, dict[str, User]]:
    """The provider, service, teams and staff: a service manager and one specialist per simulated caseload.

    Specialists' accounts have no usable password (they exist to own caseloads); the manager signs in with
    the demo password."""
    provider = accounts.create_organisation(by=None, name=PROVIDER_NAME, kind="provider")
    service = accounts.create_service(
        by=None,
        provider=provider,
        name=SERVICE_NAME,
        model=Service.Model.IPS_LITE,
        pre_employment_limit_months=9,
        in_work_limit_months=4,
        caseload_target=35,
        public_description="Time-limited support to find or stay in work, offered within a randomised trial.",
    )
    commissioner = Organisation.objects.filter(name="Northshire Combined Authority").first()
    if commissioner is not None:  # so the demo's evaluator (eve) can analyse it
        service.commissioner = commissioner
        service.save(update_fields=["commissioner"])
    teams = {
        site: accounts.create_team(by=None, service=service, name=name) for site, (_, name) in SITES.items()
    }
    manager = accounts.create_staff(
        by=None,
        username=MANAGER,
        password=DEMO_PASSWORD,
        first_name="Nadia",
        last_name="Osei",
        email=f"{MANAGER}@demo.placewell.invalid",
        role=Role.SERVICE_MANAGER,
        service=service,
    )
    for key in RULE_SETS.values():
        participants.adopt_rule_set(
            by=None, service=service, template=EligibilityRuleSet.objects.get(service=None, key=key)
        )
    unusable = make_password(None)
    codes = sorted(data["specialist"].unique())
    people = [
        User(
            username=f"rv-{code.lower()}",
            password=unusable,
            first_name=_pick(rng, FIRST_NAMES["female" if i % 2 else "male"]),
            last_name=_pick(rng, LAST_NAMES),
            email=f"rv-{code.lower()}@demo.placewell.invalid",
            role=Role.SPECIALIST,
            team=teams[code.split("-")[0]],
        )
        for i, code in enumerate(codes)
    ]
    User.objects.bulk_create(people, batch_size=BATCH)
    specialists = {
        u.username.removeprefix("rv-").upper(): u for u in User.objects.filter(team__service=service)
    }
    return service, manager, specialists


def _trial(manager: User, service: Service, data: pd.DataFrame) -> Trial:
    opens, closes = dt.date(2018, 5, 1), dt.date(2019, 10, 31)  # seed 001, Table 6.2
    trial = services.create_trial(
        by=manager,
        service=service,
        name=TRIAL_NAME,
        registration_number=REGISTRATION,
        stratify_by=["employment_status"],
        recruitment_opens_on=opens,
        recruitment_closes_on=closes,
        recruitment_target=len(data),
    )
    for code, name in SITES.values():
        team = service.teams.get(name=name)
        services.add_site(by=manager, trial=trial, code=code, name=name, teams=[team])
    for code in ("treatment", "control"):
        services.add_arm(
            by=manager,
            trial=trial,
            code=code,
            name=ARMS[code][0],
            participant_label=ARMS[code][1],
            next_steps=demo.TREATMENT_STEPS if code == "treatment" else demo.CONTROL_STEPS,
            leaflet="" if code == "treatment" else demo.LEAFLET,
            is_treatment=code == "treatment",
        )
    sizes = data.groupby("trial_group").size()
    services.set_strata(
        by=manager,
        trial=trial,
        keys=[_stratum_key(g) for g in sizes.index],
        targets={_stratum_key(g): int(n) for g, n in sizes.items()},
    )
    return services.lock_trial(by=manager, trial=trial)


def _stratum_key(group: str) -> str:
    from placewell.engine.randomisation import stratum_key

    site, status = group.split()
    return stratum_key({"site": SITES[site][0], "employment_status": STATUS[status]})


def _nhs_numbers(n: int) -> list[str]:
    """Valid NHS numbers (modulus 11) in the 9xx range, which is never issued to real people, skipping any
    the database already holds."""
    taken = set(Participant.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
    out, stem = [], 987_000_000
    while len(out) < n:
        stem += 1
        check = nhs_check_digit(str(stem))
        number = f"{stem}{check}"
        if check is not None and number not in taken:
            out.append(number)
    return out


def _randomisation_days(rng: np.random.Generator, months: pd.Series) -> list[dt.date]:
    """A weekday in each person's simulated month of randomisation."""
    out = []
    for month in months:
        year, mon = map(int, month.split("-"))
        first = dt.date(year, mon, 1)
        days = [first + dt.timedelta(days=k) for k in range((add_months(first, 1) - first).days)]
        weekdays = [d for d in days if d.weekday() < 5]
        out.append(weekdays[rng.integers(len(weekdays))])
    return out


def _people(
    rng: np.random.Generator, data: pd.DataFrame, service: Service, specialists: dict[str, User], days: list
) -> list[Participant]:
    teams = {t.name: t for t in service.teams.all()}
    numbers = _nhs_numbers(len(data))
    ethnic_other = {k: v for k, v in ETHNICITY.items() if not k.startswith("white")}
    out = []
    for i, row in enumerate(data.itertuples(index=False)):
        low, high = AGE_RANGES[row.age_band]
        age = int(rng.integers(low, high + 1))
        born = days[i] - dt.timedelta(days=365 * age + int(rng.integers(0, 365)) + age // 4)
        gender = row.gender if isinstance(row.gender, str) else ""
        sex = gender or ("female" if rng.random() < 0.5 else "male")
        conditions = [c for c in ("stress_anxiety", "depression") if getattr(row, c) == 1]
        conditions += [c for c, share in OTHER_CONDITIONS.items() if rng.random() < share]
        limits = row.limits_great_deal
        out.append(
            Participant(
                service=service,
                team=teams[SITES[row.site][1]],
                specialist_id=specialists[row.specialist].pk,
                status=Status.CLOSED if row.treatment else Status.AGREED,
                given_name=_pick(rng, FIRST_NAMES[sex]),
                family_name=_pick(rng, LAST_NAMES),
                date_of_birth=born,
                phone=f"07700 9{int(rng.integers(0, 100000)):05d}",
                preferred_contact_method=_pick(rng, ["phone", "text", "email"], [0.5, 0.3, 0.2]),
                survey_mode=_pick(rng, ["web", "phone", "face_to_face"], [0.5, 0.4, 0.1]),
                nhs_number=numbers[i],
                gender=gender,
                ethnic_group="white_british"
                if row.white == 1
                else _pick(rng, list(ethnic_other), _shares(ethnic_other)),
                health_conditions=conditions or ["stress_anxiety"],
                activity_limitation=""
                if limits != limits
                else (
                    "great_deal"
                    if limits == 1
                    else _pick(rng, list(OTHER_LIMITATION), _shares(OTHER_LIMITATION))
                ),
                employment_status=STATUS[row.work_status],
                work_history=WORK_HISTORY.get(row.work_history, "")
                if isinstance(row.work_history, str)
                else "",
                created_at=_at(days[i] - dt.timedelta(days=int(rng.integers(3, 22))), 9),
                updated_at=_at(days[i], 11),
                closed_at=_at(add_months(days[i], 13), 12) if row.treatment else None,
                closed_reason=("Support finished" if row.meetings else "Did not take up support")
                if row.treatment
                else "",
            )
        )
    return out


def _shares(options: dict[str, float]) -> list[float]:
    total = sum(options.values())
    return [v / total for v in options.values()]


def _pick(rng: np.random.Generator, options: Any, weights: list[float] | None = None) -> Any:
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


def _journey(
    rng: np.random.Generator, people: list[Participant], data: pd.DataFrame, service: Service
) -> None:
    """Referral, screening (every answer qualifying) and agreement (every statement agreed) for each person."""
    rule_sets = {
        rs.key: (rs, list(rs.questions.all()))
        for rs in EligibilityRuleSet.objects.filter(service=service).prefetch_related("questions")
    }
    document = AgreementDocument.objects.filter(service=None, published_at__isnull=False).order_by(
        "-version"
    )[0]
    statements = list(document.statements.all())
    referrals, screenings, agreements = [], [], []
    for p, row in zip(people, data.itertuples(index=False), strict=True):
        sources = SOURCES[row.site]
        referrals.append(
            Referral(
                participant_id=p.pk,
                source=_pick(rng, list(sources), _shares(sources)),
                referral_date=p.created_at.date(),
                created_by_id=p.specialist_id,
                created_at=p.created_at,
            )
        )
        rule_set, questions = rule_sets[RULE_SETS[row.trial_group]]
        met = p.updated_at - dt.timedelta(minutes=60)
        screenings.append(
            Screening(
                participant_id=p.pk,
                rule_set=rule_set,
                answers={q.key: q.qualifying_answer for q in questions},
                eligible=True,
                screened_by_id=p.specialist_id,
                screened_at=met,
            )
        )
        agreements.append(
            Agreement(
                participant_id=p.pk,
                document=document,
                format="easy_read" if rng.random() < 0.1 else "plain",
                all_required_agreed=True,
                recorded_by_id=p.specialist_id,
                recorded_at=met + dt.timedelta(minutes=20),
            )
        )
    _bulk(Referral, referrals)
    _bulk(Screening, screenings)
    _bulk(Agreement, agreements)
    _bulk(
        AgreementAnswer,
        [
            AgreementAnswer(
                agreement=a,
                statement=s,
                statement_text=s.text_easy_read if a.format == "easy_read" else s.text_plain,
                agreed=True,
            )
            for a in agreements
            for s in statements
        ],
    )


def _audit(people: list[Participant]) -> None:
    """One "create" event per participant, as ``refer_participant`` writes, in bulk."""
    names = {
        u.pk: u.get_full_name() or u.username
        for u in User.objects.filter(pk__in={p.specialist_id for p in people})
    }
    _bulk(
        AuditEvent,
        [
            AuditEvent(
                at=p.created_at,
                actor_id=p.specialist_id,
                actor_label=names[p.specialist_id],
                action=AuditEvent.Action.CREATE,
                record_type="participant",
                record_id=str(p.pk),
                participant_id=p.pk,
                service_id=p.service_id,
                summary="Referred (entered by staff); loaded with the full-size demo trial",
            )
            for p in people
        ],
    )


def _allocations(trial: Trial, people: list[Participant], data: pd.DataFrame, days: list[dt.date]) -> None:
    strata = {s.key: s.pk for s in trial.strata.all()}
    arms = {a.code: a.pk for a in trial.arms.all()}
    groups, treated = data["trial_group"].to_numpy(), data["treatment"].to_numpy()
    order = sorted(range(len(people)), key=lambda i: (days[i], i))
    slots: dict[str, int] = {}
    rows = []
    for i in order:
        p = people[i]
        key = _stratum_key(groups[i])
        slots[key] = slots.get(key, 0) + 1
        arm = "treatment" if treated[i] else "control"
        rows.append(
            Allocation(
                trial=trial,
                participant_id=p.pk,
                stratum_id=strata[key],
                sequence=key,
                slot=slots[key],
                arm_id=arms[arm],
                method=trial.method,
                ratio=[1, 1],
                probability_of_treatment=0.5,
                allocated_on=days[i],
                randomised_by_id=p.specialist_id,
                randomised_at=p.updated_at - dt.timedelta(minutes=15),
                sealed={"slot": slots[key], "arm": arm, "source": "calibrated simulator (demo)"},
            )
        )
    _bulk(Allocation, rows)


def _contacts(rng: np.random.Generator, people: list[Participant], data: pd.DataFrame, days: list) -> int:
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
                Contact(
                    participant_id=p.pk,
                    happened_at=_at(when, 10) + dt.timedelta(minutes=int(rng.integers(0, 420))),
                    duration_minutes=minutes,
                    mode=mode,
                    place=place,
                    purposes=purposes,
                    recorded_by_id=p.specialist_id,
                    created_at=_at(when, 18),
                )
            )
    _bulk(Contact, rows)
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


def _surveys(
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
        for w in surveys.ensure_default_waves(by=manager, service=trial.service, trial_reference=REGISTRATION)
    }
    for key, wave in waves.items():
        change = {"is_active": False} if key == "4-month" else {"instruments": ["eq5d5l", "swemwbs"]}
        surveys.update_wave(by=manager, wave=wave, changes=change)
    enrolments = _bulk(
        SurveyEnrolment,
        [
            SurveyEnrolment(
                participant_id=p.pk,
                service=trial.service,
                trial_reference=REGISTRATION,
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
                    outcome_at=_at(
                        due + dt.timedelta(days=int(rng.integers(0, 40)) if key != "baseline" else 0), 12
                    ),
                    created_at=_at(due - dt.timedelta(days=wave.opens_days_before), 8),
                )
            )
    _bulk(Invitation, invitations)
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
                day = invitation.due_date if w == 0 else invitation.outcome_at.date()  # type: ignore[union-attr]
                at = _at(day, 10, 30) if w == 0 else invitation.outcome_at
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
    _bulk(Response, rows)
    return len(invitations), len(rows)


def _jobs(rng: np.random.Generator, people: list[Participant], data: pd.DataFrame, days: list) -> int:
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
            pay = Decimal(spell.pay_pence) / 100
            check = competitive.check(
                started_on=started, hourly_pay=pay, date_of_birth=p.date_of_birth, self_employed=False,
                open_to_anyone=True,
            )  # fmt: skip
            rows.append(
                JobStart(
                    participant_id=p.pk,
                    employer_name=spell.employer,
                    job_title=spell.title,
                    soc=spell.soc,
                    started_on=started,
                    hours=Decimal(spell.hours_hundredths) / 100,
                    hourly_pay=pay,
                    contract_type=spell.contract,
                    through_service=bool(treated[i]) and bool(meetings[i]),
                    competitive=check.competitive,
                    competitive_reasons=list(check.reasons),
                    minimum_rate_pence=check.minimum_pence,
                    ended_on=ended,
                    end_reason=spell.end_reason if ended else "",
                    created_at=_at(started, 16),
                    created_by_id=p.specialist_id,
                )
            )
    _bulk(JobStart, rows)
    return len(rows)


def admin_outcomes_path() -> Path:
    return Path(settings.VAR_DIR) / "demo" / ADMIN_FILE


def write_admin_outcomes(trial: Trial, path: Path | None = None) -> tuple[Path, int] | str:
    """Monthly employment, earnings and out-of-work benefits by pseudonymised NHS number, consistent with
    the trial's job starts, for the linkage page. Returns the path and row count, or why nothing was written
    (the research key is not set)."""
    from placewell.governance.pseudonyms import PseudonymKeyError, load_research_key, nhs_pseudonym

    try:
        key = load_research_key()
    except PseudonymKeyError as exc:
        return str(exc)
    path = path or admin_outcomes_path()
    people = dict(Allocation.objects.filter(trial=trial).values_list("participant_id", "allocated_on"))
    details = Participant.objects.filter(pk__in=people).values_list("pk", "nhs_number", "employment_status")
    jobs: dict[int, list[tuple[dt.date, dt.date | None, float]]] = {}
    for pid, start, end, hours, pay in JobStart.objects.filter(participant_id__in=people).values_list(
        "participant_id", "started_on", "ended_on", "hours", "hourly_pay"
    ):
        jobs.setdefault(pid, []).append((start, end, float(hours) * float(pay)))
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["pseudo_nhs_number", "month", "employed", "earnings", "out_of_work_benefits"])
        for pid, nhs, status in details.order_by("pk"):
            pseudo = nhs_pseudonym(key, nhs)
            for month, employed, earnings, benefits in monthly_outcomes(
                pid, people[pid], jobs.get(pid, []), claims=status == "out_of_work"
            ):
                out.writerow([pseudo, month, employed, f"{earnings:.2f}", benefits])
                count += 1
    return path, count


def load_fullsize_trial(
    scale: float = 1.0, seed: int = SEED, progress: Progress = print
) -> FullSizeTrial | None:
    """Load the full-size trial unless it exists (then only the admin outcomes file is written if missing)."""
    existing = Trial.objects.filter(registration_number=REGISTRATION).first()
    if existing is not None:
        if not admin_outcomes_path().exists():
            _report_admin(write_admin_outcomes(existing), progress)
        progress("Full-size trial: already loaded, nothing added")
        return None
    rng = np.random.default_rng(seed)
    data = simulate_trial(SimulationConfig(seed=seed, scale=scale)).data
    counts = data.groupby(["trial_group", "treatment"]).size()
    progress(
        f"Full-size trial: simulated {len(data):,} recruits; "
        + ", ".join(f"{g} {counts[g, 1]:,}/{counts[g, 0]:,}" for g in data["trial_group"].unique())
        + " (treatment/control)"
    )
    with transaction.atomic():
        service, manager, specialists = _structure(rng, data)
        trial = _trial(manager, service, data)
        progress(f"Full-size trial: set up {trial.name} with {len(specialists)} specialists")
        days = _randomisation_days(rng, data["randomised_month"])
        people = _bulk(Participant, _people(rng, data, service, specialists, days))
        _audit(people)
        progress(f"Full-size trial: {len(people):,} participants and their create audit events")
        _journey(rng, people, data, service)
        progress(f"Full-size trial: {len(people):,} referrals, screenings and agreements")
        _allocations(trial, people, data, days)
        progress(f"Full-size trial: {len(people):,} allocations")
        n_contacts = _contacts(rng, people, data, days)
        progress(f"Full-size trial: {n_contacts:,} casework contacts for the treatment group")
        n_invited, n_responses = _surveys(rng, trial, manager, people, data, days)
        progress(f"Full-size trial: {n_invited:,} survey invitations and {n_responses:,} questionnaires")
        n_jobs = _jobs(rng, people, data, days)
        progress(f"Full-size trial: {n_jobs:,} job starts")
        trial = services.close_recruitment(by=manager, trial=trial)
    _report_admin(write_admin_outcomes(trial), progress)
    return FullSizeTrial(trial, data, np.array([p.pk for p in people]), days)


def _report_admin(result: tuple[Path, int] | str, progress: Progress) -> None:
    if isinstance(result, str):
        progress(f"Full-size trial: no administrative outcomes file. {result}")
    else:
        progress(f"Full-size trial: {result[1]:,} monthly administrative outcome rows in {result[0]}")


def demo_step(rng: Any, progress: Progress) -> None:
    """The demo step: on unless PLACEWELL_DEMO_FULLSIZE_TRIAL is false (tests turn it off)."""
    if not getattr(settings, "PLACEWELL_DEMO_FULLSIZE_TRIAL", True):
        progress("Full-size trial skipped (PLACEWELL_DEMO_FULLSIZE_TRIAL is off)")
        return
    load_fullsize_trial(progress=progress)
