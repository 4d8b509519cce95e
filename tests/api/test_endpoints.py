"""The endpoints with the personas: scope, pseudonymisation, pagination, filters, the error shape, audit of
reads and writes, and query counts on lists (a test fails when a change adds per-row queries)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placewell.accounts.models import AuditEvent
from placewell.casework import services as cs
from placewell.participants.models import Participant
from tests.casework.conftest import at, supported
from tests.conftest import refer

pytestmark = pytest.mark.django_db
PERSONAL = ("Rowan", "Example", "9434765919", "rowan@example.org", "PW-")


@pytest.fixture
def rowan(world):  # type: ignore[no-untyped-def]
    return refer(world)


def contact_body(**kw: object) -> dict[str, object]:
    body: dict[str, object] = {
        "happened_at": "2026-11-20T10:00:00Z",
        "duration_minutes": 45,
        "mode": "face_to_face",
        "place": "community",
        "purposes": ["job_search"],
        "note": "Talked about warehouse work",
    }
    body.update(kw)
    return body


def test_the_team_sees_the_record_and_another_team_gets_404(api_as, rowan) -> None:  # type: ignore[no-untyped-def]
    for name in ("alice", "bob", "tess", "mandy"):
        response = api_as(name).get(f"/api/v1/participants/{rowan.pk}/")
        assert response.status_code == 200, name
        assert response.json()["given_name"] == "Rowan"
    for name in ("charlie", "evan"):
        response = api_as(name).get(f"/api/v1/participants/{rowan.pk}/")
        assert response.status_code == 404, name
        assert response.json() == {"error": "not_found", "detail": "No such participant"}
        assert (
            api_as(name).post(f"/api/v1/participants/{rowan.pk}/contacts/", contact_body()).status_code == 404
        )
    assert api_as("charlie").get("/api/v1/participants/").json()["data"] == []
    assert api_as("ada").get("/api/v1/participants/").status_code == 403


def test_an_evaluator_gets_pseudonyms_and_no_personal_fields(api_as, world, rowan) -> None:  # type: ignore[no-untyped-def]
    cs.record_contact(
        by=world.alice,
        participant=rowan,
        happened_at=at(dt.date(2026, 11, 20)),
        duration_minutes=30,
        mode="phone",
        place="remote",
        purposes=["job_search"],
        note="Rowan Example rang about a job",
    )
    api = api_as("evan")
    for path in ("/api/v1/participants/", "/api/v1/contacts/", "/api/v1/referrals/"):
        response = api.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert all(secret not in text for secret in PERSONAL), (path, text)
        (item,) = response.json()["data"]
        ref = item.get("participant", item["id"])
        assert isinstance(ref, str) and ref.startswith("P-")
    participants = api.get("/api/v1/participants/").json()["data"]
    contacts = api.get("/api/v1/contacts/").json()["data"]
    assert participants[0]["id"] == contacts[0]["participant"]  # stable across endpoints, so joinable
    assert "note" not in contacts[0]
    assert api.get("/api/v1/vocational-profiles/").status_code == 403
    assert api.post("/api/v1/referrals/", {}).status_code == 403


def test_a_referral_goes_through_the_action_and_is_audited(api_as, world) -> None:  # type: ignore[no-untyped-def]
    response = api_as("alice").post(
        "/api/v1/referrals/",
        {
            "given_name": "Sam",
            "family_name": "Jones",
            "source": "jobcentre",
            "referral_date": "2026-11-01",
            "nhs_number": "943 476 5919",
            "specialist_id": world.alice.pk,
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    p = Participant.objects.get(pk=data["participant"]["id"])
    assert (p.given_name, p.nhs_number, p.team_id, p.specialist_id) == (
        "Sam",
        "9434765919",
        world.north.pk,
        world.alice.pk,
    )
    assert response["Location"] == f"/api/v1/participants/{p.pk}/"
    assert AuditEvent.objects.filter(participant_id=p.pk, action="create", actor=world.alice).exists()


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"given_name": "Sam", "family_name": "Jones", "source": "gp"}, 422, "validation_failed"),
        (
            {"given_name": "Sam", "family_name": "Jones", "source": "gp", "referral_date": "2099-01-01"},
            422,
            "validation_failed",
        ),
        (
            {
                "given_name": "Sam",
                "family_name": "Jones",
                "source": "gp",
                "referral_date": "2026-11-01",
                "nhs_number": "123",
            },
            422,
            "validation_failed",
        ),
        (
            {
                "given_name": "Sam",
                "family_name": "Jones",
                "source": "gp",
                "referral_date": "2026-11-01",
                "team_id": 0,
            },
            422,
            "validation_failed",
        ),
        (
            {"given_name": 7, "family_name": "Jones", "source": "gp", "referral_date": "2026-11-01"},
            400,
            "invalid_request",
        ),
        (
            {"given_name": "Sam", "family_name": "Jones", "source": "pigeon", "referral_date": "2026-11-01"},
            400,
            "invalid_request",
        ),
        (
            {"given_name": "Sam", "family_name": "Jones", "source": "gp", "referral_date": "1/11/2026"},
            400,
            "invalid_request",
        ),
        (
            {
                "given_name": "Sam",
                "family_name": "Jones",
                "source": "gp",
                "referral_date": "2026-11-01",
                "shoe": 9,
            },
            400,
            "unknown_field",
        ),
        (["not", "an", "object"], 400, "invalid_request"),
    ],
)
def test_bad_referrals_are_refused_precisely_and_write_nothing(api_as, world, body, status, error) -> None:  # type: ignore[no-untyped-def]
    response = api_as("alice").post("/api/v1/referrals/", body)
    assert response.status_code == status, response.content
    assert set(response.json()) == {"error", "detail"} and response.json()["error"] == error
    assert not Participant.objects.exists()


def test_transport_errors(api_as, rowan) -> None:  # type: ignore[no-untyped-def]
    api = api_as("alice")
    url = f"/api/v1/participants/{rowan.pk}/contacts/"
    cases = [
        (api.post(url, b"{nope"), 400, "malformed_json"),
        (api.post(url, b"\xff\xfe", content_type="application/json"), 400, "malformed_json"),
        (api.post(url, b'{"duration_minutes": NaN}'), 400, "malformed_json"),
        (
            api.post(url, "a=b", content_type="application/x-www-form-urlencoded"),
            415,
            "unsupported_media_type",
        ),
        (api.post(url, json.dumps(contact_body(note="x" * 70_000))), 413, "payload_too_large"),
        (api.request("DELETE", url), 405, "method_not_allowed"),
        (api.get("/api/v1/participants/", {"colour": "red"}), 400, "unknown_field"),
        (api.get("/api/v1/participants/", {"date_from": "yesterday"}), 400, "invalid_request"),
        (api.get("/api/v1/participants/", {"limit": "0"}), 422, "validation_failed"),
        (api.get("/api/v1/participants/", {"cursor": "forged"}), 400, "invalid_request"),
        (api.get("/api/v1/no-such-thing/"), 404, "not_found"),
    ]
    for response, status, error in cases:
        assert response.status_code == status, (error, response.content)
        assert response.json()["error"] == error
    assert api.request("DELETE", url)["Allow"] == "GET, POST"


def test_a_contact_is_recorded_through_the_action_and_audited(api_as, world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2026, 10, 1))
    response = api_as("bob").post(f"/api/v1/participants/{p.pk}/contacts/", contact_body())
    assert response.status_code == 201, response.content
    contact = p.contacts.get()
    assert (contact.duration_minutes, contact.recorded_by, contact.note) == (
        45,
        world.bob,
        "Talked about warehouse work",
    )
    assert AuditEvent.objects.filter(record_type="contact", action="create", participant_id=p.pk).exists()
    refused = api_as("bob").post(f"/api/v1/participants/{p.pk}/contacts/", contact_body(duration_minutes=900))
    assert refused.status_code == 422 and refused.json()["detail"].startswith("duration_minutes:")
    assert refused.status_code == 422 and p.contacts.count() == 1


def test_a_profile_version_is_saved_through_the_action(api_as, world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2026, 10, 1))
    url = f"/api/v1/participants/{p.pk}/vocational-profile/"
    first = api_as("alice").post(url, {"job_goals": "Work with animals", "job_types": ["kennels"]})
    assert first.status_code == 201 and first.json()["version"] == 1
    again = api_as("alice").post(url, {"job_goals": "Work with animals"})
    assert again.status_code == 200 and again.json()["version"] == 1
    versions = api_as("alice").get(url).json()["data"]
    assert [v["job_goals"] for v in versions] == ["Work with animals"]


def test_reads_are_audited_naming_the_records_shown(api_as, world, rowan) -> None:  # type: ignore[no-untyped-def]
    api_as("alice").get("/api/v1/participants/")
    event = AuditEvent.objects.filter(action="list", record_type="participant").get()
    assert event.changes == {"ids": [rowan.pk]} and event.actor == world.alice
    api_as("alice").get(f"/api/v1/participants/{rowan.pk}/")
    assert AuditEvent.objects.filter(action="view", participant_id=rowan.pk, actor=world.alice).exists()
    api_as("evan").get("/api/v1/participants/")
    event = AuditEvent.objects.filter(action="list", actor=world.evan).get()
    assert event.changes == {"ids": [rowan.pk], "pseudonymised": True}


def test_cursor_pagination_walks_every_record_once(api_as, world) -> None:  # type: ignore[no-untyped-def]
    made = {refer(world, given_name=f"P{i}", family_name="Page", nhs_number="").pk for i in range(7)}
    seen: list[int] = []
    response = api_as("alice").get("/api/v1/participants/", {"limit": "3"}).json()
    while True:
        seen += [item["id"] for item in response["data"]]
        if response["next_cursor"] is None:
            break
        assert "cursor=" in response["next"] and "limit=3" in response["next"]
        response = (
            api_as("alice")
            .get("/api/v1/participants/", {"limit": "3", "cursor": response["next_cursor"]})
            .json()
        )
    assert seen == sorted(made)
    other = api_as("alice").get(
        "/api/v1/contacts/",
        {"cursor": api_as("alice").get("/api/v1/participants/", {"limit": "1"}).json()["next_cursor"]},
    )
    assert other.status_code == 400  # a cursor belongs to its own list


def test_filters_by_status_and_date(api_as, world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2026, 10, 1))
    refer(world, given_name="New", family_name="Person", nhs_number="")
    api = api_as("alice")
    active = api.get("/api/v1/participants/", {"status": "active"}).json()["data"]
    assert [item["id"] for item in active] == [p.pk]
    for day in (dt.date(2026, 10, 5), dt.date(2026, 10, 20)):
        cs.record_contact(
            by=world.alice,
            participant=p,
            happened_at=at(day),
            duration_minutes=20,
            mode="phone",
            place="remote",
            purposes=["job_search"],
        )
    found = api.get("/api/v1/contacts/", {"date_from": "2026-10-06", "date_to": "2026-10-20"}).json()["data"]
    assert [c["happened_at"][:10] for c in found] == ["2026-10-20"]
    assert (
        api.get("/api/v1/referrals/", {"date_from": "2026-10-01", "date_to": "2026-10-01"}).json()["data"][0][
            "participant"
        ]
        == p.pk
    )
    assert (
        api.get("/api/v1/participants/", {"date_from": "2027-01-02", "date_to": "2027-01-01"}).status_code
        == 422
    )


@pytest.mark.parametrize(
    "path",
    ["/api/v1/participants/", "/api/v1/contacts/", "/api/v1/referrals/"],
)
def test_list_queries_do_not_grow_with_the_page(api_as, world, path) -> None:  # type: ignore[no-untyped-def]
    def count() -> int:
        api = api_as("alice")
        api.get(path)  # the token's "last used" is written at most once a minute: not part of the count
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path, {"limit": "200"}).status_code == 200
        return len(queries)

    p = supported(world, started=dt.date(2026, 10, 1))
    cs.record_contact(
        by=world.alice,
        participant=p,
        happened_at=at(dt.date(2026, 10, 2)),
        duration_minutes=20,
        mode="phone",
        place="remote",
        purposes=["job_search"],
    )
    few = count()
    for i in range(6):
        q = supported(world, started=dt.date(2026, 10, 1), given_name=f"More{i}")
        cs.record_contact(
            by=world.alice,
            participant=q,
            happened_at=at(dt.date(2026, 10, 2)),
            duration_minutes=20,
            mode="phone",
            place="remote",
            purposes=["job_search"],
        )
    assert count() == few
    # The token, the page, the audit chain's last hash and the audit event; on PostgreSQL the chain's append
    # also takes a transaction-level advisory lock (accounts.audit_chain), one more statement.
    assert few == 4 + (connection.vendor == "postgresql")
