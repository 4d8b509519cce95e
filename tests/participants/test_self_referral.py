"""The public self-referral form: no sign-in, spam protection, and it never reveals who is known."""

from __future__ import annotations

from django.core.cache import cache

from placewell.participants.models import Participant, Referral
from tests.conftest import refer

ANSWERS = [
    ("/refer/name/", {"given_name": "Rowan", "family_name": "Example", "website": ""}),
    ("/refer/date-of-birth/", {"date_of_birth_0": "27", "date_of_birth_1": "3", "date_of_birth_2": "1985"}),
    ("/refer/contact/", {"preferred_contact_method": "email", "email": "rowan@example.org", "phone": ""}),
    ("/refer/work/", {"employment_status": "out_of_work"}),
    ("/refer/help/", {"about": "I would like work in a garden centre."}),
]


def complete(client, answers=ANSWERS) -> object:  # type: ignore[no-untyped-def]
    client.get("/refer/")
    for url, data in answers:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    return client.post("/refer/check/")


def test_self_referral_creates_a_referral_for_the_service(client, world) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    assert client.get("/refer/").status_code == 200
    response = complete(client)
    assert response["Location"] == "/refer/done/"
    person = Participant.objects.get(family_name="Example")
    referral = Referral.objects.get(participant=person)
    assert referral.source == "self" and referral.route == "self_form"
    assert person.service == world.service and person.team is None
    assert person.about == "I would like work in a garden centre."
    assert "Referral sent" in client.get("/refer/done/").content.decode()


def test_known_people_see_exactly_the_same_confirmation(client, world) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    existing = refer(world)
    complete(client)
    known = client.get("/refer/done/").content.decode()
    new = Participant.objects.exclude(pk=existing.pk).get()
    assert new.possible_duplicate_of == existing  # staff see it on the new record
    client.cookies.clear()
    complete(client, [ANSWERS[0], *ANSWERS[1:]])
    # Same page, word for word, apart from the CSRF token.
    strip = lambda html: "\n".join(line for line in html.splitlines() if "csrf" not in line)  # noqa: E731
    assert strip(known) == strip(client.get("/refer/done/").content.decode())


def test_errors_are_shown_and_nothing_is_saved(client, world) -> None:  # type: ignore[no-untyped-def]
    client.get("/refer/")
    body = client.post("/refer/name/", {"given_name": "", "family_name": ""}).content.decode()
    assert 'href="#id_given_name">Enter your first name' in body and "govuk-error-message" in body
    body = client.post(
        "/refer/date-of-birth/", {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "1990"}
    ).content.decode()
    assert "must be a real date" in body and 'href="#id_date_of_birth_0"' in body
    body = client.post("/refer/contact/", {"preferred_contact_method": "phone", "phone": ""}).content.decode()
    assert "Enter your phone number, or choose another way" in body
    assert client.get("/refer/check/")["Location"] == "/refer/name/"  # unanswered questions first
    assert not Participant.objects.exists()


def test_honeypot_pretends_success_and_saves_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    spam = [
        ("/refer/name/", {"given_name": "Buy", "family_name": "Pills", "website": "http://spam.example"}),
        *ANSWERS[1:],
    ]
    assert complete(client, spam)["Location"] == "/refer/done/"
    assert not Participant.objects.exists()


def test_rate_limit_per_address(client, world, settings) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    settings.PLACEWELL_SELF_REFERRAL_RATE = 2
    for _ in range(2):
        assert complete(client)["Location"] == "/refer/done/"
    response = complete(client)
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert Participant.objects.count() == 2


def test_no_service_taking_self_referrals(client, world) -> None:  # type: ignore[no-untyped-def]
    world.service.accepts_self_referrals = False
    world.service.save()
    assert "No service is taking self-referrals" in client.get("/refer/").content.decode()
