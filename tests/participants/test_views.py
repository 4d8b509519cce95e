"""Participant pages: the list with search and filters, the record, the referral questions, audit of reads."""

from __future__ import annotations

from django.utils import timezone

from placewell.accounts.models import AuditEvent
from placewell.participants.models import Participant
from tests.conftest import refer


def test_list_search_and_filters(client_as, world) -> None:  # type: ignore[no-untyped-def]
    rowan = refer(world)
    sam = refer(world, given_name="Sam", family_name="Hughes", nhs_number="9000000009", specialist=world.bob)
    other_team = refer(
        world,
        given_name="Kim",
        family_name="Other",
        nhs_number="",
        team=world.south,
        specialist=world.charlie,
    )
    client = client_as("alice")
    body = client.get("/participants/").content.decode()
    assert "Rowan Example" in body and "Sam Hughes" in body and "Kim Other" not in body
    assert "Sam Hughes" not in client.get("/participants/?q=rowan").content.decode()
    assert "Sam Hughes" in client.get("/participants/?q=900 000 0009").content.decode()
    assert "Sam Hughes" in client.get(f"/participants/?q={sam.reference}").content.decode()
    assert "Rowan Example" not in client.get(f"/participants/?specialist={world.bob.pk}").content.decode()
    assert "Rowan" in client.get("/participants/?status=referred").content.decode()
    assert "No one matches" in client.get("/participants/?status=active").content.decode()
    listed = AuditEvent.objects.filter(action="list", actor=world.alice).latest("id")
    assert rowan.pk in listed.changes["ids"] and other_team.pk not in listed.changes["ids"]
    mandy = client_as("mandy").get("/participants/").content.decode()
    assert "Kim Other" in mandy  # the service manager sees the whole service


def test_list_query_count_does_not_grow_with_rows(client_as, world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    for i in range(3):
        refer(world, given_name=f"P{i}", nhs_number="")
    with django_assert_max_num_queries(18) as few:
        client.get("/participants/")
    for i in range(20):
        refer(world, given_name=f"Q{i}", nhs_number="")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/participants/")


def test_record_page_is_audited_and_shows_the_timeline(client_as, world, participant) -> None:  # type: ignore[no-untyped-def]
    body = client_as("bob").get(f"/participants/{participant.pk}/").content.decode()
    assert (
        "Rowan Example" in body and "943 476 5919" in body and "Timeline" in body and "Referred (GP" in body
    )
    assert AuditEvent.objects.filter(action="view", actor=world.bob, participant_id=participant.pk).exists()


def test_referral_questions_with_duplicate_warning(client_as, world, participant) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    client.get("/participants/refer/")
    person = {
        "given_name": "rowan",
        "family_name": "example",
        "date_of_birth_0": "27",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1985",
        "nhs_number": "",
    }
    response = client.post("/participants/refer/person/", person)
    assert response["Location"] == "/participants/refer/possible-duplicates/"
    warning = client.get("/participants/refer/possible-duplicates/").content.decode()
    assert "may already be known" in warning and f"/participants/{participant.pk}/" in warning
    assert (
        client.post("/participants/refer/possible-duplicates/")["Location"] == "/participants/refer/contact/"
    )
    client.post(
        "/participants/refer/contact/", {"preferred_contact_method": "phone", "phone": "07700 900456"}
    )
    bad = client.post(
        "/participants/refer/referral/",
        {
            "source": "gp",
            "referral_date_0": "1",
            "referral_date_1": "1",
            "referral_date_2": str(timezone.localdate().year + 1),
            "team": world.south.pk,
        },
    )
    body = bad.content.decode()
    assert (
        "Date of referral must be today or in the past" in body
        and "Select team from the options shown" in body
    )
    assert Participant.objects.count() == 1
    client.post(
        "/participants/refer/referral/",
        {
            "source": "gp",
            "referral_date_0": "1",
            "referral_date_1": "11",
            "referral_date_2": "2026",
            "team": world.north.pk,
        },
    )
    check = client.get("/participants/refer/check/").content.decode()
    assert "Check the referral" in check and "07700 900456" in check
    response = client.post("/participants/refer/check/")
    new = Participant.objects.exclude(pk=participant.pk).get()
    assert response["Location"] == f"/participants/{new.pk}/"
    assert new.possible_duplicate_of == participant and new.team == world.north


def test_other_teams_referral_page_offers_only_own_team(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("charlie")
    client.get("/participants/refer/")
    client.post(
        "/participants/refer/person/",
        {
            "given_name": "A",
            "family_name": "B",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": "1980",
        },
    )
    client.post("/participants/refer/contact/", {"preferred_contact_method": "post"})
    body = client.get("/participants/refer/referral/").content.decode()
    assert ">South<" in body and ">North<" not in body


def test_edit_details_validates_identifiers(client_as, world, participant) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    form = {
        "given_name": "Rowan",
        "family_name": "Example",
        "nhs_number": "1234567890",
        "ni_number": "DA123456A",
    }
    body = client.post(f"/participants/{participant.pk}/details/", form).content.decode()
    assert "last digit does not match" in body and "never start with DA" in body
    participant.refresh_from_db()
    assert participant.ni_number == ""
    form |= {
        "nhs_number": "943 476 5919",
        "ni_number": "ab 12 34 56 c",
        "health_conditions": ["depression", "pain"],
    }
    assert client.post(f"/participants/{participant.pk}/details/", form).status_code == 302
    participant.refresh_from_db()
    assert participant.ni_number == "AB123456C" and participant.health_conditions == ["depression", "pain"]
