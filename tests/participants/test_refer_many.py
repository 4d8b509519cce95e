"""``refer_many``: many referrals at once under ``refer_participant``'s rules, all or nothing, audited per person.

NHS numbers: 9434765919 is NHS Digital's published example of a valid number (its check digit is 9);
9434765918 is the same number with a wrong check digit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from placewell.accounts.audit_chain import verify_audit_chain
from placewell.accounts.bulk import BulkRejected
from placewell.accounts.models import AuditEvent
from placewell.participants import services
from placewell.participants.models import Participant, Referral
from tests.conftest import refer


def person(world, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "team": world.north,
        "specialist": world.alice,
        "source": "gp",
        "referral_date": dt.date(2026, 11, 2),
        "given_name": "Rowan",
        "family_name": "Example",
        "date_of_birth": dt.date(1985, 3, 27),
        "preferred_contact_method": "phone",
    }
    values.update(overrides)
    return values


def counts() -> tuple[int, int, int]:
    return Participant.objects.count(), Referral.objects.count(), AuditEvent.objects.count()


def bad_records(world) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """One record for each rule ``check_referral`` holds, each breaking it."""
    return [
        person(world, nhs_number="9434765918"),
        person(world, ni_number="QQ123456Z"),
        person(world, referral_date=timezone.localdate() + dt.timedelta(days=2)),
        person(world, source="carrier_pigeon"),
        person(world, given_name="  "),
        person(world, specialist=world.charlie),
    ]


def test_a_mix_of_good_and_bad_rows_is_refused_whole_naming_every_bad_row(world) -> None:  # type: ignore[no-untyped-def]
    before = counts()
    rows = [
        person(world, given_name="Ash"),
        person(world, nhs_number="9434765918"),
        person(world, given_name="Bea"),
        person(world, referral_date=timezone.localdate() + dt.timedelta(days=2)),
        person(world, source="carrier_pigeon"),
    ]
    with pytest.raises(BulkRejected) as refused:
        services.refer_many(by=world.alice, service=world.service, people=rows, numbers=[2, 3, 4, 5, 6])
    named = [(e.row, e.column) for e in refused.value.rows]
    assert named == [(3, "nhs_number"), (5, "referral_date"), (6, "source")]
    assert refused.value.rows[0].value == "9434765918"
    assert refused.value.rows[2].value == "carrier_pigeon"
    assert all(e.message for e in refused.value.rows)
    assert "3 rows could not be accepted, so nothing was written" in str(refused.value)
    assert counts() == before


def test_the_single_and_bulk_paths_refuse_the_same_record_with_the_same_message(world) -> None:  # type: ignore[no-untyped-def]
    for record in bad_records(world):
        with pytest.raises(services.ParticipantError) as single:
            services.refer_participant(by=world.alice, service=world.service, **record)  # type: ignore[arg-type]
        with pytest.raises(BulkRejected) as many:
            services.refer_many(by=world.alice, service=world.service, people=[record])
        assert [e.message for e in many.value.rows] == [str(single.value)]
        assert many.value.rows[0].column == single.value.field


def test_good_rows_are_referred_with_one_audit_event_each_and_no_personal_data(world) -> None:  # type: ignore[no-untyped-def]
    people = services.refer_many(
        by=world.alice,
        service=world.service,
        people=[person(world, given_name="Ash", nhs_number="943 476 5919"), person(world, given_name="Bea")],
        how="imported from a test file",
    )
    assert [p.status for p in people] == ["referred", "referred"]
    assert people[0].nhs_number == "9434765919"  # the standard form, as refer_participant keeps it
    assert Referral.objects.filter(participant__in=people, source="gp", created_by=world.alice).count() == 2
    events = AuditEvent.objects.filter(record_type="participant", action="create").order_by("id")
    assert [(e.participant_id, e.actor_id) for e in events] == [(p.pk, world.alice.pk) for p in people]
    assert {e.summary for e in events} == {"Referred (GP, imported from a test file)"}
    assert not any(
        name in e.summary + str(e.changes) for e in events for name in ("Ash", "Bea", "9434765919")
    )
    assert verify_audit_chain().ok


def test_possible_duplicates_are_flagged_as_refer_participant_flags_them(world) -> None:  # type: ignore[no-untyped-def]
    known = refer(world)  # Rowan Example, born 27/03/1985, NHS 9434765919
    same_number, same_name, twin, stranger = services.refer_many(
        by=world.alice,
        service=world.service,
        people=[
            person(world, given_name="Robin", nhs_number="9434765919", date_of_birth=dt.date(1990, 1, 1)),
            person(world, given_name="ROWAN", family_name="example"),
            person(world, given_name="Sky", family_name="Other", date_of_birth=dt.date(1970, 5, 5)),
            person(world, given_name="Sky", family_name="Unrelated", date_of_birth=dt.date(1971, 5, 5)),
        ],
    )
    single = refer(world, given_name="rowan", nhs_number="")
    assert same_number.possible_duplicate_of_id == known.pk
    assert same_name.possible_duplicate_of_id == single.possible_duplicate_of_id == known.pk
    assert twin.possible_duplicate_of_id is None and stranger.possible_duplicate_of_id is None
    again = services.refer_many(
        by=world.alice,
        service=world.service,
        people=[
            person(world, given_name="Lee", family_name="New", date_of_birth=dt.date(1999, 9, 9)),
            person(world, given_name="lee", family_name="NEW", date_of_birth=dt.date(1999, 9, 9)),
        ],
    )
    assert again[0].possible_duplicate_of_id is None
    assert Participant.objects.get(pk=again[1].pk).possible_duplicate_of_id == again[0].pk


def test_change_referral_changes_the_first_referral_and_audits_the_fields_without_values(world) -> None:  # type: ignore[no-untyped-def]
    p = refer(world, referrer_name="Dr A Jones")
    before = AuditEvent.objects.count()
    referral = services.change_referral(
        by=world.alice,
        participant=p,
        values={"source": "jobcentre", "referrer_name": "Dr B Smith", "notes": ""},
    )
    assert referral is not None and (referral.source, referral.referrer_name) == ("jobcentre", "Dr B Smith")
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.changes == {"source": "changed", "referrer_name": "changed"}
    assert "Smith" not in event.summary + str(event.changes)
    with pytest.raises(services.ParticipantError) as err:
        services.change_referral(
            by=world.alice,
            participant=p,
            values={"referral_date": timezone.localdate() + dt.timedelta(days=1)},
        )
    assert err.value.field == "referral_date"
    assert Referral.objects.get(participant=p).referral_date == dt.date(2026, 11, 2)
