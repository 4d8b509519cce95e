"""A small cohort for the governance tests, set up through the real actions of every app.

- ``randomised``: agreed, NHS and NI numbers, randomised in a trial, support started, two sessions and an
  employer contact on their behalf, a baseline SWEMWBS response;
- ``withdrawn``: agreed, then withdrew from research contact;
- ``erased``: agreed, then erased on request;
- ``referred``: referred only (no agreement), so in no extract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from placewell.participants.erasure import ErasureReason
from placewell.participants.identifiers import nhs_check_digit

KEY = "test-research-key-0123456789-abcdefghijklmnop"
OTHER_KEY = "another-research-key-9876543210-zyxwvutsrqpon"
NI = "AB123456C"


def nhs_number(n: int) -> str:
    """A valid NHS number (modulus 11) built from a serial, skipping stems without a check digit."""
    stem = 943476000 + 10 * n
    while nhs_check_digit(str(stem)) is None:
        stem += 1
    return f"{stem}{nhs_check_digit(str(stem))}"


@pytest.fixture(autouse=True)
def _no_survey_baseline_step() -> Iterator[None]:
    """Randomisation here does not wait for the baseline survey (tested in the trials app)."""
    from tests.trials.helpers import without_survey_baseline_step

    with without_survey_baseline_step():
        yield


@pytest.fixture
def research_key(monkeypatch: pytest.MonkeyPatch) -> str:
    from placewell.governance.pseudonyms import KEY_ENV, KEY_FILE_ENV

    monkeypatch.setenv(KEY_ENV, KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return KEY


@dataclass
class Cohort:
    randomised: object
    withdrawn: object
    erased: object
    referred: object
    trial: object


@pytest.fixture
def cohort(world) -> Cohort:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from placewell.casework import services as cs
    from placewell.employers import services as es
    from placewell.participants import services as ps
    from placewell.surveys import services as ss
    from placewell.surveys.models import Invitation
    from placewell.trials import services as ts
    from tests.conftest import refer
    from tests.trials.helpers import agreed, make_trial

    trial = make_trial(world)
    a = agreed(
        world,
        nhs_number=nhs_number(1),
        ni_number=NI,
        gender="female",
        ethnic_group="white_british",
        health_conditions=["depression", "pain"],
        date_of_birth=dt.date(1990, 6, 15),
    )
    ts.randomise(by=world.alice, trial=trial, participant=a)
    ps.start_support(by=world.alice, participant=a)
    now = timezone.now()
    for minutes in (30, 10):
        cs.record_contact(
            by=world.alice,
            participant=a,
            happened_at=now - dt.timedelta(seconds=minutes),
            duration_minutes=minutes,
            mode="face_to_face",
            place="community",
            purposes=["job_search"],
            note="Talked about warehouse work near Rowan's home",
        )
    employer = es.create_employer(
        by=world.alice,
        service=world.service,
        name="Acme Ltd",
        sector="G",
        size="small",
        disability_confident="",
    )
    es.record_engagement(
        by=world.alice,
        employer=employer,
        happened_on=timezone.localdate(),
        face_to_face=True,
        purpose="vacancy",
        participants=[a],
    )
    baseline = Invitation.objects.get(participant=a, wave__is_baseline=True)
    ss.record_response(
        by=world.alice,
        participant=a,
        instrument_id="swemwbs",
        answers={f"item{n}": 4 for n in range(1, 8)},
        mode="face_to_face",
        invitation=baseline,
    )
    w = agreed(world, nhs_number=nhs_number(2), given_name="Wren", family_name="Withdrawn")
    ps.withdraw(by=world.alice, participant=w, scope="research")
    e = agreed(world, nhs_number=nhs_number(3), given_name="Ezra", family_name="Erased")
    ps.erase(
        by=world.mandy,
        participant=e,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    r = refer(world, nhs_number=nhs_number(4), given_name="Remy", family_name="Referred")
    for p in (a, w, e, r):
        p.refresh_from_db()
    return Cohort(a, w, e, r, trial)
