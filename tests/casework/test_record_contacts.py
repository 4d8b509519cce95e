"""``record_contacts``: many contacts at once under ``record_contact``'s rules, all or nothing, audited per person."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from placewell.accounts.audit_chain import verify_audit_chain
from placewell.accounts.bulk import BulkRejected
from placewell.accounts.models import AuditEvent
from placewell.casework import services
from placewell.casework.models import Contact
from placewell.participants import services as ps
from tests.casework.conftest import at, supported

NOW = dt.date(2027, 3, 10)


def contact(p, **kw: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "participant": p,
        "happened_at": at(NOW, 10),
        "duration_minutes": 45,
        "mode": "face_to_face",
        "place": "community",
        "purposes": ["profiling", "job_search"],
        "note": "Talked about garden centres",
    }
    values.update(kw)
    return values


@pytest.fixture
def person(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2027, 3, 1))


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(NOW, 16), tick=False) as traveller:
        yield traveller


BAD = [
    {"happened_at": at(NOW, 17)},
    {"duration_minutes": 0},
    {"duration_minutes": 481},
    {"mode": "pigeon"},
    {"place": "moon"},
    {"whom": []},
    {"purposes": []},
]


def test_a_mix_of_good_and_bad_rows_is_refused_whole_naming_every_bad_row(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    rows = [
        contact(person),
        contact(person, duration_minutes=481),
        contact(person),
        contact(person, mode="pigeon"),
    ]
    with pytest.raises(BulkRejected) as refused:
        services.record_contacts(by=world.alice, contacts=rows, numbers=[10, 11, 12, 13])
    assert [(e.row, e.column, e.value) for e in refused.value.rows] == [
        (11, "duration_minutes", 481),
        (13, "mode", "pigeon"),
    ]
    assert refused.value.rows[0].message == "How long it took must be 8 hours (480 minutes) or less"
    assert not Contact.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.parametrize("change", BAD)
def test_the_single_and_bulk_paths_refuse_the_same_contact_with_the_same_message(
    world, person, frozen, change
) -> None:  # type: ignore[no-untyped-def]
    values = contact(person, **change)
    with pytest.raises(services.CaseworkError) as single:
        services.record_contact(by=world.alice, **values)  # type: ignore[arg-type]
    with pytest.raises(BulkRejected) as many:
        services.record_contacts(by=world.alice, contacts=[values])
    assert [(e.column, e.message) for e in many.value.rows] == [(single.value.field, str(single.value))]


def test_a_closed_record_takes_no_new_contacts_but_history_before_its_closure_loads(
    world, person, frozen
) -> None:  # type: ignore[no-untyped-def]
    ps.close(by=world.alice, participant=person, reason="Support finished")
    with pytest.raises(BulkRejected) as refused:
        services.record_contacts(by=world.alice, contacts=[contact(person)])
    assert refused.value.rows[0].column == "participant"
    assert "closed on 10 March 2027" in refused.value.rows[0].message
    frozen.shift(dt.timedelta(hours=2))
    later = contact(person, happened_at=at(NOW, 17))
    with pytest.raises(BulkRejected):  # after the closure: refused even as history
        services.record_contacts(by=world.alice, contacts=[later], history=True)
    loaded = services.record_contacts(
        by=world.alice,
        contacts=[contact(person, recorded_by=world.bob, recorded_at=at(NOW, 11))],
        history=True,
    )
    assert (loaded[0].recorded_by, loaded[0].created_at) == (world.bob, at(NOW, 11))


def test_good_rows_are_written_with_one_audit_event_per_person(world, person, frozen) -> None:  # type: ignore[no-untyped-def]
    other = supported(world, started=dt.date(2027, 3, 1))
    before = AuditEvent.objects.count()
    added = services.record_contacts(
        by=world.alice,
        contacts=[contact(person), contact(other, whom=["participant", "employer"]), contact(person)],
        how="imported from a test file",
    )
    assert Contact.objects.count() == 3
    assert added[1].with_employer and added[1].with_participant and not added[0].with_employer
    assert added[0].recorded_by == world.alice and added[0].purposes == ["profiling", "job_search"]
    events = AuditEvent.objects.filter(pk__gt=0).order_by("id")[before:]
    assert [(e.participant_id, e.record_type, e.summary) for e in events] == [
        (person.pk, "contact", "Recorded 2 contacts, imported from a test file"),
        (other.pk, "contact", "Recorded 1 contact, imported from a test file"),
    ]
    assert all("garden" not in e.summary + str(e.changes) for e in events)
    assert verify_audit_chain().ok
