"""Sending by the queue: email received by a real SMTP server (aiosmtpd), texts to the outbox, and the rules
that stop a message (opt-out, withdrawal, erasure, the night). Time is frozen with time-machine; the
expected hours come from the rule itself (no texts 21:00-08:00 UK time)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.jobs.models import Job
from placewell.messaging import services
from placewell.messaging.models import Message, OutboxEntry
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from tests.casework.conftest import at
from tests.messaging.conftest import person

pytestmark = pytest.mark.django_db
TUESDAY = dt.date(2027, 3, 2)


def texter(world):  # type: ignore[no-untyped-def]
    return person(world, phone="07700 900123", preferred_contact_method="text")


def test_an_email_is_sent_by_a_task_and_received_by_the_smtp_server(world, smtp) -> None:
    p = person(world)
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
    message.refresh_from_db()
    assert (message.status, message.channel, message.attempts) == ("sent", "email", 1)
    assert Job.objects.filter(kind="messaging.send", state=Job.State.SUCCEEDED).count() == 1
    [(to, email)] = smtp.received
    assert to == ["rowan@example.org"]
    assert email["Subject"] == "Questions about how things are going"
    body = email.get_payload(decode=True).decode()
    assert f"This is {world.service.name}" in body
    assert "0300 123 4567" in body  # how to reach a person
    assert "rowan@example.org" not in message.body  # the log keeps no copy of the address


def test_a_refused_address_fails_at_once_with_a_clear_reason(world, smtp) -> None:
    p = person(world)
    smtp.refuse.add("rowan@example.org")
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert "refused the address" in message.reason and smtp.received == []


def test_an_smtp_server_that_is_down_is_retried_then_failed_and_shown_on_the_record(
    world, smtp_down, client_as, settings
) -> None:
    settings.PLACEWELL_MESSAGE_ATTEMPTS, settings.PLACEWELL_MESSAGE_RETRY_MINUTES = 3, 10
    p = person(world)
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "tried again after 11:10" in message.reason
    with time_machine.travel(at(TUESDAY, 11, 5), tick=False):
        services.sweep()  # not yet due
    message.refresh_from_db()
    assert message.attempts == 1
    with time_machine.travel(at(TUESDAY, 11, 10), tick=False):
        services.sweep()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 2)
    with time_machine.travel(at(TUESDAY, 11, 30), tick=False):
        services.sweep()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert "Tried 3 times" in message.reason
    page = client_as("alice").get(f"/participants/{p.pk}/")
    html = page.content.decode()
    assert "Failed" in html and "Tried 3 times" in html and "Send again" in html


def test_a_text_goes_to_the_outbox_in_the_day(world) -> None:
    p = texter(world)
    with time_machine.travel(at(TUESDAY, 8), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
    message.refresh_from_db()
    assert (message.status, message.channel) == ("sent", "text")
    entry = OutboxEntry.objects.get()
    assert entry.to == "07700900123" and entry.body == message.body


@pytest.mark.parametrize("hour,minute", [(21, 0), (23, 30), (2, 0), (7, 59)])
def test_no_texts_at_night_they_wait_until_eight(world, hour: int, minute: int) -> None:
    p = texter(world)
    day = TUESDAY if hour >= 21 else TUESDAY + dt.timedelta(days=1)
    with time_machine.travel(at(TUESDAY, hour, minute) if hour >= 21 else at(day, hour, minute), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
        services.sweep()
    message.refresh_from_db()
    morning = at(TUESDAY + dt.timedelta(days=1), 8)
    assert message.status == "queued" and message.send_after == morning
    assert not OutboxEntry.objects.exists()
    with time_machine.travel(morning, tick=False):
        services.sweep()
    message.refresh_from_db()
    assert message.status == "sent" and OutboxEntry.objects.count() == 1


def test_an_email_is_not_held_at_night(world, smtp) -> None:
    p = person(world)
    with time_machine.travel(at(TUESDAY, 23), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
    message.refresh_from_db()
    assert message.status == "sent" and len(smtp.received) == 1


def test_a_number_that_cannot_receive_texts_is_not_sent_with_the_reason(world) -> None:
    p = person(world, phone="020 7946 0000", preferred_contact_method="text")
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
    assert message.status == "not_sent" and "not a UK mobile number" in message.reason
    assert not OutboxEntry.objects.exists()


def test_phone_preference_without_mobile_or_email_gets_no_written_message(world) -> None:
    p = person(world, phone="020 7946 0000", email="", preferred_contact_method="phone")
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        message = services.queue_message(participant=p, key="survey_invitation")
    assert message.status == "not_sent" and "phone them" in message.reason


def test_opted_out_people_are_never_messaged_even_if_they_opt_out_after_queueing(world, smtp) -> None:
    p, q = person(world), texter(world)
    services.set_opt_out(by=world.alice, participant=p, opted_out=True)
    with time_machine.travel(at(TUESDAY, 22), tick=False):
        first = services.queue_message(participant=p, key="survey_invitation")
        second = services.queue_message(participant=q, key="survey_invitation")  # held until 08:00
    services.set_opt_out(by=world.alice, participant=q, opted_out=True)
    with time_machine.travel(at(TUESDAY + dt.timedelta(days=1), 8), tick=False):
        services.sweep()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "not_sent"
    assert "asked not to be sent messages" in second.reason
    assert smtp.received == [] and not OutboxEntry.objects.exists()


def test_withdrawn_people_are_never_messaged_checked_again_at_send_time(world, smtp) -> None:
    p, q = person(world), texter(world)
    ps.withdraw(by=world.alice, participant=p, scope="service")
    with time_machine.travel(at(TUESDAY, 22), tick=False):
        first = services.queue_message(participant=p, key="survey_invitation")
        second = services.queue_message(participant=q, key="survey_invitation")
    ps.withdraw(by=world.alice, participant=q, scope="service")
    with time_machine.travel(at(TUESDAY + dt.timedelta(days=1), 8), tick=False):
        services.sweep()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "not_sent"
    assert "withdrew from the service" in second.reason
    assert smtp.received == [] and not OutboxEntry.objects.exists()


def test_survey_invitations_respect_withdrawal_from_research(world, smtp) -> None:
    p = person(world)
    ps.withdraw(by=world.alice, participant=p, scope="research")
    message = services.queue_message(participant=p, key="survey_invitation")
    assert message.status == "not_sent" and smtp.received == []


def test_erased_people_are_never_messaged_and_their_messages_go(world) -> None:
    p, q = texter(world), texter(world)
    with time_machine.travel(at(TUESDAY, 22), tick=False):
        services.queue_message(participant=q, key="survey_invitation")  # held until the morning
        services.queue_message(participant=p, key="survey_invitation")
    reason = ErasureReason(dt.date(2026, 11, 1), "role:data_protection_officer")
    ps.erase(by=world.mandy, participant=q, reason=reason)
    assert not Message.objects.filter(participant=q).exists()
    q.refresh_from_db()
    after = services.queue_message(participant=q, key="survey_invitation")
    assert after.status == "not_sent" and after.body == "" and "erased" in after.reason
    with time_machine.travel(at(TUESDAY + dt.timedelta(days=1), 8), tick=False):
        services.sweep()
    assert list(OutboxEntry.objects.values_list("participant_id", flat=True)) == [p.pk]
