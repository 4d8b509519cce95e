"""Erasing a person in a real browser with the structured reason (date, who agreed it, a reference).

Bad values first (nothing entered, a date in the future, personal data typed as the reference), then one
erasure for each answer to "Who agreed the erasure?", each read back from the audit log: no free text about
the person is kept there. axe-core checks every page.
"""

from __future__ import annotations

import datetime as dt
import re

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in


def _submit(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Erase for good").click()
    page.wait_for_load_state()
    assert_accessible(page)


def _fill_date(page, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_erasure_takes_a_structured_reason_and_keeps_no_free_text(page, world) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from placewell.accounts.models import AuditEvent
    from placewell.participants.models import Participant, Status
    from tests.conftest import refer

    today = timezone.localdate()
    requested = today - dt.timedelta(days=2)
    answers = [
        ("The service manager", "role:service_manager"),
        ("The data protection officer", "role:data_protection_officer"),
        ("The Caldicott Guardian", "role:caldicott_guardian"),
        ("The information governance lead", "role:information_governance_lead"),
        ("Mandy Persona, Service manager", f"staff:{world.mandy.pk}"),
        ("Tess Persona, Team leader", f"staff:{world.tess.pk}"),
    ]
    people = [
        refer(world, given_name="Casey", family_name=f"Erasable{n}", nhs_number="", phone="07700 900123")
        for n in range(len(answers))
    ]
    sign_in(page, "mandy", PASSWORD)

    # Bad input on the first person: each message names the field, and nothing is erased.
    first = people[0]
    page.goto(f"/participants/{first.pk}/")
    page.get_by_role("link", name="Erase data").click()
    assert_accessible(page)
    _submit(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Enter date of the person's request").is_visible()
    assert summary.get_by_role("link", name="Choose who agreed the erasure").is_visible()
    assert summary.get_by_role("link", name=re.compile("Confirm that you understand")).is_visible()

    _fill_date(page, today + dt.timedelta(days=1))
    page.get_by_label(answers[0][0]).check()
    page.get_by_label("Reference (optional)").fill("07700900123")
    page.get_by_label(re.compile("I understand")).check()
    _submit(page)
    assert summary.get_by_role(
        "link", name="The date of the request must be today or in the past"
    ).is_visible()
    assert summary.get_by_role("link", name=re.compile("looks like a phone number")).is_visible()

    _fill_date(page, requested)
    page.get_by_label("Reference (optional)").fill("Casey Erasable asked")
    page.get_by_label(re.compile("I understand")).check()
    _submit(page)
    assert summary.get_by_role("link", name=re.compile("up to 8 letters followed by numbers")).is_visible()
    first.refresh_from_db()
    assert first.status != Status.ERASED and first.given_name == "Casey"

    # One erasure for each answer, read back from the audit log.
    for n, (person, (label, value)) in enumerate(zip(people, answers, strict=True)):
        if n:
            page.goto(f"/participants/{person.pk}/erase/")
        _fill_date(page, requested)
        page.get_by_label(label).check()
        page.get_by_label("Reference (optional)").fill(f"DSR-2026-{n:03d}")
        page.get_by_label(re.compile("I understand")).check()
        _submit(page)
        assert page.get_by_text(f"Personal data of {person.reference} erased").is_visible()
        person.refresh_from_db()
        assert person.status == Status.ERASED and person.given_name == "" and person.phone == ""
        event = AuditEvent.objects.get(participant_id=person.pk, action="erase", record_type="participant")
        assert event.changes == {
            "requested_on": requested.isoformat(),
            "agreed_by": value,
            "reference": f"DSR-2026-{n:03d}",
        }
    dump = " ".join(f"{e.summary} {e.changes}" for e in AuditEvent.objects.all())
    assert "Casey" not in dump and "Erasable" not in dump and "07700" not in dump
    assert not Participant.objects.reportable().filter(pk__in=[p.pk for p in people]).exists()
