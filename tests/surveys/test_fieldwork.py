"""Survey waves and fieldwork: enrolment at agreement, monthly batches on the right dates (time frozen), the
attempts rule, withdrawn and erased participants, and the contact snapshot that casework edits do not change.

The protocol is the Health-led Trials' (seed 001; BRIEF.md, "The HLT trial machinery"): baseline, 4 and 12
months; rolling monthly batches; 5 face-to-face approaches or 12 calls before a non-response.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.participants.erasure import ErasureReason
from tests.conftest import refer
from tests.surveys.conftest import agree, baseline_invitation, noon


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(noon(dt.date(2026, 11, 15)), tick=False) as traveller:
        yield traveller


def test_agreement_enrols_with_a_snapshot_and_a_baseline_invitation(world, frozen) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services as participants
    from placewell.surveys.models import SurveyWave

    p = agree(world, phone="07700 900123", survey_mode="phone")
    enrolment = p.survey_enrolment
    assert enrolment.baseline_date == dt.date(2026, 11, 15)
    assert (enrolment.mode, enrolment.phone, enrolment.email) == (
        "phone",
        "07700 900123",
        "rowan@example.org",
    )
    waves = SurveyWave.objects.filter(service=world.service)
    assert [(w.key, w.offset_months) for w in waves] == [("baseline", 0), ("4-month", 4), ("12-month", 12)]
    invitation = baseline_invitation(p)
    assert (invitation.due_date, invitation.batch, invitation.mode) == (
        dt.date(2026, 11, 15),
        "2026-11",
        "phone",
    )

    # The service records new contact details; the survey sample keeps the baseline snapshot.
    participants.update_details(
        by=world.alice, participant=p, changes={"phone": "07700 900999", "email": "new@example.org"}
    )
    enrolment.refresh_from_db()
    assert (enrolment.phone, enrolment.email) == ("07700 900123", "rowan@example.org")


def test_follow_ups_are_issued_in_the_monthly_batch_of_the_month_they_fall_due(world, frozen) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    p = agree(world)  # baseline 15 November 2026
    frozen.move_to(noon(dt.date(2027, 2, 1)))
    assert services.issue_monthly_batch().issued == []
    frozen.move_to(noon(dt.date(2027, 3, 1)))
    result = services.issue_monthly_batch()
    assert [(i.wave.key, i.due_date, i.batch) for i in result.issued] == [
        ("4-month", dt.date(2027, 3, 15), "2027-03")
    ]
    invitation = result.issued[0]
    assert (invitation.window_opens, invitation.window_closes) == (dt.date(2027, 3, 15), dt.date(2027, 5, 10))
    assert services.issue_monthly_batch().issued == []  # idempotent within the month
    frozen.move_to(noon(dt.date(2027, 11, 1)))
    result = services.issue_monthly_batch()
    assert [(i.wave.key, i.due_date) for i in result.issued] == [("12-month", dt.date(2027, 11, 15))]
    assert p.survey_invitations.count() == 3


def test_month_arithmetic_clamps_to_the_end_of_a_shorter_month() -> None:
    from placewell.surveys.fieldwork import add_months

    assert add_months(dt.date(2026, 10, 31), 4) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 10, 31), 4) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 12) == dt.date(2027, 11, 15)


def test_a_missed_batch_is_caught_up_while_the_window_is_open_and_closed_windows_become_non_response(
    world, frozen
) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.models import Invitation

    p = agree(world)
    frozen.move_to(noon(dt.date(2027, 4, 1)))  # the March run never happened
    result = services.issue_monthly_batch()
    assert [(i.wave.key, i.batch) for i in result.issued] == [("4-month", "2027-04")]
    assert result.closed == 1  # the unanswered baseline: its window closed on 10 January 2027
    frozen.move_to(noon(dt.date(2027, 5, 11)))  # the day after the 4-month window closed
    assert services.issue_monthly_batch().closed == 1
    statuses = set(p.survey_invitations.values_list("status", "outcome_reason"))
    assert statuses == {(Invitation.Status.NON_RESPONSE, "Fieldwork window closed")}


def test_no_invitation_is_issued_once_the_window_has_closed(world, frozen) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    p = agree(world)
    frozen.move_to(noon(dt.date(2027, 6, 1)))  # 4-month window closed on 10 May 2027
    assert services.issue_monthly_batch().issued == []
    assert not p.survey_invitations.filter(wave__key="4-month").exists()


def _attempt(world, invitation, method, outcome="no_answer"):  # type: ignore[no-untyped-def]
    from placewell.surveys import services

    services.record_attempt(by=world.alice, invitation=invitation, method=method, outcome=outcome)
    invitation.refresh_from_db()
    return invitation


def test_twelve_calls_make_a_non_response_and_emails_do_not_count(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.errors import SurveyError
    from placewell.surveys.models import Invitation

    invitation = baseline_invitation(agreed)
    for _ in range(11):
        invitation = _attempt(world, invitation, "phone")
    for _ in range(3):
        invitation = _attempt(world, invitation, "email", "sent")
    assert invitation.status == Invitation.Status.ISSUED
    invitation = _attempt(world, invitation, "phone")
    assert invitation.status == Invitation.Status.NON_RESPONSE
    assert invitation.outcome_reason == "12 calls without a response"
    with pytest.raises(SurveyError, match="closed"):
        _attempt(world, invitation, "phone")


def test_five_face_to_face_approaches_make_a_non_response(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import Invitation

    invitation = baseline_invitation(agreed)
    for _ in range(4):
        invitation = _attempt(world, invitation, "face_to_face")
    for _ in range(6):
        invitation = _attempt(world, invitation, "phone")
    assert invitation.status == Invitation.Status.ISSUED
    invitation = _attempt(world, invitation, "face_to_face")
    assert (invitation.status, invitation.outcome_reason) == (
        Invitation.Status.NON_RESPONSE,
        "5 face-to-face approaches without a response",
    )


def test_the_attempts_rule_is_configurable_per_wave_and_a_refusal_closes_the_case(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from placewell.surveys.models import Invitation

    invitation = baseline_invitation(agreed)
    services.update_wave(by=world.ada, wave=invitation.wave, changes={"max_call_attempts": 3})
    invitation.refresh_from_db()
    for _ in range(3):
        invitation = _attempt(world, invitation, "phone")
    assert invitation.status == Invitation.Status.NON_RESPONSE

    other = agree(world, given_name="Sam", nhs_number="")
    refused = _attempt(world, baseline_invitation(other), "phone", "refused")
    assert (refused.status, refused.outcome_reason) == (
        Invitation.Status.NON_RESPONSE,
        "Did not want to take part",
    )


def test_withdrawn_participants_are_never_invited_and_their_links_stop_working(
    world, frozen, wording_loaded
) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services as participants
    from placewell.surveys import services
    from placewell.surveys.errors import LinkUnusable, SurveyError
    from placewell.surveys.models import Invitation

    stays = agree(world)
    leaves = agree(world, given_name="Morgan", nhs_number="")
    _, token = services.create_link(by=world.alice, invitation=baseline_invitation(leaves))
    participants.withdraw(by=world.alice, participant=leaves, scope="research")
    assert baseline_invitation(leaves).status == Invitation.Status.WITHDRAWN
    with pytest.raises(LinkUnusable) as problem:
        services.find_link(token)
    assert problem.value.reason == "closed"
    with pytest.raises(SurveyError, match="withdrawn"):
        services.create_link(by=world.alice, invitation=baseline_invitation(leaves))

    frozen.move_to(noon(dt.date(2027, 3, 1)))
    issued = services.issue_monthly_batch().issued
    assert [i.participant_id for i in issued] == [stays.pk]
    frozen.move_to(noon(dt.date(2027, 11, 1)))
    assert [i.participant_id for i in services.issue_monthly_batch().issued] == [stays.pk]
    assert leaves.survey_invitations.count() == 1

    # A withdrawn person cannot be added to the sample either.
    never = refer(world, given_name="Kit", nhs_number="")
    participants.withdraw(by=world.alice, participant=never, scope="research")
    with pytest.raises(SurveyError, match="withdrawn"):
        services.enrol(by=world.alice, participant=never)


def test_erasure_removes_every_survey_record(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.participants import services as participants
    from placewell.surveys import services
    from placewell.surveys.models import Invitation, Response, SurveyEnrolment
    from tests.surveys.conftest import SWEMWBS_ALL_FOURS

    services.record_response(
        by=world.alice, participant=agreed, instrument_id="swemwbs", answers=SWEMWBS_ALL_FOURS, mode="phone"
    )
    participants.erase(
        by=world.mandy,
        participant=agreed,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    assert not Response.objects.filter(participant=agreed).exists()
    assert not Invitation.objects.filter(participant=agreed).exists()
    assert not SurveyEnrolment.objects.filter(participant=agreed).exists()


def test_the_survey_team_can_update_its_own_snapshot(world, agreed) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import AuditEvent
    from placewell.surveys import services

    enrolment = agreed.survey_enrolment
    services.update_survey_contact(by=world.alice, enrolment=enrolment, changes={"phone": "07700 900555"})
    enrolment.refresh_from_db()
    assert enrolment.phone == "07700 900555"
    event = AuditEvent.objects.filter(record_type="survey_enrolment", action="update").get()
    assert event.changes == {"phone": "changed"}  # personal values are never kept in the audit log
