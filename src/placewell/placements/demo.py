"""Demo job starts with outcomes for the demo participants who are in work, made through the real actions:
some long-running (past 13 and 26 weeks), a few changes of job, a few ended jobs, one below the minimum wage
(recorded but not competitive), and jobs from hidden and developed vacancies."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from placewell.casework.dates import support_dates
from placewell.employers.models import Vacancy
from placewell.participants.models import Participant, Status
from placewell.placements import services
from placewell.ui.demo_clock import DemoClock

HOURS = [8, 12, 16, 20, 24, 30, 37.5]


def load_job_starts(rng: random.Random, progress: Callable[[str], None]) -> None:
    today = timezone.localdate()
    people = Participant.objects.filter(status=Status.IN_WORK, specialist__isnull=False).annotate(
        referred=Min("referrals__referral_date")
    )
    clock = DemoClock(rng)
    went_into_work = support_dates(people.values_list("pk", flat=True))
    made = 0
    for p in people.select_related("specialist").order_by("pk"):
        vacancies = list(
            Vacancy.objects.filter(employer__service_id=p.service_id)
            .select_related("employer")
            .order_by("pk")
        )
        if not vacancies:
            continue
        # The job starts on the day the person was recorded as starting work, where the record says so.
        earliest = p.referred or today
        span = (today - earliest).days
        fallback = earliest + dt.timedelta(days=rng.randint(span // 3, span)) if span > 3 else today
        start = went_into_work[p.pk].in_work_since or fallback
        v = rng.choice(vacancies)
        pay = v.hourly_pay if rng.random() < 0.95 else Decimal("9.50")
        with clock.at(start):
            services.record_job_start(
                by=p.specialist,  # type: ignore[arg-type]
                participant=p,
                employer=v.employer,
                vacancy=v if rng.random() < 0.7 else None,
                job_title=v.title,
                soc_code=v.soc,
                started_on=start,
                hours=Decimal(str(rng.choice(HOURS))),
                hourly_pay=pay,
                contract_type=rng.choice(["permanent", "permanent", "fixed_term", "zero_hours"]),
            )
        made += 1
    progress(f"Job starts: {made}")
