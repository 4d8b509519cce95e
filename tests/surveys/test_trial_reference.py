"""The survey actions a trial uses: baseline progress, surveying a sample member with a trial's own waves,
arms in the response rates only for viewers the arm source allows, and ``next`` addresses kept on this site."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.accounts.models import AuditEvent
from placewell.participants.choices import SurveyMode
from placewell.surveys import fieldwork, rates, services
from placewell.surveys.errors import SurveyError
from placewell.surveys.models import Invitation, SurveyEnrolment, SurveyWave
from tests.surveys.conftest import agree, baseline_invitation, noon

REFERENCE = "ISRCTN12345678"
ONS4 = {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3}


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(noon(dt.date(2026, 11, 15)), tick=False):
        yield


def _answer(world, p, instrument, answers):  # type: ignore[no-untyped-def]
    return services.record_response(
        by=world.alice,
        participant=p,
        instrument_id=instrument,
        answers=answers,
        mode=SurveyMode.FACE_TO_FACE,
        invitation=baseline_invitation(p),
    )


def test_baseline_progress_counts_sent_questionnaires_partial_included(world, agreed) -> None:  # type: ignore[no-untyped-def]
    wave = baseline_invitation(agreed).wave
    services.update_wave(by=world.mandy, wave=wave, changes={"instruments": ["ons4", "gad7"]})
    progress = services.baseline_progress(agreed)
    assert (progress.instruments, progress.missing, progress.complete) == (
        ("ons4", "gad7"),
        ["ons4", "gad7"],
        False,
    )
    assert not services.has_complete_baseline(agreed)
    _answer(world, agreed, "ons4", {**ONS4, "anxiety": None})  # partial
    assert services.baseline_progress(agreed).missing == ["gad7"]
    assert not services.has_complete_baseline(agreed)
    _answer(world, agreed, "gad7", {})  # declined every question: kept, partial
    assert services.baseline_progress(agreed).complete and services.has_complete_baseline(agreed)


def test_no_survey_sample_means_no_baseline(world, agreed) -> None:  # type: ignore[no-untyped-def]
    fieldwork.erase_survey_data(agreed)
    progress = services.baseline_progress(agreed)
    assert progress.invitation is None and not progress.complete
    assert not services.has_complete_baseline(agreed)
    assert services.enrolment_of(agreed) is None


def test_set_trial_reference_copies_the_waves_and_moves_the_baseline(world, agreed) -> None:  # type: ignore[no-untyped-def]
    own = SurveyWave.objects.get(service=world.service, trial_reference="", key="4-month")
    services.update_wave(by=world.mandy, wave=own, changes={"closes_days_after": 70})
    _answer(world, agreed, "ons4", ONS4)
    enrolment = SurveyEnrolment.objects.get(participant=agreed)
    services.set_trial_reference(by=world.alice, enrolment=enrolment, trial_reference=f" {REFERENCE} ")
    enrolment.refresh_from_db()
    assert enrolment.trial_reference == REFERENCE
    waves = {w.key: w for w in SurveyWave.objects.filter(trial_reference=REFERENCE)}
    assert set(waves) == {"baseline", "4-month", "12-month"}
    assert waves["4-month"].closes_days_after == 70  # a copy of the service's own wave
    invitation = baseline_invitation(agreed)
    assert invitation.wave == waves["baseline"] and invitation.status == Invitation.Status.RESPONDED
    event = AuditEvent.objects.filter(record_type="survey_enrolment", participant_id=agreed.pk).latest("pk")
    assert event.changes == {"trial_reference": ["", REFERENCE]}
    # Setting it again changes nothing; a second person reuses the trial's waves.
    services.set_trial_reference(by=world.alice, enrolment=enrolment, trial_reference=REFERENCE)
    other = agree(world, given_name="Sky")
    services.set_trial_reference(
        by=world.alice, enrolment=SurveyEnrolment.objects.get(participant=other), trial_reference=REFERENCE
    )
    assert SurveyWave.objects.filter(trial_reference=REFERENCE).count() == 3
    # Follow-ups then come from the trial's waves, and the trial's rows of the rate table count them.
    issued = fieldwork.issue_monthly_batch(on=dt.date(2027, 3, 1)).issued
    assert {i.wave.trial_reference for i in issued} == {REFERENCE}


def test_set_trial_reference_is_refused_once_follow_ups_are_issued(world, agreed) -> None:  # type: ignore[no-untyped-def]
    fieldwork.issue_monthly_batch(on=dt.date(2027, 3, 1))
    enrolment = SurveyEnrolment.objects.get(participant=agreed)
    with pytest.raises(SurveyError, match="follow-ups have already been issued"):
        services.set_trial_reference(by=world.alice, enrolment=enrolment, trial_reference=REFERENCE)
    with pytest.raises(SurveyError, match="too long"):
        services.set_trial_reference(by=world.alice, enrolment=enrolment, trial_reference="X" * 61)
    enrolment.refresh_from_db()
    assert enrolment.trial_reference == ""
    assert not SurveyWave.objects.filter(trial_reference=REFERENCE).exists()


def test_arms_only_for_viewers_the_source_allows(world, agreed) -> None:  # type: ignore[no-untyped-def]
    with rates.using_arm_source(
        lambda ref, ids: dict.fromkeys(ids, "Treatment"), may_see=lambda viewer, ref: viewer == world.evan
    ):
        assert rates.response_rates([world.service], viewer=world.evan).arms == ["Treatment"]
        hidden = rates.response_rates([world.service], viewer=world.alice)
        assert hidden.arms == [] and hidden.rows[0].total.invited == 1
        assert rates.arms_for("", [agreed.pk], world.alice) == {agreed.pk: rates.ALL}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/trials/1/meeting/2/baseline/", "/trials/1/meeting/2/baseline/"),
        ("https://evil.example/", ""),
        ("//evil.example/", ""),
        ("/\\evil.example/", ""),
        ("javascript:alert(1)", ""),
        ("trials/1/", ""),
        ("", ""),
    ],
)
def test_local_next_keeps_paths_on_this_site_only(rf, given, kept) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.views import local_next

    assert local_next(rf.get("/", {"next": given})) == kept
    assert local_next(rf.post("/", {"next": given})) == kept
