"""A full-size demo trial: the Health-led Trials' 9,785 recruits, from the calibrated simulator, as records.

The three groups (SCR in work, SCR out of work, WMCA out of work) have the published arm sizes (DWP research report 1025,
Table 1.1) and every person's baseline, arm, meetings and 12-month outcomes come from
:func:`placewell.engine.simulate.simulate_trial`, whose true effects are the published ones. They become the
records a real trial would hold: participants with a referral, a screening and an agreement; the allocation
log; casework contacts for the treated; baseline and 12-month survey invitations and responses; job starts;
and an administrative outcomes file for linkage. It is a separate service ("Riverside IPS-LITE trial") so the
main demo's caseloads stay small. Recruitment ran from May 2018 to October 2019, as in the trials.

Why bulk inserts rather than the actions: 9,785 people through ``refer_participant``, ``randomise`` and the
survey actions take far too long for ``./run demo``. The trial, its sites, arms and groups, and its survey
waves are still made by the actions; the people are written with ``bulk_create`` in batches, each table in a
handful of statements, and one "create" audit event per participant is written the same way. Contacts and
job starts go through the owning apps' bulk actions (``casework.services.record_contacts``,
``placements.services.record_job_starts``) as loaded history: checked by the single-record actions' rules,
recorded by each person's specialist at the historical time, and audited. Times are the historical ones (a
person referred in 2018 shows 2018 in their timeline), so the loader switches off ``auto_now``/``auto_now_add``
while it inserts the rest (``demo_fullsize_records.historic``).

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

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from placewell.accounts import audit_chain
from placewell.accounts import services as accounts
from placewell.accounts.models import AuditEvent, Organisation, Role, Service, User
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
from placewell.placements.models import JobStart
from placewell.trials import demo, services
from placewell.trials.demo_fullsize_records import (
    BATCH,
    bulk,
    local_time,
    monthly_outcomes,
    pick,
    write_contacts,
    write_jobs,
    write_surveys,
)
from placewell.trials.models import Allocation, Trial
from placewell.ui import exports
from placewell.ui.months import add_months
from placewell.web.demo import DEMO_PASSWORD, ETHNICITY, FIRST_NAMES, HEALTH, LAST_NAMES

REGISTRATION = "ISRCTN20180501"
TRIAL_NAME = "Health-led Employment Trial, full size (demo)"
SERVICE_NAME = "Riverside IPS-LITE trial"
PROVIDER_NAME = "Riverside Employment Partnership"
MANAGER = "nadia"
SEED = 20180501
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
# Age bands of DWP research report 1025, Table 1.2.
AGE_RANGES = {"<30": (18, 29), "30-39": (30, 39), "40-49": (40, 49), "50+": (50, 64)}
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
        public_area="Riverside",
        public_phone="01632 960 303",
        public_email="trial@riverside.example.org",
        opening_hours="Monday to Friday, 9am to 5pm",
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
            first_name=pick(rng, FIRST_NAMES["female" if i % 2 else "male"]),
            last_name=pick(rng, LAST_NAMES),
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
    opens, closes = dt.date(2018, 5, 1), dt.date(2019, 10, 31)  # DWP research report 1025, Table 6.2
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
        keys=[_stratum_key(str(g)) for g in sizes.index],
        targets={_stratum_key(str(g)): int(n) for g, n in sizes.items()},
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
    out: list[str] = []
    stem = 987_000_000
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
    row: Any  # a row of the demo's data set; pandas types its cells as any scalar
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
                given_name=pick(rng, FIRST_NAMES[sex]),
                family_name=pick(rng, LAST_NAMES),
                date_of_birth=born,
                phone=f"07700 9{int(rng.integers(0, 100000)):05d}",
                preferred_contact_method=pick(rng, ["phone", "text", "email"], [0.5, 0.3, 0.2]),
                survey_mode=pick(rng, ["web", "phone", "face_to_face"], [0.5, 0.4, 0.1]),
                nhs_number=numbers[i],
                gender=gender,
                ethnic_group="white_british"
                if row.white == 1
                else pick(rng, list(ethnic_other), _shares(ethnic_other)),
                health_conditions=conditions or ["stress_anxiety"],
                activity_limitation=""
                if limits != limits
                else (
                    "great_deal"
                    if limits == 1
                    else pick(rng, list(OTHER_LIMITATION), _shares(OTHER_LIMITATION))
                ),
                employment_status=STATUS[row.work_status],
                work_history=WORK_HISTORY.get(row.work_history, "")
                if isinstance(row.work_history, str)
                else "",
                created_at=local_time(days[i] - dt.timedelta(days=int(rng.integers(3, 22))), 9),
                updated_at=local_time(days[i], 11),
                closed_at=local_time(add_months(days[i], 13), 12) if row.treatment else None,
                closed_reason=("Support finished" if row.meetings else "Did not take up support")
                if row.treatment
                else "",
            )
        )
    return out


def _specialist_id(p: Participant) -> int:
    """The person's specialist: every full-size demo person is created with one."""
    if p.specialist_id is None:
        raise ValueError(f"Demo participant {p.pk} has no specialist")
    return p.specialist_id


def _shares(options: Mapping[str, float]) -> list[float]:
    total = sum(options.values())
    return [v / total for v in options.values()]


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
    row: Any
    for p, row in zip(people, data.itertuples(index=False), strict=True):
        sources = SOURCES[row.site]
        referrals.append(
            Referral(
                participant_id=p.pk,
                source=pick(rng, list(sources), _shares(sources)),
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
                screened_by_id=_specialist_id(p),
                screened_at=met,
            )
        )
        agreements.append(
            Agreement(
                participant_id=p.pk,
                document=document,
                format="easy_read" if rng.random() < 0.1 else "plain",
                all_required_agreed=True,
                recorded_by_id=_specialist_id(p),
                recorded_at=met + dt.timedelta(minutes=20),
            )
        )
    bulk(Referral, referrals)
    bulk(Screening, screenings)
    bulk(Agreement, agreements)
    bulk(
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
    audit_chain.append(  # linked into the audit log's hash chain, as every audit event is
        [
            AuditEvent(
                at=p.created_at,
                actor_id=p.specialist_id,
                actor_label=names[_specialist_id(p)],
                action=AuditEvent.Action.CREATE,
                record_type="participant",
                record_id=str(p.pk),
                participant_id=p.pk,
                service_id=p.service_id,
                summary="Referred (entered by staff); loaded with the full-size demo trial",
            )
            for p in people
        ]
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
                randomised_by_id=_specialist_id(p),
                randomised_at=p.updated_at - dt.timedelta(minutes=15),
                sealed={"slot": slots[key], "arm": arm, "source": "calibrated simulator (demo)"},
            )
        )
    bulk(Allocation, rows)


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
        out = exports.writer(handle)
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
        people = bulk(Participant, _people(rng, data, service, specialists, days))
        _audit(people)
        progress(f"Full-size trial: {len(people):,} participants and their create audit events")
        _journey(rng, people, data, service)
        progress(f"Full-size trial: {len(people):,} referrals, screenings and agreements")
        _allocations(trial, people, data, days)
        progress(f"Full-size trial: {len(people):,} allocations")
        staff = {u.pk: u for u in specialists.values()}
        n_contacts = write_contacts(rng, people, data, days, staff)
        progress(f"Full-size trial: {n_contacts:,} casework contacts for the treatment group")
        n_invited, n_responses = write_surveys(rng, trial, manager, people, data, days)
        progress(f"Full-size trial: {n_invited:,} survey invitations and {n_responses:,} questionnaires")
        n_jobs = write_jobs(rng, people, data, days, staff)
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
