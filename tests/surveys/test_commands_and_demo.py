"""The scheduled monthly command (time frozen), and the demo step."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.core import mail
from django.core.management import call_command

from tests.surveys.conftest import agree, noon


def test_the_monthly_command_issues_invitations_and_emails_online_invitees_only(
    world, capsys, wording_loaded
) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.models import ContactAttempt, SurveyLink

    with time_machine.travel(noon(dt.date(2026, 11, 15)), tick=False) as t:
        online = agree(world, survey_mode="web", email="online@example.org")
        agree(world, given_name="Pat", nhs_number="", survey_mode="phone", email="phone@example.org")
        t.move_to(noon(dt.date(2027, 3, 1)))
        call_command("send_survey_invitations", "--base-url", "https://placewell.example")
    out = capsys.readouterr().out
    assert "Batch 2027-03: 2 invited, 1 links emailed" in out
    assert [m.to for m in mail.outbox] == [["online@example.org"]]
    assert "https://placewell.example/q/" in mail.outbox[0].body
    link = SurveyLink.objects.get()
    assert link.invitation.participant == online and link.invitation.wave.key == "4-month"
    assert ContactAttempt.objects.get().method == "email"


def test_the_demo_step_gives_demo_participants_baseline_and_follow_up_responses(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys.demo import load_responses
    from placewell.surveys.models import Invitation, Response

    for n, name in enumerate(("Ash", "Bay", "Cy", "Di", "Ed", "Flo")):
        agree(world, given_name=name, nhs_number="", referral_date=dt.date(2025, 6 + n, 3))
    messages: list[str] = []
    load_responses(random.Random(7), messages.append)
    assert Response.objects.filter(invitation__wave__is_baseline=True).exists()
    assert Invitation.objects.filter(wave__key="12-month").exists()
    assert (
        Response.objects.filter(invitation__wave__is_baseline=False).exists()
        or Invitation.objects.filter(status=Invitation.Status.NON_RESPONSE).exists()
    )
    assert messages
    # The follow-up sent by link uses only questionnaires whose wording ships, so a link can be made.
    from placewell.surveys.models import SurveyWave
    from placewell.surveys.questionnaire import wording_missing

    follow_up = SurveyWave.objects.get(key="4-month", service=world.service)
    assert follow_up.instruments == ["phq8", "gad7", "ons4"] and wording_missing(follow_up.instruments) == []
