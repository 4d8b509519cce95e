"""Demo contact history, profiles and plans, made through the real actions.

Frequency and length follow the Health-led Trials' management information (DWP research report 1025, MI figures in the
brief): about 14 contacts per participant in the WMCA-like service (8 of them over 15 minutes) and about 10
in the SCR-like service (nearly all over 15 minutes). Steps into Work stands in for WMCA and Brightpath for SCR.
About one person in ten has had no contact for a while, so each specialist's home shows a handful of alerts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from placewell.accounts.models import Role, User
from placewell.casework import choices, services
from placewell.casework import services_support as support
from placewell.casework.dates import support_dates
from placewell.participants.models import Participant, Status
from placewell.ui.demo_clock import DemoClock

# service name: (mean contacts, share of sessions over 15 minutes)
PATTERNS = {"Steps into Work": (14, 8 / 14), "Brightpath IPS": (10, 0.95)}
GOALS = [
    ("A part-time job in a shop or café near home", "Update my CV with my volunteering", "participant"),
    (
        "Work outdoors, in gardening or grounds care",
        "Visit two garden centres about hidden vacancies",
        "specialist",
    ),
    ("An admin job with regular hours", "Practise interview answers together", "together"),
    ("Go back to work in care, with adjustments", "Talk to the GP about a phased return", "participant"),
]
PLACES = ["Leeds", "LS6", "Otley", "Bradford", "BD1", "Wakefield", "Harrogate"]


def _contact(rng: random.Random, long_share: float) -> dict[str, object]:
    if rng.random() < long_share:
        mode = rng.choices([choices.Mode.FACE_TO_FACE, choices.Mode.VIDEO, choices.Mode.PHONE], [6, 2, 2])[0]
        minutes = rng.choice([20, 30, 45, 45, 60, 60, 75, 90])
    else:
        mode = rng.choices([choices.Mode.PHONE, choices.Mode.TEXT, choices.Mode.EMAIL], [6, 3, 1])[0]
        minutes = rng.choice([5, 5, 10, 10, 15])
    place = (
        rng.choice([choices.Place.COMMUNITY, choices.Place.HEALTH, choices.Place.OFFICE, choices.Place.HOME])
        if mode == choices.Mode.FACE_TO_FACE
        else choices.Place.REMOTE
    )
    purposes = rng.sample(list(choices.Purpose.values), k=rng.choice([1, 1, 2, 3]))
    return {"mode": mode, "duration_minutes": minutes, "place": place, "purposes": purposes}


def _history(rng: random.Random, p: Participant, by: User, clock: DemoClock, started: dt.date) -> None:
    """Contacts from the day support started until a few days ago, each recorded on the day it happened."""
    mean, long_share = PATTERNS.get(p.service.name, (12, 0.75))
    gap_days = rng.choice([2, 3, 5, 8]) if rng.random() > 0.1 else rng.randint(15, 40)
    last = max(started, clock.today - dt.timedelta(days=gap_days))
    span = (last - started).days
    # About ``mean`` contacts over a typical 4 months of support; fewer for someone who started recently.
    n = max(1, min(round(rng.gauss(mean, 2)), 1 + span // 5))
    for i in range(n):
        day = started + dt.timedelta(days=round(span * (i + 1) / n))
        values = _contact(rng, long_share)
        whom = [choices.Whom.PARTICIPANT]
        if rng.random() < 0.1:
            whom = [choices.Whom.EMPLOYER]
            values.update(mode=choices.Mode.FACE_TO_FACE, place=choices.Place.EMPLOYER, purposes=["employer"])
        with clock.at(day) as when:
            services.record_contact(by=by, participant=p, happened_at=when, whom=whom, **values)  # type: ignore[arg-type]
    with clock.at(started + dt.timedelta(days=min(span, rng.randint(0, 14)))):
        _profile_and_plan(rng, p, by)


def _profile_and_plan(rng: random.Random, p: Participant, by: User) -> None:
    if rng.random() < 0.8:
        services.save_profile(
            by=by,
            participant=p,
            values={
                "job_goals": rng.choice(GOALS)[0],
                "job_types": rng.sample(["61", "62", "71", "72", "41", "91", "92", "51"], k=2),
                "hours_wanted": rng.choice(list(choices.Hours.values)),
                "travel_areas": rng.sample(PLACES, k=2),
                "travel_max_minutes": rng.choice([20, 30, 45, 60]),
                "disclose": rng.choice(list(choices.Disclosure.values)),
            },
        )
    if rng.random() < 0.7:
        text, step, owner = rng.choice(GOALS)
        goal = services.add_goal(by=by, participant=p, text=text)
        services.add_step(
            by=by,
            goal=goal,
            text=step,
            owner=owner,
            due_on=timezone.localdate() + dt.timedelta(days=rng.randint(3, 21)),
        )


def load_contact_history(rng: random.Random, progress: Callable[[str], None]) -> None:
    clock = DemoClock(rng)
    people = list(
        Participant.objects.filter(status__in=[Status.ACTIVE, Status.IN_WORK])
        .select_related("service", "specialist", "team")
        .order_by("pk")
    )
    starts = support_dates(p.pk for p in people)
    fallback = {u.team_id: u for u in User.objects.filter(role=Role.SPECIALIST).order_by("pk")}
    with transaction.atomic():
        for p in people:
            by = p.specialist or fallback.get(p.team_id)
            started = starts[p.pk].support_started or clock.today
            if by is not None:
                _history(rng, p, by, clock, started)
    progress(f"Contact history, profiles and plans for {len(people)} participants")
    _ending_notices(rng, clock)


def _ending_notices(rng: random.Random, clock: DemoClock) -> None:
    """Most people whose support ended were told so on the day, as they should be; a few closures still
    wait for the record that the person was told, so the home page shows that alert too."""
    closed = Participant.objects.filter(
        status=Status.CLOSED, withdrawn_from_service_at__isnull=True, closed_at__isnull=False
    ).select_related("specialist", "team")
    fallback = {u.team_id: u for u in User.objects.filter(role=Role.SPECIALIST).order_by("pk")}
    with transaction.atomic():
        for p in closed.order_by("pk"):
            by = p.specialist or fallback.get(p.team_id)
            if by is None or rng.random() < 0.05:
                continue
            day = timezone.localdate(p.closed_at)
            with clock.at(day):
                support.record_ending_notice(
                    by=by, participant=p, told_on=day, how=rng.choice(list(choices.HowTold.values))
                )
