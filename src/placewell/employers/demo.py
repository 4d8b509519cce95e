"""Demo employers across sectors and sizes, with engagement history and vacancies of all three sources, made
through the real actions. Specialists average about 4 to 7 face-to-face employer contacts a week, so some meet
the IPS expectation of 6 (DWP research report 1025, section 3.3) and some fall short, as services do."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from placewell.accounts.models import Role, Service, User
from placewell.employers import choices, services
from placewell.participants.models import Participant, Status

EMPLOYERS = [
    ("Greenway Garden Centre", "G", "small", "committed", "Otley", "LS21"),
    ("Aire Valley Care Homes", "Q", "medium", "employer", "Leeds", "LS6"),
    ("Northshire Council", "O", "large", "leader", "Leeds", "LS1"),
    ("Kirkgate Café", "I", "micro", "", "Leeds", "LS2"),
    ("Calder Logistics", "H", "large", "committed", "Wakefield", "WF1"),
    ("Brightside Print", "C", "small", "", "Bradford", "BD1"),
    ("Harrogate Spa Hotel", "I", "medium", "employer", "Harrogate", "HG1"),
    ("Pennine Building Supplies", "G", "medium", "", "Bradford", "BD4"),
    ("Riverside Library Trust", "R", "small", "committed", "Leeds", "LS6"),
    ("Wharfe IT Services", "J", "small", "employer", "Leeds", "LS11"),
    ("Moorland Cleaning Co", "N", "small", "", "Wakefield", "WF2"),
    ("St Anne's Primary School", "P", "small", "committed", "Leeds", "LS6"),
]
VACANCIES = [
    (
        "Garden centre assistant",
        "92",
        20,
        Decimal("12.40"),
        "hidden",
        ["outdoors", "heavy_lifting"],
        ["flexible_hours"],
    ),
    (
        "Care assistant",
        "61",
        30,
        Decimal("12.60"),
        "advertised",
        ["weekends", "early_starts"],
        ["phased_start"],
    ),
    (
        "Admin assistant",
        "41",
        25,
        Decimal("13.10"),
        "developed",
        ["phones"],
        ["quiet_space", "flexible_hours"],
    ),
    ("Kitchen porter", "92", 16, Decimal("12.21"), "advertised", ["busy_noisy", "standing"], []),
    (
        "Warehouse operative",
        "91",
        37.5,
        Decimal("12.90"),
        "advertised",
        ["night_shifts", "heavy_lifting"],
        [],
    ),
    ("Print finisher", "81", 30, Decimal("12.75"), "hidden", ["standing"], ["job_coach"]),
    ("Hotel housekeeper", "92", 24, Decimal("12.30"), "developed", ["weekends"], ["phased_start"]),
    ("Library assistant", "42", 18, Decimal("12.50"), "hidden", ["customer_facing"], ["quiet_space"]),
    ("IT support trainee", "31", 35, Decimal("8.00"), "developed", [], ["adjusted_interview"]),
    ("Cleaner", "92", 12, Decimal("11.00"), "advertised", ["early_starts", "working_alone"], []),
]


def load_employers(rng: random.Random, progress: Callable[[str], None]) -> None:
    today = timezone.localdate()
    for service in Service.objects.filter(teams__isnull=False).distinct().order_by("pk"):
        staff = list(User.objects.filter(team__service=service, role=Role.SPECIALIST).order_by("pk"))
        if not staff:
            continue
        employers = []
        for i, (name, sector, size, dc, town, district) in enumerate(EMPLOYERS):
            employers.append(
                services.create_employer(
                    by=staff[i % len(staff)],
                    service=service,
                    name=name,
                    sector=sector,
                    size=size,
                    disability_confident=dc,
                    holder=staff[i % len(staff)] if rng.random() < 0.8 else None,
                    locations=[(town, district)],
                )
            )
        open_people = list(
            Participant.objects.filter(service=service, status__in=[Status.ACTIVE, Status.IN_WORK]).order_by(
                "pk"
            )
        )
        introduced: set[int] = set()
        for s in staff:
            for week in range(12):
                monday = services.week_start(today) - dt.timedelta(weeks=week)
                for _ in range(rng.choice([3, 4, 5, 6, 6, 7, 8])):
                    day = monday + dt.timedelta(days=rng.randint(0, 4))
                    if day > today:
                        continue
                    mine = [p for p in open_people if p.specialist_id == s.pk]
                    # Most contacts on someone's behalf are for a person not yet introduced to an employer,
                    # so most people have had one within a few weeks of starting (IPS rapid job search).
                    waiting = [p for p in mine if p.pk not in introduced]
                    pool = waiting if waiting and rng.random() < 0.8 else mine
                    behalf = rng.sample(pool, k=1) if pool and rng.random() < 0.5 else []
                    introduced.update(p.pk for p in behalf)
                    services.record_engagement(
                        by=s,
                        employer=rng.choice(employers),
                        happened_on=day,
                        face_to_face=rng.random() < 0.85,
                        purpose=rng.choice(choices.Purpose.values),
                        participants=behalf,
                    )
        for i, (title, soc, hours, pay, source, conditions, adjustments) in enumerate(VACANCIES):
            e = employers[i % len(employers)]
            location = e.locations.first()
            services.add_vacancy(
                by=staff[i % len(staff)],
                employer=e,
                title=title,
                soc=soc,
                hours=Decimal(str(hours)),
                pay=pay,
                pay_basis="hour",
                town=location.town if location else "Leeds",
                postcode_district=location.postcode_district if location else "",
                source=source,
                apprenticeship=title.endswith("trainee"),
                conditions=conditions,
                adjustments=adjustments,
                closing_on=today + dt.timedelta(days=rng.randint(7, 60)),
            )
        progress(f"Employers, contacts and vacancies: {service.name}")
