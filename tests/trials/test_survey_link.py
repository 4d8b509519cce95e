"""Trials and surveys together (``trials.survey_link``): the baseline questionnaires in the first meeting,
randomisation waiting for them, per-trial survey waves, and arms in the response-rate table only for those
who may see a trial's allocations. Time is frozen on the day of the first meeting."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import time_machine

from placewell.accounts.models import AuditEvent
from placewell.participants.choices import SurveyMode
from placewell.surveys import fieldwork, rates
from placewell.surveys import services as surveys
from placewell.surveys.models import Invitation, Response, SurveyEnrolment, SurveyWave
from placewell.trials import services
from placewell.trials.design import TrialError
from placewell.trials.models import Allocation
from tests.trials.helpers import agreed, make_trial

DAY = dt.date(2026, 11, 10)
ONS4 = {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3}
TODAY = {"completed_on_0": "10", "completed_on_1": "11", "completed_on_2": "2026"}


@pytest.fixture(autouse=True)
def _meeting_day() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def trial(world, survey_baseline):  # type: ignore[no-untyped-def]
    return make_trial(world)


@pytest.fixture
def person(world, trial):  # type: ignore[no-untyped-def]
    """An agreed person in North team, in the survey sample with a baseline invitation of the service's own
    baseline wave, cut to one questionnaire (ONS4) to keep the tests short."""
    p = agreed(world)
    baseline = SurveyWave.objects.get(service=world.service, trial_reference="", is_baseline=True)
    surveys.update_wave(by=world.mandy, wave=baseline, changes={"instruments": ["ons4", "gad7"]})
    return p


def give_baseline(world, p, answers=None, instruments=("ons4", "gad7")):  # type: ignore[no-untyped-def]
    progress = surveys.baseline_progress(p)
    for instrument in instruments:
        surveys.record_response(
            by=world.alice,
            participant=p,
            instrument_id=instrument,
            answers=answers if instrument == "ons4" and answers is not None else _full(instrument),
            mode=SurveyMode.FACE_TO_FACE,
            invitation=progress.invitation,
        )


def _full(instrument: str) -> dict[str, int]:
    return ONS4 if instrument == "ons4" else {f"item{n}": 1 for n in range(1, 8)}


def test_the_step_is_registered_when_surveys_is_installed(survey_baseline) -> None:  # type: ignore[no-untyped-def]
    from placewell.trials.baseline import baseline_steps

    assert survey_baseline in baseline_steps()
    assert survey_baseline.label == "Baseline questionnaires"
    assert (
        rates.may_see_arms(None, "ISRCTN12345678") is False
    )  # the trials rule is registered with the source


def test_randomisation_waits_for_every_baseline_questionnaire(world, trial, person) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TrialError, match="Complete the baseline questionnaires first"):
        services.randomise(by=world.alice, trial=trial, participant=person)
    give_baseline(world, person, instruments=("ons4",))
    assert surveys.baseline_progress(person).missing == ["gad7"]
    with pytest.raises(TrialError, match="Complete the baseline questionnaires first"):
        services.randomise(by=world.alice, trial=trial, participant=person)
    assert not Allocation.objects.exists()
    give_baseline(world, person, instruments=("gad7",))
    allocation = services.randomise(by=world.alice, trial=trial, participant=person)
    assert allocation.participant_id == person.pk


def test_a_partial_baseline_counts(world, trial, person) -> None:  # type: ignore[no-untyped-def]
    give_baseline(world, person, answers={**ONS4, "anxiety": None})
    partial = Response.objects.get(participant=person, instrument_id="ons4")
    assert partial.is_partial
    assert surveys.baseline_progress(person).complete
    services.randomise(by=world.alice, trial=trial, participant=person)


def test_randomising_moves_the_person_to_the_trials_own_waves(world, trial, person) -> None:  # type: ignore[no-untyped-def]
    give_baseline(world, person)
    services.randomise(by=world.alice, trial=trial, participant=person)
    enrolment = SurveyEnrolment.objects.get(participant=person)
    assert enrolment.trial_reference == trial.registration_number
    waves = SurveyWave.objects.filter(service=world.service, trial_reference=trial.registration_number)
    assert sorted(w.key for w in waves) == ["12-month", "4-month", "baseline"]
    trial_baseline = waves.get(is_baseline=True)
    assert trial_baseline.instruments == ["ons4", "gad7"]  # copied from the service's own baseline wave
    invitation = Invitation.objects.get(participant=person)
    assert invitation.wave == trial_baseline and invitation.status == Invitation.Status.RESPONDED
    assert AuditEvent.objects.filter(
        record_type="survey_enrolment", participant_id=person.pk, summary__contains=trial.registration_number
    ).exists()
    # Follow-ups come from the trial's waves: the 4-month batch of March 2027.
    batch = fieldwork.issue_monthly_batch(on=dt.date(2027, 3, 1))
    assert [(i.participant_id, i.wave.trial_reference, i.wave.key) for i in batch.issued] == [
        (person.pk, trial.registration_number, "4-month")
    ]


def test_a_refused_randomisation_leaves_the_survey_waves_as_they_were(world, trial) -> None:  # type: ignore[no-untyped-def]
    p = agreed(world, employment_status="in_work", team=world.south, specialist=world.charlie)
    progress = surveys.baseline_progress(p)
    for instrument in progress.instruments:  # every questionnaire declined: all blank, so partial
        surveys.record_response(
            by=world.charlie,
            participant=p,
            instrument_id=instrument,
            answers={},
            mode=SurveyMode.FACE_TO_FACE,
            invitation=progress.invitation,
        )
    assert surveys.baseline_progress(p).complete
    with pytest.raises(TrialError, match="not one this trial recruits"):
        services.randomise(by=world.charlie, trial=trial, participant=p)
    assert SurveyEnrolment.objects.get(participant=p).trial_reference == ""
    assert not SurveyWave.objects.filter(trial_reference=trial.registration_number).exists()


def test_a_survey_refusal_refuses_the_randomisation_and_allocates_nothing(world, trial, person) -> None:  # type: ignore[no-untyped-def]
    give_baseline(world, person)
    SurveyWave.objects.filter(trial_reference="", is_baseline=False).update(offset_months=0)
    fieldwork.issue_monthly_batch(on=DAY)  # follow-ups issued already (a misconfigured wave)
    with pytest.raises(TrialError, match=r"follow-ups have already been issued.*Nothing was allocated"):
        services.randomise(by=world.alice, trial=trial, participant=person)
    assert not Allocation.objects.exists()


def test_the_arm_source_and_who_sees_arms_in_the_response_rates(client_as, world, trial, person) -> None:  # type: ignore[no-untyped-def]
    from placewell.trials.survey_link import arms_by_participant

    give_baseline(world, person)
    allocation = services.randomise(by=world.alice, trial=trial, participant=person)
    arm = allocation.arm.name
    assert arms_by_participant(trial.registration_number, [person.pk, 999999]) == {person.pk: arm}
    assert arms_by_participant("", [person.pk]) == {}
    table = rates.response_rates([world.service], viewer=world.evan)
    row = next(r for r in table.rows if r.wave.trial_reference and r.wave.is_baseline)
    assert dict(row.arm_cells)[arm].responded == 1
    # The page: the evaluator (VIEW_ALLOCATIONS) sees arms; delivery staff and managers see "All" only.
    assert arm.encode() in client_as("evan").get("/surveys/response-rates/").content
    for persona in ("alice", "tess", "mandy"):
        content = client_as(persona).get("/surveys/response-rates/").content
        assert arm.encode() not in content, persona
        assert b"100.0% (1 of 1)" in content
    # Staff listed as blind in the trial see no arms either, whatever their role.
    services.set_blinded_staff(by=world.mandy, trial=trial, staff=[world.evan])
    assert arm.encode() not in client_as("evan").get("/surveys/response-rates/").content
    assert rates.response_rates([world.service]).arms == []  # no viewer, no arms


def test_the_baseline_page_links_to_the_questionnaires_and_they_return_to_the_meeting(
    client_as, world, trial, person
) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    meeting = f"/trials/{trial.pk}/meeting/{person.pk}/"
    baseline_page = meeting + "baseline/"
    response = client.get(baseline_page)
    assert response.status_code == 200
    link = response.context["steps"][0]["url"]
    parsed = urlparse(link)
    query = parse_qs(parsed.query)
    assert parsed.path == f"/surveys/participants/{person.pk}/administer/ons4/"
    assert query["next"] == [baseline_page] and query["mode"] == ["face_to_face"]
    page = client.get(link)
    assert page.status_code == 200
    assert b"questionnaire 1 of 2" in page.content and b"Save and continue" in page.content
    assert b'value="2026"' in page.content  # the day of the meeting is filled in
    saved = client.post(link, {**{k: str(v) for k, v in ONS4.items()}, **TODAY})
    assert saved.status_code == 302
    second = urlparse(saved["Location"])
    assert second.path == f"/surveys/participants/{person.pk}/administer/gad7/"
    assert parse_qs(second.query)["next"] == [baseline_page]
    last = client.post(saved["Location"], {**{f"item{n}": "0" for n in range(1, 8)}, **TODAY})
    assert last["Location"] == baseline_page
    assert client.get(baseline_page).context["steps"][0]["done"]
    assert client.post(baseline_page)["Location"] == meeting + "check/"
    assert client.post(meeting + "check/", {"confirm": "on"})["Location"] == meeting + "result/"
    assert Allocation.objects.filter(participant=person).exists()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "trials/1/"],
)
def test_a_next_address_off_this_site_is_ignored(client_as, world, trial, person, next_url) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    invitation = surveys.baseline_progress(person).invitation
    url = f"/surveys/participants/{person.pk}/administer/ons4/"
    query = {"mode": "face_to_face", "invitation": invitation.pk, "next": next_url}
    page = client.get(url, query)
    assert next_url.encode() not in page.content
    response = client.post(url + "?" + urlencode(query), {**ONS4, **TODAY})
    assert response["Location"] == f"/surveys/participants/{person.pk}/"


def test_someone_outside_the_survey_sample_is_sent_to_be_added_then_back(client_as, world, trial) -> None:  # type: ignore[no-untyped-def]
    p = agreed(world)
    fieldwork.erase_survey_data(p)  # as if they agreed before the surveys app was installed
    assert not surveys.baseline_progress(p).complete
    client = client_as("alice")
    baseline_page = f"/trials/{trial.pk}/meeting/{p.pk}/baseline/"
    link = client.get(baseline_page).context["steps"][0]["url"]
    assert urlparse(link).path == f"/surveys/participants/{p.pk}/"
    assert f'name="next" value="{baseline_page}"'.encode() in client.get(link).content
    added = client.post(f"/surveys/participants/{p.pk}/enrol/", {"next": baseline_page})
    assert added["Location"] == baseline_page
    assert "/administer/" in client.get(baseline_page).context["steps"][0]["url"]


def test_the_demo_gives_trial_participants_a_baseline_before_randomisation(world, survey_baseline) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.demo import load_responses
    from placewell.trials.demo import DEMO_REGISTRATION, load_demo_trial
    from placewell.web import demo

    demo._ensure_structure(lambda message: None)
    load_demo_trial(random.Random(3), lambda message: None, n=12)
    load_responses(random.Random(3), lambda message: None)
    allocations = list(Allocation.objects.select_related("participant"))
    assert len(allocations) == 12
    for allocation in allocations:
        enrolment = SurveyEnrolment.objects.get(participant=allocation.participant)
        assert enrolment.trial_reference == DEMO_REGISTRATION
        assert enrolment.baseline_date == allocation.allocated_on
        baseline = Response.objects.filter(
            participant=allocation.participant, invitation__wave__is_baseline=True
        )
        assert baseline.count() == 5
        assert all(r.completed_on <= allocation.allocated_on for r in baseline)
        assert {r.mode for r in baseline} == {SurveyMode.FACE_TO_FACE}
    trial_waves = SurveyWave.objects.filter(trial_reference=DEMO_REGISTRATION)
    assert trial_waves.count() == 3
    assert Invitation.objects.filter(wave__in=trial_waves, wave__is_baseline=False).exists()
