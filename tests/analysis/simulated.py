"""Turn a simulated Health-led Trial (``placewell.engine.simulate``) into service records with bulk_create.

Each simulated row becomes a participant in a trial with the HLT's three groups (SCR in and out of work,
WMCA out of work), an allocation on the 15th of their randomisation month, a job from the day after
randomisation for 182 days (26 weeks, so 13+ weeks) for those employed, paid so that 182 / 7 x 30 hours x
hourly pay is their simulated earnings (to the penny), baseline and 12-month survey responses holding the
simulated scores, and one meeting a day after randomisation for each simulated meeting. The test bed is
written directly (bulk_create) because tens of thousands of rows through the actions would take minutes;
the records are the same shape the actions write.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from placewell.engine.simulate import SimulationConfig, simulate_trial

HOURS = 30
DAYS = 182
GROUPS = {
    "SCR IW": ("scr", "in_work"),
    "SCR OOW": ("scr", "out_of_work"),
    "WMCA OOW": ("wmca", "out_of_work"),
}
WORK_HISTORY = {
    "always": "always",
    "more than half": "more_than_half",
    "less than half": "less_than_half",
    "none in 2 years": "none",
}
AGE = {"<30": 25, "30-39": 35, "40-49": 45, "50+": 55}
DATA_CUT = dt.date(2021, 1, 31)


@dataclass
class SimulatedRecords:
    trial: Any
    truth: dict[str, dict[str, float]]
    costs: dict[str, float]
    labels: dict[str, str]  # simulated group name -> stratum label
    data: pd.DataFrame


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def make_trial(world: Any) -> tuple[Any, dict[str, Any]]:
    from placewell.engine.randomisation import stratum_key
    from placewell.trials import services

    trial = services.create_trial(
        by=world.mandy, service=world.service, name="Simulated Health-led Trial",
        registration_number="ISRCTN87654321", method="permuted_blocks",
        recruitment_opens_on=dt.date(2018, 5, 1), recruitment_closes_on=dt.date(2019, 10, 31),
        recruitment_target=10_000,
    )  # fmt: skip
    services.add_site(by=world.mandy, trial=trial, code="scr", name="SCR", teams=[world.north])
    services.add_site(by=world.mandy, trial=trial, code="wmca", name="WMCA", teams=[world.south])
    for code, treatment in (("treatment", True), ("control", False)):
        services.add_arm(
            by=world.mandy, trial=trial, code=code, name=code.title(), participant_label=code,
            next_steps="Next steps.", is_treatment=treatment, leaflet="" if treatment else "Other support.",
        )  # fmt: skip
    keys = {g: stratum_key({"site": s, "employment_status": e}) for g, (s, e) in GROUPS.items()}
    services.set_strata(by=world.mandy, trial=trial, keys=list(keys.values()))
    trial = services.lock_trial(by=world.mandy, trial=trial)
    strata = {g: trial.strata.get(key=k) for g, k in keys.items()}
    return trial, strata


def build(world: Any, *, seed: int = 20180501, scale: float = 0.1) -> SimulatedRecords:
    from placewell.casework.models import Contact
    from placewell.participants.models import Participant, Status
    from placewell.placements.models import JobStart
    from placewell.surveys.fieldwork import ensure_default_waves
    from placewell.surveys.models import Invitation, Response, SurveyEnrolment
    from placewell.trials.models import Allocation

    sim = simulate_trial(SimulationConfig(seed=seed, scale=scale))
    data = sim.data.reset_index(drop=True)
    trial, strata = make_trial(world)
    arms = {a.is_treatment: a for a in trial.arms.all()}
    waves = {w.key: w for w in ensure_default_waves(by=None, service=world.service)}
    people = []
    for row in data.itertuples():
        site, status = GROUPS[row.trial_group]
        year, month = map(int, row.randomised_month.split("-"))
        on = dt.date(year, month, 15)
        people.append(
            Participant(
                service=world.service,
                team=world.north if site == "scr" else world.south,
                status=Status.ACTIVE,
                gender="" if _missing(row.gender) else row.gender,
                ethnic_group="white_british" if row.white == 1 else "asian_indian",
                activity_limitation=(
                    ""
                    if _missing(row.limits_great_deal)
                    else ("great_deal" if row.limits_great_deal else "little")
                ),
                employment_status=status,
                work_history="" if _missing(row.work_history) else WORK_HISTORY[row.work_history],
                health_conditions=[c for c in ("stress_anxiety", "depression") if getattr(row, c) == 1],
                date_of_birth=dt.date(on.year - AGE[row.age_band], 1, 1),
            )
        )
    people = Participant.objects.bulk_create(people, batch_size=500)
    data["participant_id"] = [p.pk for p in people]
    data["on"] = [dt.date(int(m[:4]), int(m[5:]), 15) for m in data["randomised_month"]]
    Allocation.objects.bulk_create(
        [
            Allocation(
                trial=trial,
                participant_id=r.participant_id,
                stratum=strata[r.trial_group],
                sequence=strata[r.trial_group].key,
                slot=i + 1,
                arm=arms[bool(r.treatment)],
                method="permuted_blocks",
                ratio=[1, 1],
                probability_of_treatment=0.5,
                allocated_on=r.on,
                randomised_by=world.alice,
                sealed={},
            )
            for i, r in enumerate(data.itertuples())
        ],
        batch_size=500,
    )
    JobStart.objects.bulk_create(
        [
            JobStart(
                participant_id=r.participant_id,
                employer_name="Employer",
                job_title="Job",
                soc="92",
                started_on=r.on + dt.timedelta(days=1),
                ended_on=r.on + dt.timedelta(days=DAYS),
                hours=HOURS,
                hourly_pay=round(r.earnings_12m / (DAYS / 7 * HOURS), 2),
                contract_type="permanent",
            )
            for r in data.itertuples()
            if r.employed_13wk == 1
        ],
        batch_size=500,
    )
    now = dt.datetime(2018, 5, 1, tzinfo=dt.UTC)
    enrolments = SurveyEnrolment.objects.bulk_create(
        [
            SurveyEnrolment(
                participant_id=r.participant_id,
                service=world.service,
                baseline_date=r.on,
                mode="phone",
                snapshot_at=now,
            )
            for r in data.itertuples()
        ],
        batch_size=500,
    )
    invitations = []
    for e, r in zip(enrolments, data.itertuples(), strict=True):
        for key, due, status in (
            ("baseline", r.on, "responded"),
            ("12-month", r.on + dt.timedelta(days=365), "responded" if r.responded_12m else "non_response"),
        ):
            invitations.append(
                Invitation(
                    enrolment=e,
                    participant_id=r.participant_id,
                    wave=waves[key],
                    due_date=due,
                    window_opens=due,
                    window_closes=due + dt.timedelta(days=56),
                    batch=f"{due:%Y-%m}",
                    mode="phone",
                    status=status,
                )
            )
    invitations = Invitation.objects.bulk_create(invitations, batch_size=500)
    responses = []
    for i, r in enumerate(data.itertuples()):
        base, year = invitations[2 * i], invitations[2 * i + 1]
        scores = [(base, "eq5d5l", r.baseline_eq5d), (base, "swemwbs", r.baseline_swemwbs)]
        if r.responded_12m:
            scores += [(year, "eq5d5l", r.eq5d_12m), (year, "swemwbs", r.swemwbs_12m)]
        for invitation, instrument, value in scores:
            responses.append(
                Response(
                    participant_id=r.participant_id,
                    invitation=invitation,
                    instrument_id=instrument,
                    instrument_version="simulated",
                    wording_label="simulated",
                    state="submitted",
                    mode="phone",
                    via="staff",
                    completed_on=invitation.due_date,
                    value=None if _missing(value) else float(value),
                    complete=not _missing(value),
                )
            )
    Response.objects.bulk_create(responses, batch_size=1000)
    Contact.objects.bulk_create(
        [
            Contact(
                participant_id=r.participant_id,
                happened_at=dt.datetime.combine(r.on + dt.timedelta(days=k), dt.time(12), tzinfo=dt.UTC),
                duration_minutes=30,
                mode="face_to_face",
                place="community",
                with_participant=True,
            )
            for r in data.itertuples()
            for k in range(1, int(r.meetings) + 1)
        ],
        batch_size=1000,
    )
    labels = {g: strata[g].label for g in GROUPS}
    return SimulatedRecords(trial, sim.truth, sim.costs, labels, data)


def plan_content(records: SimulatedRecords) -> dict[str, Any]:
    """The Health-led Trials plan (``hlt_evaluation.toml``) in the app's plan shape, costs from the simulation."""
    from placewell.analysis.plan import HLT_OUTCOMES, default_plan

    content = default_plan(records.trial)
    lab = records.labels
    content["groups"] = [
        {"name": "SCR IW", "members": [lab["SCR IW"]], "cost_key": "scr_iw"},
        {"name": "SCR OOW", "members": [lab["SCR OOW"]], "cost_key": "scr_oow"},
        {"name": "All SCR", "members": [lab["SCR IW"], lab["SCR OOW"]], "cost_key": "all_scr"},
        {"name": "WMCA", "members": [lab["WMCA OOW"]], "cost_key": "wmca"},
        {"name": "All OOW", "members": [lab["SCR OOW"], lab["WMCA OOW"]], "cost_key": "all_oow"},
    ]
    content["outcomes"] = [dict(o) for o in HLT_OUTCOMES if o["primary"]]
    costs = {
        "scr_iw": records.costs["SCR IW"],
        "scr_oow": records.costs["SCR OOW"],
        "wmca": records.costs["WMCA OOW"],
    }
    content["economics"]["draws"] = 2000
    content["economics"]["parameters"] = {
        "cost_per_treated_recruit": {
            key: {
                "value": value,
                "unit": "GBP per recruit to the treatment group",
                "price_year": "not stated",
                "source": "Seed 001, Table 2.2 (as simulated)",
                "confirmed": True,
            }
            for key, value in costs.items()
        }
    }
    return content
