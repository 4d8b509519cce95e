"""The demo trial step: three groups like the Health-led Trials, allocations made through the actions."""

from __future__ import annotations

import random

import pytest


@pytest.mark.django_db
def test_demo_trial_has_three_groups_and_allocations() -> None:
    from placewell.trials.demo import DEMO_REGISTRATION, load_demo_trial
    from placewell.trials.models import Allocation, Trial
    from placewell.web import demo

    demo._ensure_structure(lambda message: None)
    load_demo_trial(random.Random(1), lambda message: None, n=30)
    trial = Trial.objects.get(registration_number=DEMO_REGISTRATION)
    assert trial.is_recruiting and trial.strata.count() == 3
    assert Allocation.objects.filter(trial=trial).count() == 30
    # The control group stays as agreed; the treatment group starts support and some later find work or
    # finish support.
    statuses = {
        (a.arm.is_treatment, a.participant.status)
        for a in Allocation.objects.select_related("participant", "arm")
    }
    assert {status for treated, status in statuses if not treated} == {"agreed"}
    assert {status for treated, status in statuses if treated} <= {"active", "in_work", "closed"}
    load_demo_trial(random.Random(1), lambda message: None, n=30)  # a second run changes nothing
    assert Allocation.objects.count() == 30
