"""The demo trial: three groups like the Health-led Trials, with a few hundred allocations.

Brightpath IPS's North team stands in for Sheffield City Region (in-work and out-of-work groups) and its
South team for the West Midlands (out-of-work only), as in the Health-led Trials (DWP research report 1025, sections 1.5 to
1.7). In-work recruits are allocated 1:2 from the fourth month, to steer the treatment group towards the
planned 70/30 out-of-work/in-work split (section 1.7). Every person is referred, screened, agreed and
randomised through the real actions, so the demo exercises the real rules: each gives the baseline
questionnaires first (the registered baseline steps' demo answers), since randomisation waits for them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from placewell.accounts.models import Role, Service, User
from placewell.engine.randomisation import stratum_key
from placewell.participants import services as participants
from placewell.participants.models import AgreementDocument, EligibilityRuleSet, Participant
from placewell.trials import baseline, services
from placewell.trials.models import Trial
from placewell.ui.demo_clock import DemoClock

DEMO_TRIAL = "Health-led Employment Trial (demo)"
DEMO_REGISTRATION = "ISRCTN20170601"
DEMO_ALLOCATIONS = 120
RECRUITMENT_DAYS = 300
# What becomes of the treatment group after support starts (their share, and the range of days after the
# start): some find work, some finish support; the rest are still being supported today.
TREATMENT_JOURNEYS = {"in_work": (0.35, 45, 200), "closed": (0.4, 60, 240)}

TREATMENT_STEPS = (
    "Your employment specialist will book your first appointment with you now, within the next week.\n"
    "They will work with you on finding or keeping work that suits you, alongside your health care."
)
CONTROL_STEPS = (
    "You will not get support from this service, but you can use any other support.\n"
    "Take the leaflet: it lists other local support for work and health. We will contact you for the "
    "surveys at 4 and 12 months."
)
LEAFLET = (
    "Other local support\n\nJobcentre Plus work coach: ask at your local Jobcentre.\n"
    "NHS Talking Therapies: refer yourself through your GP surgery's website.\n"
    "Citizens Advice: help with benefits, debt and work problems.\n"
    "Access to Work: grants for support at work if you have a health condition or disability."
)
FIRST = ["Alex", "Sam", "Jo", "Chris", "Priya", "Omar", "Grace", "Liam", "Zara", "Tom", "Aisha", "Ewan"]
LAST = ["Hughes", "Begum", "Walsh", "Kaur", "Evans", "Ahmed", "Price", "Murphy", "Shah", "Lloyd", "Clarke"]


def _setup(manager: User, service: Service, today: dt.date) -> Trial:
    opens = today - dt.timedelta(days=RECRUITMENT_DAYS)
    trial = services.create_trial(
        by=manager,
        service=service,
        name=DEMO_TRIAL,
        registration_number=DEMO_REGISTRATION,
        stratify_by=["employment_status"],
        recruitment_opens_on=opens,
        recruitment_closes_on=today + dt.timedelta(days=180),
        recruitment_target=400,
    )
    north, south = service.teams.get(name="North"), service.teams.get(name="South")
    services.add_site(by=manager, trial=trial, code="scr", name="Sheffield City Region", teams=[north])
    services.add_site(by=manager, trial=trial, code="wmca", name="West Midlands", teams=[south])
    services.add_arm(
        by=manager,
        trial=trial,
        code="treatment",
        name="Treatment: IPS support",
        participant_label="Support from an employment specialist",
        next_steps=TREATMENT_STEPS,
        is_treatment=True,
    )
    services.add_arm(
        by=manager,
        trial=trial,
        code="control",
        name="Control: other local support",
        participant_label="Other local support, with a leaflet to take away",
        next_steps=CONTROL_STEPS,
        leaflet=LEAFLET,
    )
    keys = {
        (site, status): stratum_key({"site": site, "employment_status": status})
        for site, status in [("scr", "in_work"), ("scr", "out_of_work"), ("wmca", "out_of_work")]
    }
    strata = services.set_strata(
        by=manager,
        trial=trial,
        keys=keys.values(),
        targets={
            keys[("scr", "in_work")]: 100,
            keys[("scr", "out_of_work")]: 150,
            keys[("wmca", "out_of_work")]: 150,
        },
    )
    in_work = next(s for s in strata if s.key == keys[("scr", "in_work")])
    services.add_ratio_change(
        by=manager,
        trial=trial,
        effective_from=opens + dt.timedelta(days=90),
        weights=[1, 2],
        stratum=in_work,
        reason="Steer the treatment group towards 70/30 out of work/in work",
    )
    return services.lock_trial(by=manager, trial=trial)


def load_demo_trial(rng: random.Random, progress: Callable[[str], None], n: int = DEMO_ALLOCATIONS) -> None:
    service = Service.objects.filter(name="Brightpath IPS").first()
    manager = User.objects.filter(role=Role.SERVICE_MANAGER, service=service).first()
    if (
        service is None
        or manager is None
        or Trial.objects.filter(registration_number=DEMO_REGISTRATION).exists()
    ):
        progress("Demo trial skipped: the demo service is not there, or the trial exists already")
        return
    today = timezone.localdate()
    trial = _setup(manager, service, today)
    rule_sets = {
        rs.key: rs for rs in EligibilityRuleSet.objects.filter(service=service).prefetch_related("questions")
    }
    document = (
        AgreementDocument.objects.filter(service=None, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    assert document is not None
    statements = list(document.statements.all())
    teams = {t.name: t for t in service.teams.all()}
    specialists = {
        name: list(User.objects.filter(team=team, role=Role.SPECIALIST).order_by("pk"))
        for name, team in teams.items()
    }
    days = sorted(rng.randint(0, RECRUITMENT_DAYS) for _ in range(n))
    clock = DemoClock(rng)
    opens = trial.recruitment_opens_on
    if opens is None:  # not reached: the demo trial is created with its recruitment dates
        raise ValueError("The demo trial has no recruitment start date")
    for i, offset in enumerate(days):
        team_name = "North" if rng.random() < 0.6 else "South"
        out_of_work = team_name == "South" or rng.random() < 0.6
        specialist = rng.choice(specialists[team_name])
        on = min(opens + dt.timedelta(days=offset), today)
        # Each person is referred, screened, agreed and randomised in one first meeting on their own day, so
        # support start dates spread over the recruitment period as they would in a real trial.
        with clock.at(on, 10):
            p = participants.refer_participant(
                by=specialist,
                service=service,
                team=teams[team_name],
                specialist=specialist,
                source=rng.choice(["gp", "specialist_health", "self", "jobcentre"]),
                referral_date=on,
                given_name=rng.choice(FIRST),
                family_name=rng.choice(LAST),
                date_of_birth=on - dt.timedelta(days=365 * rng.randint(19, 63) + rng.randint(0, 364)),
                gender="male" if rng.random() < 0.52 else "female",
                ethnic_group="white_british" if rng.random() < 0.79 else "asian_pakistani",
                employment_status="out_of_work" if out_of_work else "in_work",
                work_history=rng.choice(
                    ["none", "less_than_half"] if out_of_work else ["always", "more_than_half"]
                ),
                activity_limitation=rng.choice(["great_deal", "some_extent", "some_extent", "little"]),
                health_conditions=["stress_anxiety"] + (["depression"] if rng.random() < 0.66 else []),
            )
            rule_set = rule_sets["hlt-scr-out-of-work" if out_of_work else "hlt-scr-in-work"]
            answers = {q.key: q.qualifying_answer for q in rule_set.questions.all()}
            participants.screen_participant(by=specialist, participant=p, rule_set=rule_set, answers=answers)
            participants.record_agreement(
                by=specialist,
                participant=p,
                document=document,
                format="plain",
                answers={s.pk: True for s in statements},
            )
            for step in baseline.incomplete_steps(p, trial):
                if step.fill_for_demo is not None:
                    step.fill_for_demo(p, trial, specialist, on, rng)
            allocation = services.randomise(by=specialist, trial=trial, participant=p, on=on)
        if allocation.arm.is_treatment:
            started = clock.day_after(on, 0, 7)
            with clock.at(started):
                participants.start_support(by=specialist, participant=p)
            _treatment_journey(rng, clock, p, specialist, started)
        if (i + 1) % 100 == 0 or i + 1 == n:
            progress(f"Demo trial allocations: {i + 1} of {n}")


def _treatment_journey(
    rng: random.Random, clock: DemoClock, p: Participant, by: User, started: dt.date
) -> None:
    """Some of the treatment group find work and some finish support, each on a day after support started;
    a journey whose day is still to come leaves the person receiving support today."""
    draw = rng.random()
    for outcome, (share, low, high) in TREATMENT_JOURNEYS.items():
        if draw >= share:
            draw -= share
            continue
        day = started + dt.timedelta(days=rng.randint(low, high))
        if day >= clock.today:
            return
        with clock.at(day):
            if outcome == "in_work":
                participants.record_in_work(by=by, participant=p)
            else:
                participants.close(by=by, participant=p, reason="Support finished")
        return
