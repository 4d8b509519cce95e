"""Employer actions: bad input refused, the conflict warning, face-to-face contacts per week (hand-counted),
vacancies and matches, audit with participant ids, erasure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from placewell.accounts.models import AuditEvent
from placewell.employers import services
from placewell.employers.models import Engagement, Match
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from tests.casework.conftest import at, supported
from tests.employers.conftest import make_employer

TODAY = dt.date(2027, 5, 12)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


def test_an_employer_without_a_name_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.EmployerError, match="Enter the organisation name") as exc:
        make_employer(world, name="   ")
    assert exc.value.field == "name"


def test_a_duplicate_name_points_to_the_existing_record(world, employer) -> None:  # type: ignore[no-untyped-def]
    services.update_employer(by=world.alice, employer=employer, holder=world.bob)
    with pytest.raises(services.EmployerError, match="already on the employer list, held by Bob Persona"):
        make_employer(world, name="Greenway Garden Centre Ltd")


def test_conflict_warning_for_the_holder_and_recent_contacts(world, employer) -> None:  # type: ignore[no-untyped-def]
    assert services.conflict_for(employer, world.alice) is None  # no one else is working with them
    services.record_engagement(
        by=world.bob,
        employer=employer,
        happened_on=dt.date(2027, 5, 3),
        face_to_face=True,
        purpose="relationship",
    )
    conflict = services.conflict_for(employer, world.alice)
    assert conflict is not None and conflict.recent == (("Bob Persona", dt.date(2027, 5, 3)),)
    assert "Bob Persona last contacted them on 3 May 2027" in conflict.text()
    assert services.conflict_for(employer, world.bob) is None  # not warned about oneself
    services.update_employer(by=world.alice, employer=employer, holder=world.charlie)
    warned = services.conflict_for(employer, world.alice)
    assert warned is not None and "Charlie Persona holds the relationship" in warned.text()


def test_old_contacts_do_not_warn(world, employer) -> None:  # type: ignore[no-untyped-def]
    services.record_engagement(
        by=world.bob,
        employer=employer,
        happened_on=TODAY - dt.timedelta(days=91),
        face_to_face=True,
        purpose="vacancy",
    )
    assert services.conflict_for(employer, world.alice) is None


def test_face_to_face_contacts_per_week_hand_counted(world, employer) -> None:  # type: ignore[no-untyped-def]
    # Week of Monday 26 April: alice 3 face to face (Mon, Wed, Sun) and 1 by phone; bob 1.
    # Week of Monday 3 May: alice 6 (the IPS expectation), one of them on Monday 3 May itself.
    # Sunday 25 April belongs to the week before and is outside the two weeks counted.
    days = {
        world.alice: [
            (dt.date(2027, 4, 26), True),
            (dt.date(2027, 4, 28), True),
            (dt.date(2027, 5, 2), True),
            (dt.date(2027, 4, 27), False),
            (dt.date(2027, 4, 25), True),
        ]
        + [(dt.date(2027, 5, 3) + dt.timedelta(days=i % 5), True) for i in range(6)],
        world.bob: [(dt.date(2027, 4, 30), True)],
    }
    for who, rows in days.items():
        for day, f2f in rows:
            services.record_engagement(
                by=who, employer=employer, happened_on=day, face_to_face=f2f, purpose="vacancy"
            )
    counts = services.face_to_face_by_week([world.alice.pk, world.bob.pk], dt.date(2027, 4, 26), 2)
    assert counts == {
        (world.alice.pk, dt.date(2027, 4, 26)): 3,
        (world.alice.pk, dt.date(2027, 5, 3)): 6,
        (world.bob.pk, dt.date(2027, 4, 26)): 1,
    }
    assert services.week_start(dt.date(2027, 5, 2)) == dt.date(2027, 4, 26)  # a Sunday ends the week


def test_contacts_on_behalf_of_participants_are_audited_with_their_id(world, employer) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2027, 4, 1))
    e = services.record_engagement(
        by=world.alice,
        employer=employer,
        happened_on=TODAY,
        face_to_face=True,
        purpose="vacancy",
        participants=[p],
    )
    assert AuditEvent.objects.filter(
        record_type="employer_engagement", record_id=str(e.pk), participant_id=p.pk
    ).exists()
    assert services.first_face_to_face_for([p.pk]) == {p.pk: TODAY}


def test_future_contacts_are_refused(world, employer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.EmployerError, match="today or in the past"):
        services.record_engagement(
            by=world.alice,
            employer=employer,
            happened_on=TODAY + dt.timedelta(days=1),
            face_to_face=True,
            purpose="vacancy",
        )


VACANCY = {
    "title": "Garden centre assistant",
    "soc": "92",
    "hours": Decimal(20),
    "pay": Decimal("12.50"),
    "pay_basis": "hour",
    "town": "Leeds",
    "postcode_district": "LS6",
    "source": "hidden",
}


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"pay": Decimal(0)}, "Pay must be more than £0", "pay"),
        ({"pay": Decimal(900)}, "too high to be right", "pay"),
        ({"hours": Decimal("100.5")}, "100 or fewer", "hours"),
        ({"hours": Decimal(0)}, "more than 0", "hours"),
        ({"title": ""}, "Enter the job title", "title"),
        ({"soc": "99"}, "Select the kind of job", "soc"),
    ],
)
def test_bad_vacancies_are_refused(world, employer, change, message, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.EmployerError, match=message) as exc:
        services.add_vacancy(by=world.alice, employer=employer, **{**VACANCY, **change})
    assert exc.value.field == field


def test_pay_is_turned_into_an_hourly_rate(world, employer) -> None:  # type: ignore[no-untyped-def]
    v = services.add_vacancy(
        by=world.alice,
        employer=employer,
        **{**VACANCY, "pay": Decimal(26000), "pay_basis": "year", "hours": Decimal(40)},
    )
    assert v.hourly_pay == Decimal("12.50")  # 26,000 / 52 / 40
    low = services.add_vacancy(by=world.alice, employer=employer, **{**VACANCY, "pay": Decimal("9.00")})
    assert low.pk  # below the minimum is accepted; matching never ranks it as competitive


def test_not_interested_needs_a_reason_and_is_kept(world, employer) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2027, 4, 1))
    v = services.add_vacancy(by=world.alice, employer=employer, **VACANCY)
    with pytest.raises(services.EmployerError, match="Say why"):
        services.record_match(by=world.alice, participant=p, vacancy=v, status="not_interested")
    services.record_match(
        by=world.alice, participant=p, vacancy=v, status="not_interested", reason="Too far to travel"
    )
    assert Match.objects.get(participant=p).reason == "Too far to travel"
    assert AuditEvent.objects.filter(record_type="vacancy_match", participant_id=p.pk).exists()


def test_erasure_removes_matches_and_the_name_on_employer_contacts(world, employer) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=dt.date(2027, 4, 1))
    v = services.add_vacancy(by=world.alice, employer=employer, **VACANCY)
    services.record_match(by=world.alice, participant=p, vacancy=v, status="suggested")
    e = services.record_engagement(
        by=world.alice,
        employer=employer,
        happened_on=TODAY,
        face_to_face=True,
        purpose="vacancy",
        participants=[p],
    )
    ps.erase(
        by=world.mandy,
        participant=p,
        reason=ErasureReason(dt.date(2024, 1, 8), "role:data_protection_officer"),
    )
    assert not Match.objects.filter(participant=p).exists()
    assert Engagement.objects.filter(pk=e.pk).exists() and not e.participants.exists()
