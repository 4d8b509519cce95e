"""The outbox page (service managers only), the participant panel's actions, and letters as PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine

from placewell.accounts.models import AuditEvent
from placewell.messaging import services
from placewell.messaging.models import Message, OptOut, OutboxEntry
from placewell.participants import services as ps
from tests.casework.conftest import at
from tests.messaging.conftest import person

pytestmark = pytest.mark.django_db
TUESDAY = dt.date(2027, 3, 2)


@pytest.fixture
def texted(world):  # type: ignore[no-untyped-def]
    p = person(world, phone="07700 900123", preferred_contact_method="text")
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        services.queue_message(participant=p, key="survey_invitation")
    return p


@pytest.mark.parametrize(
    "name,status",
    [
        ("mandy", 200),
        ("alice", 403),
        ("bob", 403),
        ("charlie", 403),
        ("tess", 403),
        ("evan", 403),
        ("ada", 403),
    ],
)
def test_outbox_page_is_for_service_managers(world, client_as, texted, name: str, status: int) -> None:
    response = client_as(name).get("/messages/outbox/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "07700900123" in html and "questions about how things are going" in html


def test_outbox_is_one_query_for_the_entries_however_many(
    world, client_as, texted, django_assert_max_num_queries
) -> None:
    client = client_as("mandy")
    client.get("/messages/outbox/")
    with django_assert_max_num_queries(12) as few:
        client.get("/messages/outbox/")
    for _ in range(5):
        services.queue_message(participant=texted, key="survey_invitation")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/messages/outbox/")


def test_opt_out_from_the_record_and_back(world, client_as, texted) -> None:
    client = client_as("alice")
    assert client.post(f"/messages/participant/{texted.pk}/opt-out/", {"opted_out": "yes"}).status_code == 302
    assert OptOut.objects.filter(participant=texted).exists()
    assert AuditEvent.objects.filter(record_type="message_opt_out", summary="Asked for no messages").exists()
    page = client.get(f"/participants/{texted.pk}/").content.decode()
    assert "They asked not to be sent messages" in page
    client.post(f"/messages/participant/{texted.pk}/opt-out/", {"opted_out": "no"})
    assert not OptOut.objects.filter(participant=texted).exists()


@pytest.mark.parametrize("name", ["charlie", "evan", "ada"])
def test_others_cannot_opt_a_person_out(world, client_as, texted, name: str) -> None:
    response = client_as(name).post(f"/messages/participant/{texted.pk}/opt-out/", {"opted_out": "yes"})
    assert response.status_code in {403, 404}
    assert not OptOut.objects.exists()


def test_the_end_of_support_letter_renders_to_pdf(world, client_as) -> None:
    from pypdf import PdfReader

    p = person(world, address="1 High Street\nLeeds", postcode="LS1 1AA", preferred_contact_method="post")
    ps.close(by=world.alice, participant=p, reason="Support ended: time limit reached")
    client = client_as("alice")
    assert "Send the end of support letter" in client.get(f"/participants/{p.pk}/").content.decode()
    assert client.post(f"/messages/participant/{p.pk}/ending-letter/").status_code == 302
    assert "Send the end of support letter" not in client.get(f"/participants/{p.pk}/").content.decode()
    message = Message.objects.get(template_key="support_ending")
    assert (message.channel, message.status) == ("letter", "sent")
    assert "High Street" not in message.body  # the address is added to the PDF, not kept in the log
    entry = OutboxEntry.objects.get(message=message)
    assert "LS1 1AA" in entry.to
    response = client.get(f"/messages/{message.pk}/letter.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "your employment support with us ended on" in " ".join(text.split())
    assert "1 High Street" in text and "0300 123 4567" in text
    assert AuditEvent.objects.filter(record_type="message", summary="Opened a letter").exists()
    assert client_as("charlie").get(f"/messages/{message.pk}/letter.pdf").status_code in {403, 404}


def test_the_end_of_support_letter_needs_a_closed_record(world, client_as) -> None:
    p = person(world)
    response = client_as("alice").post(f"/messages/participant/{p.pk}/ending-letter/", follow=True)
    assert "Close the record" in response.content.decode()
    assert not Message.objects.exists()


def test_send_again_after_a_failure(world, client_as, smtp) -> None:
    p = person(world)
    smtp.refuse.add("rowan@example.org")
    failed = services.queue_message(participant=p, key="survey_invitation")
    failed.refresh_from_db()
    assert failed.status == "failed"
    smtp.refuse.clear()
    client_as("alice").post(f"/messages/{failed.pk}/send-again/")
    assert Message.objects.filter(status="sent").count() == 1 and len(smtp.received) == 1
