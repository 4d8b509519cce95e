"""Employer, vacancy, matching and job pages with the personas: happy paths, refusals, errors beside the field,
audit of reads, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.accounts.models import AuditEvent
from placewell.casework import services as cs
from placewell.employers import services
from placewell.employers.models import Employer
from tests.casework.conftest import supported
from tests.employers.conftest import make_employer

VACANCY = {
    "title": "Garden centre assistant",
    "soc": "92",
    "hours": Decimal(20),
    "pay": Decimal("13.00"),
    "pay_basis": "hour",
    "town": "Leeds",
    "postcode_district": "LS6",
    "source": "hidden",
}


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_shows_last_contact_and_its_query_count_is_fixed(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    first = make_employer(world)
    services.record_engagement(
        by=world.bob, employer=first, happened_on=dt.date(2026, 10, 5), face_to_face=True, purpose="vacancy"
    )
    small = _count(client, "/employers/")
    for i in range(12):
        e = make_employer(world, name=f"Employer {i}")
        services.record_engagement(
            by=world.alice,
            employer=e,
            happened_on=dt.date(2026, 10, 6),
            face_to_face=False,
            purpose="relationship",
        )
    assert _count(client, "/employers/") == small
    body = client.get("/employers/?q=greenway").content.decode()
    assert "Greenway Garden Centre" in body and "5 Oct 2026" in body and "Employer 3" not in body


def test_add_an_employer_with_errors_beside_the_field(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    r = client.post("/employers/new/", {"name": "", "sector": "G", "size": "small"})
    body = r.content.decode()
    assert (
        r.status_code == 200
        and "govuk-error-summary" in body
        and body.count("Enter the organisation name") >= 2
    )
    assert not Employer.objects.exists()
    r = client.post(
        "/employers/new/",
        {
            "name": "Kirkgate Café",
            "sector": "I",
            "size": "micro",
            "town": "Leeds",
            "postcode_district": "LS2",
        },
    )
    assert r.status_code == 302 and Employer.objects.get().locations.get().postcode_district == "LS2"


def test_conflict_warning_on_the_contact_form(client_as, world) -> None:  # type: ignore[no-untyped-def]
    e = make_employer(world, by=world.bob, holder=world.bob)
    body = client_as("alice").get(f"/employers/{e.pk}/contacts/new/").content.decode()
    assert (
        "A colleague is already working with this employer" in body
        and "Bob Persona holds the relationship" in body
    )


def test_other_services_employers_are_not_found_and_evaluators_are_refused(client_as, world) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts import services as acc

    other = acc.create_service(by=None, provider=world.provider, name="Other IPS", model="ips")
    e = services.create_employer(
        by=world.alice, service=other, name="Elsewhere Ltd", sector="G", size="small"
    )
    assert client_as("alice").get(f"/employers/{e.pk}/").status_code == 404
    for persona in ("evan", "ada"):
        assert client_as(persona).get("/employers/").status_code == 403


def test_matches_page_ranks_with_reasons_and_shows_not_interested(client_as, world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2026, 11, 2))
    cs.save_profile(
        by=world.alice,
        participant=p,
        values={"job_types": ["9"], "hours_wanted": "16_to_29", "travel_areas": ["Leeds"]},
    )
    e = make_employer(world)
    good = services.add_vacancy(by=world.alice, employer=e, **VACANCY)
    low = services.add_vacancy(
        by=world.alice, employer=e, **{**VACANCY, "title": "Underpaid role", "pay": Decimal(5)}
    )
    declined = services.add_vacancy(by=world.alice, employer=e, **{**VACANCY, "title": "Night packer"})
    services.record_match(
        by=world.alice, participant=p, vacancy=declined, status="not_interested", reason="Not nights"
    )
    client = client_as("bob")
    body = client.get(f"/employers/participants/{p.pk}/matches/").content.decode()
    assert "Garden centre assistant</a> at Greenway Garden Centre: 95 out of 100" in body
    assert "a kind of job they want" in body
    assert (
        "Underpaid role" in body
        and "below the legal minimum" in body
        and "Not competitive employment for them" in body
    )
    assert "Night packer" in body and "Not nights" in body
    assert AuditEvent.objects.filter(record_type="vacancy_match", action="view", participant_id=p.pk).exists()
    vbody = client.get(f"/employers/vacancies/{good.pk}/").content.decode()
    assert p.full_name in vbody and "Suggest to" in vbody
    assert "not competitive employment" in client.get(f"/employers/vacancies/{low.pk}/").content.decode()
    assert client_as("charlie").get(f"/employers/participants/{p.pk}/matches/").status_code == 404
    assert p.full_name not in client_as("charlie").get(f"/employers/vacancies/{good.pk}/").content.decode()


def test_engagement_pages(client_as, world) -> None:  # type: ignore[no-untyped-def]
    e = make_employer(world)
    services.record_engagement(
        by=world.alice, employer=e, happened_on=dt.date(2026, 11, 2), face_to_face=True, purpose="vacancy"
    )
    body = client_as("alice").get("/employers/engagement/").content.decode()
    assert "at least 6 face-to-face contacts" in body
    assert client_as("alice").get("/employers/engagement/team/").status_code == 403
    team = client_as("tess").get("/employers/engagement/team/").content.decode()
    assert "Alice Persona" in team and "Bob Persona" in team and "Charlie Persona" not in team


def test_job_pages_and_outcomes(client_as, world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2026, 11, 2))
    client = client_as("alice")
    r = client.post(
        f"/placements/participants/{p.pk}/new/",
        {
            "employer_name": "Kirkgate Café",
            "job_title": "Kitchen porter",
            "soc": "92",
            "started_on_0": "1",
            "started_on_1": "10",
            "started_on_2": "2026",
            "hours": "101",
            "hourly_pay": "13",
            "contract_type": "permanent",
            "open_to_anyone": "on",
        },
    )
    assert r.status_code == 200 and "Hours a week must be 100 or fewer" in r.content.decode()
    r = client.post(
        f"/placements/participants/{p.pk}/new/",
        {
            "employer_name": "Kirkgate Café",
            "job_title": "Kitchen porter",
            "soc": "92",
            "started_on_0": "1",
            "started_on_1": "10",
            "started_on_2": "2026",
            "hours": "16",
            "hourly_pay": "13",
            "contract_type": "permanent",
            "open_to_anyone": "on",
        },
    )
    body = r.content.decode()
    assert "on or after they were referred" in body  # referred 2 November 2026
    assert client_as("charlie").get(f"/placements/participants/{p.pk}/").status_code == 404
    outcomes = client_as("evan").get("/placements/outcomes/")
    assert outcomes.status_code == 200 and "Diversity of employers" in outcomes.content.decode()
    assert client_as("ada").get("/placements/outcomes/").status_code == 403


@pytest.mark.parametrize("persona", ["alice", "tess", "mandy"])
def test_staff_of_the_service_see_the_employer_list(client_as, world, persona) -> None:  # type: ignore[no-untyped-def]
    make_employer(world)
    assert "Greenway Garden Centre" in client_as(persona).get("/employers/").content.decode()


def test_change_an_employer_and_a_vacancy_with_the_same_checks_as_adding(client_as, world) -> None:  # type: ignore[no-untyped-def]
    e = make_employer(world)
    make_employer(world, name="Kirkgate Café")
    v = services.add_vacancy(by=world.alice, employer=e, **VACANCY)
    client = client_as("alice")
    assert "Change the employer" in client.get(f"/employers/{e.pk}/").content.decode()
    # A second record under a name already on the list is refused beside the field; nothing changes.
    r = client.post(f"/employers/{e.pk}/edit/", {"name": "Kirkgate Café", "sector": "G", "size": "small"})
    assert r.status_code == 200 and "is already on the employer list" in r.content.decode()
    assert Employer.objects.get(pk=e.pk).name == "Greenway Garden Centre"
    r = client.post(
        f"/employers/{e.pk}/edit/",
        {"name": "Greenway Garden Centre Ltd", "sector": "G", "size": "medium", "holder": world.alice.pk},
    )
    e.refresh_from_db()
    assert r.status_code == 302 and (e.name, e.size, e.holder_id) == (
        "Greenway Garden Centre Ltd",
        "medium",
        world.alice.pk,
    )
    event = AuditEvent.objects.filter(record_type="employer", action="update").latest("id")
    assert event.changes["size"] == ["small", "medium"]

    form = {k: str(val) for k, val in VACANCY.items()} | {"open_to_anyone": "on"}
    # 20 hours at £20,000 a week is £1,000 an hour (over the £500 ceiling): refused, nothing saved.
    r = client.post(f"/employers/vacancies/{v.pk}/edit/", form | {"pay": "20000", "pay_basis": "week"})
    assert r.status_code == 200 and "too high to be right" in r.content.decode()
    v.refresh_from_db()
    assert v.pay == Decimal("13.00")
    # £260 a week for 20 hours is £13.00 an hour; 25 hours makes it £10.40.
    r = client.post(
        f"/employers/vacancies/{v.pk}/edit/", form | {"pay": "260", "pay_basis": "week", "hours": "25"}
    )
    v.refresh_from_db()
    assert r.status_code == 302 and v.hourly_pay == Decimal("10.40") and v.hours == Decimal(25)
    assert client_as("evan").get(f"/employers/vacancies/{v.pk}/edit/").status_code == 403
    # Employers belong to the service: a specialist of another team of it may change them too.
    assert client_as("charlie").get(f"/employers/{e.pk}/edit/").status_code == 200
