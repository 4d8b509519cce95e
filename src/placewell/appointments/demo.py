"""Demo appointments, made through the real actions: each open participant has their next meeting booked in
the coming fortnight (at one of the team's community venues, at home, by phone or by video), and about half
had one in the fortnight just gone, marked attended or, now and then, missed. So the diary, the team's week,
the reminders and the attendance figures all have something to show. Meeting in comfortable community
places follows what participants value ('Someone in my corner', NIHR briefing)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator

from django.db.models import Q
from django.utils import timezone

from placewell.accounts.models import Role, Team, User
from placewell.appointments import services
from placewell.appointments.models import Appointment, PlaceKind, Venue
from placewell.participants.models import Participant, Status
from placewell.ui.demo_clock import LONDON, DemoClock

VENUES = (
    ("Central Library, study room 2", "Market Street"),
    ("The Corner Café, back room", "High Street"),
    ("Parkside GP surgery, meeting room", "Park Road"),
)
SLOTS = (dt.time(9, 30), dt.time(11, 0), dt.time(13, 30), dt.time(15, 0))
DID_NOT_ATTEND_SHARE = 0.1


def _working_days(start: dt.date, step: int) -> Iterator[dt.date]:
    day = start
    while True:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            yield day


def _slots(start: dt.date, step: int) -> Iterator[dt.datetime]:
    for day in _working_days(start, step):
        for slot in SLOTS:
            yield dt.datetime.combine(day, slot, tzinfo=LONDON)


def _venues(team: Team) -> list[Venue]:
    existing = list(Venue.objects.filter(team=team, active=True).order_by("pk"))
    if existing:
        return existing
    manager = (
        User.objects.filter(
            Q(role=Role.TEAM_LEADER, team=team) | Q(role=Role.SERVICE_MANAGER, service=team.service)
        )
        .order_by("role", "pk")
        .first()
    )
    if manager is None:
        return []
    return [
        services.add_venue(by=manager, team_id=team.pk, name=name, address=street) for name, street in VENUES
    ]


def _place(rng: random.Random, venues: list[Venue]) -> dict[str, object]:
    kind = rng.choices([PlaceKind.VENUE, PlaceKind.HOME, PlaceKind.PHONE, PlaceKind.VIDEO], [5, 2, 2, 1])[0]
    if kind == PlaceKind.VENUE and not venues:
        kind = PlaceKind.PHONE
    if kind == PlaceKind.VENUE:
        return {"place_kind": kind, "venue": rng.choice(venues)}
    if kind == PlaceKind.VIDEO:
        return {"place_kind": kind, "video_link": "https://meet.example.org/placewell-demo"}
    return {"place_kind": kind}


def load_appointments(rng: random.Random, progress: Callable[[str], None]) -> None:
    if Appointment.objects.exists():
        return
    clock = DemoClock(rng)
    today = timezone.localdate()
    booked = past = 0
    specialists = User.objects.filter(role=Role.SPECIALIST, team__isnull=False).select_related("team")
    for specialist in specialists.order_by("pk"):
        people = list(
            Participant.objects.filter(specialist=specialist, status__in=[Status.ACTIVE, Status.IN_WORK])
            .select_related("team", "service")
            .order_by("pk")
        )
        if specialist.team is None:  # not reached: the query keeps specialists with a team
            continue
        venues = _venues(specialist.team)
        ahead, behind = _slots(today, 1), _slots(today, -1)
        for person in people:
            if rng.random() < 0.5:  # a meeting in the fortnight just gone, booked a few days before it
                starts = next(behind)
                with clock.at(starts.date() - dt.timedelta(days=3), 10):
                    appointment = services.book(
                        by=specialist,
                        participant=person,
                        specialist=specialist,
                        starts_at=starts,
                        duration_minutes=rng.choice([30, 45, 60]),
                        **_place(rng, venues),  # type: ignore[arg-type]
                    )
                with clock.at(starts.date(), 17):
                    if rng.random() < DID_NOT_ATTEND_SHARE:
                        services.mark_not_attended(by=specialist, appointment=appointment)
                    else:
                        services.mark_attended(by=specialist, appointment=appointment)
                past += 1
            services.book(
                by=specialist,
                participant=person,
                specialist=specialist,
                starts_at=next(ahead),
                duration_minutes=rng.choice([30, 45, 60]),
                **_place(rng, venues),  # type: ignore[arg-type]
            )
            booked += 1
    progress(f"Appointments: {booked} booked for the coming fortnight, {past} in the fortnight just gone")
