"""Case notes: who may read and write them, the length limit, audited reads and writes, and search."""

from __future__ import annotations

import pytest

from placewell.accounts.models import AuditEvent
from placewell.casework import services, services_notes
from placewell.casework.models import CaseNote

pytestmark = pytest.mark.django_db

TEXT = "Wants warehouse work near Brayford; forklift licence lapsed in 2024"


def _url(p) -> str:  # type: ignore[no-untyped-def]
    return f"/casework/participants/{p.pk}/notes/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("alice", 200),
        ("bob", 200),
        ("charlie", 404),
        ("tess", 200),
        ("mandy", 200),
        ("evan", 403),
        ("ada", 403),
    ],
)
def test_notes_page_permissions(client_as, participant, persona, status) -> None:  # type: ignore[no-untyped-def]
    services_notes.add_case_note(
        by=participant.specialist, participant=participant, category="job_search", text=TEXT
    )
    response = client_as(persona).get(_url(participant))
    assert response.status_code == status
    if status == 200:
        assert TEXT in response.content.decode()


@pytest.mark.parametrize("persona", ["charlie", "evan", "ada"])
def test_refused_personas_cannot_add_notes(client_as, participant, persona) -> None:  # type: ignore[no-untyped-def]
    response = client_as(persona).post(_url(participant), {"category": "general", "text": "Should not save"})
    assert response.status_code in {403, 404}
    assert not CaseNote.objects.exists()


def test_add_note_is_saved_and_audited_without_its_words(client_as, participant) -> None:  # type: ignore[no-untyped-def]
    client = client_as("bob")
    response = client.post(_url(participant), {"category": "job_search", "text": TEXT})
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.participant_id, note.category, note.text, note.created_by.username) == (
        participant.pk,
        "job_search",
        TEXT,
        "bob",
    )
    written = AuditEvent.objects.get(record_type="case_note", action="create")
    assert written.summary == "Added a case note (job search and employers)"
    assert "forklift" not in str(written.changes) and "forklift" not in written.summary
    client.get(_url(participant))
    read = AuditEvent.objects.filter(record_type="case_note", action="view").get()
    assert read.summary == "Read 1 case notes" and read.participant_id == participant.pk


def test_note_over_the_limit_or_empty_is_refused_and_nothing_saved(client_as, participant) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    long = client.post(_url(participant), {"category": "general", "text": "x" * (CaseNote.MAX_LENGTH + 1)})
    assert long.status_code == 400
    assert "The note must be 2,000 characters or fewer" in long.content.decode()
    empty = client.post(_url(participant), {"category": "", "text": ""})
    body = empty.content.decode()
    assert empty.status_code == 400 and "Select what the note is about" in body and "Enter the note" in body
    assert not CaseNote.objects.exists()
    assert not AuditEvent.objects.filter(record_type="case_note", action="create").exists()
    with pytest.raises(services.CaseworkError, match="2,000 characters or fewer: it has 2,001"):
        services_notes.add_case_note(
            by=participant.specialist, participant=participant, category="general", text="y" * 2001
        )


def test_search_finds_a_person_by_their_case_note(client_as, participant, world) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import refer

    refer(world, given_name="Other", nhs_number="")
    services_notes.add_case_note(by=world.alice, participant=participant, category="job_search", text=TEXT)
    found = client_as("alice").get("/participants/?q=forklift").content.decode()
    assert "Rowan Example" in found and "Other Example" not in found
    assert "Rowan Example" not in client_as("charlie").get("/participants/?q=forklift").content.decode()


def test_notes_show_on_the_record_and_go_with_erasure(client_as, participant, world) -> None:  # type: ignore[no-untyped-def]
    services_notes.add_case_note(by=world.alice, participant=participant, category="health", text=TEXT)
    body = client_as("alice").get(f"/participants/{participant.pk}/").content.decode()
    assert "Health and wellbeing" in body and "All case notes (1)" in body and "forklift" in body
    counts = services.erase_participant_casework(participant, by=world.mandy)
    assert counts["case_notes"] == 1 and not CaseNote.objects.exists()
