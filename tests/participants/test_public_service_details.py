"""The service's own public details on the self-referral pages and the questionnaire's start page: its name in
the header once it is known, its area and description in the choice of service, and its phone, email and
opening hours; the confirmation says who will get in touch, how and by when."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.cache import cache

from tests.participants.test_self_referral import ANSWERS, complete

DETAILS = {
    "public_description": "Help to find work that suits you.",
    "public_area": "North Testshire",
    "public_phone": "01632 960 101",
    "public_email": "hello@service.example.org",
    "opening_hours": "Monday to Friday, 9am to 5pm",
}


def _set_details(service, **details: str) -> None:  # type: ignore[no-untyped-def]
    for field, value in {**DETAILS, **details}.items():
        setattr(service, field, value)
    service.save()


def test_administrator_sets_the_public_details_on_the_service_settings_form(world, client_as) -> None:  # type: ignore[no-untyped-def]
    from django.forms.models import model_to_dict

    from placewell.accounts.forms import ServiceForm

    client = client_as("ada")
    page = client.get(f"/accounts/services/{world.service.pk}/").content.decode()
    assert "Phone number for participants" in page and "Opening hours" in page
    data = {
        k: v for k, v in model_to_dict(world.service, fields=ServiceForm.Meta.fields).items() if v is not None
    }
    data["accepts_self_referrals"] = "on"
    refused = client.post(
        f"/accounts/services/{world.service.pk}/", {**data, **DETAILS, "public_email": "not an email"}
    )
    assert refused.status_code == 200
    world.service.refresh_from_db()
    assert world.service.public_email == ""
    saved = client.post(f"/accounts/services/{world.service.pk}/", {**data, **DETAILS})
    assert saved.status_code == 302
    world.service.refresh_from_db()
    assert {k: getattr(world.service, k) for k in DETAILS} == DETAILS


def test_the_pages_carry_the_services_name_and_contact_details_and_the_confirmation_says_by_when(
    client, world
) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    _set_details(world.service)
    start = client.get("/refer/").content.decode()
    assert f'pw-header__service">{world.service.name}<' in start  # branded with the service, not Placewell
    for value in DETAILS.values():
        assert value in start
    assert 'href="tel:01632960101"' in start
    # Friday 4 December 2026 plus 5 working days is Friday 11 December 2026 (no bank holiday between).
    with time_machine.travel(dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC), tick=False):
        assert complete(client)["Location"] == "/refer/done/"
        done = client.get("/refer/done/").content.decode()
    assert f'pw-header__service">{world.service.name}<' in done
    assert (
        f"An employment specialist from {world.service.name} will contact you by email within 5 working days, "
        "by Friday 11 December 2026." in done
    )
    for value in DETAILS.values():
        assert value in done


def test_a_phone_contact_is_promised_by_phone(client, world) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    _set_details(world.service)
    phone = ("/refer/contact/", {"preferred_contact_method": "phone", "phone": "07700 900123", "email": ""})
    complete(client, [ANSWERS[0], ANSWERS[1], phone, *ANSWERS[3:]])
    assert "will contact you by phone within 5 working days" in client.get("/refer/done/").content.decode()


def test_the_choice_of_service_shows_each_name_area_and_description(client, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts import services as accounts

    cache.clear()
    _set_details(world.service)
    accounts.create_service(
        by=None,
        provider=world.provider,
        name="Second Test Service",
        public_area="South Testshire",
        public_description="Support once you start work.",
    )
    client.get("/refer/")
    choice = client.get("/refer/service/").content.decode()
    assert f"{world.service.name} (North Testshire): Help to find work that suits you." in choice
    assert "Second Test Service (South Testshire): Support once you start work." in choice
    assert 'pw-header__service">Second' not in choice  # no service chosen yet: not branded with either


def test_the_questionnaire_start_page_carries_the_services_details(client, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.surveys import services
    from tests.surveys.conftest import agree, baseline_invitation, load_test_wording

    _set_details(world.service)
    load_test_wording("eq5d5l", "swemwbs")
    _, token = services.create_link(by=world.alice, invitation=baseline_invitation(agree(world)))
    start = client.get(f"/q/{token}/").content.decode()
    assert f'pw-header__service">{world.service.name}<' in start
    for value in DETAILS.values():
        assert value in start
