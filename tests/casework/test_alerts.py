"""Each alert rule fires on the right day and not the day before (time frozen)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db.models import Q

from placewell.casework import alerts, services
from placewell.participants import services as ps
from placewell.ui.months import add_months
from tests.casework.conftest import at, supported

START = dt.date(2027, 3, 1)


def rules_on(day: dt.date, p) -> set[str]:  # type: ignore[no-untyped-def]
    with time_machine.travel(at(day, 12), tick=False):
        return {a.rule for a in alerts.alerts_for([p], today=day)}


def contact(world, p, day: dt.date, **kw) -> None:  # type: ignore[no-untyped-def]
    values = {"duration_minutes": 30, "mode": "phone", "place": "remote", "purposes": ["job_search"]}
    values.update(kw)
    with time_machine.travel(at(day, 15), tick=False):
        services.record_contact(by=world.alice, participant=p, happened_at=at(day, 11), **values)


def test_add_months_uses_calendar_months() -> None:
    assert add_months(dt.date(2027, 3, 1), 9) == dt.date(2027, 12, 1)
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 11, 30), 4) == dt.date(2028, 3, 30)


def test_no_contact_14_and_28_days_from_the_last_contact(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    contact(world, p, dt.date(2027, 3, 10))
    assert "no_contact" not in rules_on(dt.date(2027, 3, 23), p)  # 13 days
    assert "no_contact" in rules_on(dt.date(2027, 3, 24), p)  # 14 days
    assert "outreach" not in rules_on(dt.date(2027, 4, 6), p)  # 27 days
    assert rules_on(dt.date(2027, 4, 7), p) & {"no_contact", "outreach"} == {"outreach"}  # 28 days


def test_no_contact_counts_from_support_start_when_there_is_none(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    assert "no_contact" not in rules_on(dt.date(2027, 3, 14), p)
    assert "no_contact" in rules_on(dt.date(2027, 3, 15), p)


def test_contacts_with_an_employer_only_do_not_count_as_contact_with_the_person(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    contact(world, p, dt.date(2027, 3, 10), whom=["employer"])
    assert "no_contact" in rules_on(dt.date(2027, 3, 15), p)


def employer_contact(world, p, day: dt.date, face_to_face: bool, on_behalf: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A contact with an employer recorded in the employers app (the rapid job search rule's data source)."""
    from placewell.employers import services as es

    with time_machine.travel(at(day, 15), tick=False):
        employer = es.create_employer(
            by=world.alice,
            service=world.service,
            name=f"Employer {day} {face_to_face} {on_behalf}",
            sector="G",
            size="small",
        )
        es.record_engagement(
            by=world.alice,
            employer=employer,
            happened_on=day,
            face_to_face=face_to_face,
            purpose="vacancy",
            participants=[p] if on_behalf else [],
        )


def test_rapid_job_search_on_day_30_until_a_face_to_face_employer_contact(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    employer_contact(world, p, dt.date(2027, 3, 25), face_to_face=False)  # phone does not count
    employer_contact(
        world, p, dt.date(2027, 3, 26), face_to_face=True, on_behalf=False
    )  # not on their behalf
    assert "rapid_job_search" not in rules_on(dt.date(2027, 3, 30), p)  # day 29
    assert "rapid_job_search" in rules_on(dt.date(2027, 3, 31), p)  # day 30
    employer_contact(world, p, dt.date(2027, 3, 31), face_to_face=True)
    assert "rapid_job_search" not in rules_on(dt.date(2027, 4, 1), p)


def test_casework_contacts_with_an_employer_no_longer_stand_in(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    contact(world, p, dt.date(2027, 3, 20), whom=["employer"], mode="face_to_face", place="employer")
    assert "rapid_job_search" in rules_on(dt.date(2027, 3, 31), p)


def test_pre_employment_limit_approaching_and_reached(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)  # limit 9 months: 1 December 2027
    assert "pre_employment_limit" not in rules_on(dt.date(2027, 11, 2), p)  # 29 days before
    with time_machine.travel(at(dt.date(2027, 11, 3)), tick=False):
        found = [
            a for a in alerts.alerts_for([p], today=dt.date(2027, 11, 3)) if a.rule == "pre_employment_limit"
        ]
    assert found and "1 December 2027" in found[0].title and not found[0].urgent
    with time_machine.travel(at(dt.date(2027, 12, 1)), tick=False):
        reached = [
            a for a in alerts.alerts_for([p], today=dt.date(2027, 12, 1)) if a.rule == "pre_employment_limit"
        ]
    assert reached[0].urgent and "reached" in reached[0].title


def test_in_work_limit_counts_from_starting_work(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START, in_work_on=dt.date(2027, 5, 10))  # limit 4 months: 10 September
    assert "pre_employment_limit" not in rules_on(dt.date(2027, 11, 20), p)  # in work: that clock stops
    assert "in_work_limit" not in rules_on(dt.date(2027, 8, 12), p)
    assert "in_work_limit" in rules_on(dt.date(2027, 8, 13), p)  # 28 days before 10 September
    assert "rapid_job_search" not in rules_on(dt.date(2027, 8, 13), p)


def test_no_limit_alerts_when_the_service_has_no_limit(world) -> None:  # type: ignore[no-untyped-def]
    world.service.pre_employment_limit_months = None
    world.service.save()
    p = supported(world, started=START)
    p.service.refresh_from_db()
    assert "pre_employment_limit" not in rules_on(dt.date(2028, 3, 1), p)


def test_closed_without_telling_the_person_until_recorded(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    with time_machine.travel(at(dt.date(2027, 6, 1)), tick=False):
        ps.close(by=world.alice, participant=p, reason="Support finished")
        assert [a.rule for a in alerts.not_told_of_ending(Q(specialist=world.alice))] == ["not_told"]
        services.record_ending_notice(by=world.alice, participant=p, told_on=dt.date(2027, 6, 1), how="phone")
        assert alerts.not_told_of_ending(Q(specialist=world.alice)) == []
    assert rules_on(dt.date(2027, 8, 1), p) == set()  # closed records have no contact alerts


def test_withdrawal_needs_no_ending_notice(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    with time_machine.travel(at(dt.date(2027, 6, 1)), tick=False):
        ps.withdraw(by=world.alice, participant=p, scope="service")
        assert alerts.not_told_of_ending(Q(specialist=world.alice)) == []


def test_every_alert_carries_its_rule_in_words(world) -> None:  # type: ignore[no-untyped-def]
    p = supported(world, started=START)
    with time_machine.travel(at(dt.date(2027, 12, 5)), tick=False):
        found = alerts.alerts_for([p], today=dt.date(2027, 12, 5))
    assert {a.rule for a in found} == {"outreach", "rapid_job_search", "pre_employment_limit"}
    assert all(len(a.rule_text) > 40 for a in found)
    assert found[0].urgent
