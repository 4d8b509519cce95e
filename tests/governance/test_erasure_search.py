"""After an erasure, the person's identifiers are in no table and no export.

The reason is given as the erase form's old free text was filled in: full of personal data. It is refused
(nothing erased, nothing logged), and the structured reason that follows holds none. Then every row of
every table and every export a manager or evaluator can download are searched for the person's name,
NHS number, National Insurance number, email address, phone number, postcode and address.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.apps import apps

from placewell.participants.erasure import ErasureReason
from tests.governance.conftest import NI


def _every_row() -> str:
    rows = []
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            rows.extend(repr(r) for r in model._base_manager.values_list())
    return "\n".join(rows)


def _exports(client, world, cohort) -> str:  # type: ignore[no-untyped-def]
    from placewell.governance import extract
    from placewell.insight import dashboards

    found = []
    client.force_login(world.mandy)
    for chart in dashboards.CHARTS:
        response = client.get(f"/insight/charts/{chart}.csv")
        assert response.status_code == 200, chart
        found.append(response.content.decode())
    response = client.get("/insight/evidence.csv")
    assert response.status_code == 200
    found.append(response.content.decode())
    for url in (f"/trials/{cohort.trial.pk}/balance.csv", f"/trials/{cohort.trial.pk}/allocations.csv"):
        read = []
        for persona in (world.mandy, world.evan, world.tess, world.ada, world.alice):  # whoever may
            client.force_login(persona)
            response = client.get(url)
            if response.status_code == 200:
                read.append(response.content.decode())
        assert read, url
        found.extend(read)
    for fmt in ("csv", "parquet"):
        body, _ = extract.download(by=world.evan, service_ids=[world.service.pk], key=b"k" * 32, fmt=fmt)
        with zipfile.ZipFile(io.BytesIO(body)) as zipped:
            found.extend(zipped.read(name).decode("latin-1") for name in zipped.namelist())
    return "\n".join(found)


def test_no_identifier_of_an_erased_person_is_left_in_any_table_or_export(client, world, cohort) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts.models import AuditEvent
    from placewell.participants import services as ps
    from placewell.participants.models import Participant

    person = cohort.randomised
    ps.update_details(
        by=world.alice,
        participant=person,
        changes={
            "phone": "07700 900123",
            "postcode": "LS1 4AP",
            "address": "12 Larkspur Close",
            "email": "larkspur.person@example.net",
        },
    )
    person.refresh_from_db()
    identifiers = [
        person.given_name,
        person.family_name,
        person.nhs_number,
        NI,
        person.email,
        "07700 900123",
        "LS1 4AP",
        "Larkspur",
    ]
    assert all(identifiers) and person.nhs_number in _every_row()

    events = AuditEvent.objects.count()
    full_of_personal_data = [
        f"{person.given_name}{person.family_name}",
        f"{person.given_name}-{person.family_name}",
        person.nhs_number,
        NI,
        person.email,
        "07700900123",
        f"{person.given_name} {person.family_name} phoned",
    ]
    for reference in full_of_personal_data:
        with pytest.raises(ps.ParticipantError):
            ps.erase(
                by=world.mandy,
                participant=person,
                reason=ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer", reference),
            )
    assert AuditEvent.objects.count() == events
    assert Participant.objects.get(pk=person.pk).nhs_number == person.nhs_number

    ps.erase(
        by=world.mandy,
        participant=person,
        reason=ErasureReason(dt.date(2026, 11, 20), f"staff:{world.mandy.pk}", "DSR-2026-014"),
    )
    rows, exports = _every_row(), _exports(client, world, cohort)
    assert exports.count("\n") > 50  # every export was read, not just refused
    for value in identifiers:
        assert value not in rows, value
        assert value not in exports, value
