"""Welsh on the participant-facing pages: the language link, the contact language recorded at
self-referral and used for messages, and staff pages that stay in English.

Reference wording is this project's own Welsh catalogue (``src/placewell/*/locale/cy``), awaiting review.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from placewell.participants.models import Participant
from tests.welsh import compile_welsh

REVIEW_NOTICE = "Mae'r cyfieithiad hwn yn aros i siaradwr Cymraeg ei adolygu"


@pytest.fixture(autouse=True, scope="module")
def _welsh_compiled() -> None:
    assert compile_welsh(), "no Welsh catalogue found"


def test_the_language_link_sets_the_cookie_and_returns_to_the_same_page(client, world) -> None:  # type: ignore[no-untyped-def]
    english = client.get("/refer/").content.decode()
    assert '<html lang="en-gb"' in english and "Get support to find or stay in work" in english
    assert 'href="/language/cy/?next=/refer/"' in english  # a plain link: no JavaScript needed

    response = client.get("/language/cy/", {"next": "/refer/name/"})
    assert response.status_code == 302 and response["Location"] == "/refer/name/"
    assert client.cookies["django_language"].value == "cy"

    welsh = client.get("/refer/").content.decode()
    assert '<html lang="cy"' in welsh
    assert "Cael cymorth i ddod o hyd i waith neu aros mewn gwaith" in welsh
    assert REVIEW_NOTICE in welsh
    assert 'href="/language/en/?next=/refer/"' in welsh

    client.get("/language/en/", {"next": "/refer/"})
    assert "Get support to find or stay in work" in client.get("/refer/").content.decode()


def test_the_language_link_only_returns_to_this_site_and_knows_its_languages(client, world) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/language/cy/", {"next": "https://elsewhere.example/"})["Location"] == "/refer/"
    assert client.get("/language/fr/", {"next": "/refer/"}).status_code == 404


def test_a_browser_that_asks_for_welsh_gets_welsh_participant_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/refer/", HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5").content.decode()
    assert "Dechrau nawr" in page and '<html lang="cy"' in page


def test_staff_pages_stay_in_english_whatever_the_person_chose(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    client.get("/language/cy/", {"next": "/refer/"})
    page = client.get("/participants/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<html lang="en-gb"' in page and "Skip to main content" in page and REVIEW_NOTICE not in page


CONTACT = {"preferred_contact_method": "email", "email": "rhys@example.org", "phone": ""}


def _refer(client, contact: dict[str, str]) -> Participant:  # type: ignore[no-untyped-def]
    cache.clear()
    client.get("/refer/")
    steps = [
        ("/refer/name/", {"given_name": "Rhys", "family_name": "Enghraifft", "website": ""}),
        (
            "/refer/date-of-birth/",
            {"date_of_birth_0": "2", "date_of_birth_1": "5", "date_of_birth_2": "1990"},
        ),
        ("/refer/contact/", contact),
        ("/refer/work/", {"employment_status": "out_of_work"}),
        ("/refer/help/", {"about": ""}),
    ]
    for url, data in steps:
        assert client.post(url, data).status_code == 302, url
    assert client.post("/refer/check/")["Location"] == "/refer/done/"
    return Participant.objects.get(family_name="Enghraifft")


def test_the_contact_question_starts_on_the_pages_language_and_the_referral_records_it(client, world) -> None:  # type: ignore[no-untyped-def]
    client.get("/language/cy/", {"next": "/refer/"})
    client.get("/refer/")
    page = client.get("/refer/contact/").content.decode()
    assert "Pa iaith dylen ni ei defnyddio wrth ysgrifennu atoch chi?" in page
    assert 'value="cy" checked' in page
    person = _refer(client, {**CONTACT, "contact_language": "cy"})
    assert person.contact_language == "cy"


def test_an_english_page_records_english_and_a_person_can_choose_welsh(client, world) -> None:  # type: ignore[no-untyped-def]
    assert _refer(client, CONTACT).contact_language == "en"  # no answer: the page's language
    Participant.objects.all().delete()
    assert _refer(client, {**CONTACT, "contact_language": "cy"}).contact_language == "cy"


def test_a_welsh_error_message_on_a_welsh_page(client, world) -> None:  # type: ignore[no-untyped-def]
    client.get("/language/cy/", {"next": "/refer/"})
    client.get("/refer/")
    body = client.post(
        "/refer/contact/", {"preferred_contact_method": "email", "email": "nid-e-bost"}
    ).content
    text = body.decode()
    assert "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com" in text
    assert "Mae problem wedi codi" in text and "Gwall:" in text


def test_staff_see_the_contact_language_on_the_participant_page(client_as, world) -> None:  # type: ignore[no-untyped-def]
    from tests.casework.conftest import supported

    person = supported(world, contact_language="cy")
    page = client_as("alice").get(f"/participants/{person.pk}/").content.decode()
    assert 'Language for letters and messages</dt><dd class="govuk-summary-list__value">Welsh<' in page


def test_a_message_is_written_in_the_persons_language(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.messaging import services, texts
    from tests.casework.conftest import at
    from tests.messaging.conftest import person

    welsh = person(world, contact_language="cy")
    english = person(world, given_name="Robin")
    now = at(dt.date(2027, 3, 2), 11)
    message = services.compose(welsh, "survey_invitation", now=now)
    assert message.subject == "Cwestiynau am sut mae pethau'n mynd"
    assert message.body.startswith("Helo Rowan,") and f"{world.service.name} sydd yma." in message.body
    other = services.compose(english, "survey_invitation", now=now)
    assert other.subject == "Questions about how things are going" and other.body.startswith("Hello Robin,")
    assert texts.render("support_ending", english)[0] == "Your employment support"


def test_an_appointment_message_gives_the_day_and_time_in_welsh(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from placewell.messaging.models import Message
    from tests.appointments.conftest import WEDNESDAY, book
    from tests.casework.conftest import supported

    person = supported(world, given_name="Rhian", contact_language="cy")
    with django_capture_on_commit_callbacks(execute=True):  # the booking's message follows its commit
        book(world, person, day=WEDNESDAY, hour=14, minute=30)
    message = Message.objects.get(participant=person, template_key="appointment_booked")
    # Django's Welsh calendar names (django/conf/locale/cy: "Dydd Mercher", "Mawrth"), softened after "ar"
    # ("on"); a 24-hour time.
    assert "apwyntiad gyda Alice Persona ar ddydd Mercher 3 Mawrth 2027 am 14:30" in message.body, (
        message.body
    )
    assert "dros y ffôn (byddwn ni'n eich ffonio)" in message.body
    assert message.subject == "Mae eich apwyntiad wedi'i drefnu"


def test_a_letter_to_a_welsh_speaker_is_in_welsh_and_dated_in_welsh(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.messaging import letters, services
    from tests.casework.conftest import at
    from tests.messaging.conftest import person

    welsh = person(world, contact_language="cy")
    message = services.compose(welsh, "support_ending", now=at(dt.date(2027, 3, 2), 11))
    message.created_at = at(dt.date(2027, 3, 2), 11)
    html = letters.render_html(message)
    assert '<html lang="cy">' in html and "Annwyl Rowan," in html
    assert "2 Mawrth 2027" in html  # Django's Welsh month name for March
    assert "<h1>Eich cymorth cyflogaeth</h1>" in html


def test_my_plan_is_printed_in_the_persons_language(client_as, world) -> None:  # type: ignore[no-untyped-def]
    from tests.casework.conftest import supported

    welsh = supported(world, contact_language="cy")
    english = supported(world)
    staff = client_as("alice")
    page = staff.get(f"/casework/participants/{welsh.pk}/my-plan/").content.decode()
    assert '<h1 class="govuk-heading-xl">Fy nghynllun</h1>' in page and "Argraffu'r dudalen hon" in page
    page = staff.get(f"/casework/participants/{english.pk}/my-plan/").content.decode()
    assert '<h1 class="govuk-heading-xl">My plan</h1>' in page


def test_the_monthly_questionnaire_email_is_in_welsh_and_its_link_opens_in_welsh(world, client) -> None:  # type: ignore[no-untyped-def]
    import time_machine
    from django.core import mail
    from django.core.management import call_command

    from tests.surveys.conftest import agree, load_test_wording, noon

    load_test_wording("eq5d5l", "swemwbs")
    with time_machine.travel(noon(dt.date(2026, 11, 15)), tick=False) as t:
        agree(world, survey_mode="web", email="nia@example.org", contact_language="cy")
        agree(world, given_name="Pat", nhs_number="", survey_mode="web", email="pat@example.org")
        t.move_to(noon(dt.date(2027, 3, 1)))
        call_command("send_survey_invitations", "--base-url", "https://placewell.example")
    welsh, english = sorted(mail.outbox, key=lambda m: m.to[0])
    assert welsh.to == ["nia@example.org"] and welsh.subject == f"Cwestiynau gan {world.service.name}"
    assert welsh.body.startswith("Helo,") and "Agorwch y ddolen hon i ddechrau:" in welsh.body
    assert (
        english.subject == f"Questions from {world.service.name}"
        and "Open this link to start:" in english.body
    )
    url = next(line for line in welsh.body.splitlines() if line.startswith("https://"))
    assert url.startswith("https://placewell.example/language/cy/?next=%2Fq%2F")
    response = client.get(url.removeprefix("https://placewell.example"), follow=True)
    page = response.content.decode()
    assert '<html lang="cy"' in page and f"Eich cwestiynau gan {world.service.name}" in page


def test_a_date_that_is_not_real_is_refused_in_welsh(client, world) -> None:  # type: ignore[no-untyped-def]
    client.get("/language/cy/", {"next": "/refer/"})
    client.get("/refer/")
    data = {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "1990"}
    page = client.post("/refer/date-of-birth/", data).content.decode()
    assert "rhaid iddo fod yn ddyddiad go iawn" in page and "must be a real date" not in page
    page = client.post("/refer/date-of-birth/", {**data, "date_of_birth_2": "90"}).content.decode()
    assert "Rhaid i&#x27;r flwyddyn gynnwys 4 rhif" in page
