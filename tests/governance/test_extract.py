"""The pseudonymised research extract.

Reference values for the pseudonyms come from Python's ``hmac`` module directly (RFC 2104 HMAC-SHA256), not
from the code under test.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from placewell.accounts.models import AuditEvent
from placewell.governance import extract, pseudonyms
from tests.governance.conftest import KEY, NI, OTHER_KEY, nhs_number


def _rows(result: extract.Extract) -> dict[str, dict]:  # type: ignore[type-arg]
    return {row["pseudo_nhs_number"]: row for row in result.data.to_dict("records")}


def test_pseudonyms_are_stable_across_runs_and_change_with_the_key(cohort) -> None:  # type: ignore[no-untyped-def]
    first = extract.build_extract(None, KEY.encode())
    again = extract.build_extract(None, KEY.encode())
    other = extract.build_extract(None, OTHER_KEY.encode())
    cols = ["pseudo_id", "pseudo_nhs_number", "pseudo_ni_number"]
    assert first.data[cols].equals(again.data[cols])
    assert first.key_fingerprint == again.key_fingerprint != other.key_fingerprint
    assert set(first.data["pseudo_nhs_number"]).isdisjoint(set(other.data["pseudo_nhs_number"]))
    assert set(first.data["pseudo_id"]).isdisjoint(set(other.data["pseudo_id"]))
    expected = hmac.new(KEY.encode(), f"nhs:{nhs_number(1)}".encode(), hashlib.sha256).hexdigest()
    row = _rows(first)[expected]
    assert row["pseudo_ni_number"] == hmac.new(KEY.encode(), f"ni:{NI}".encode(), hashlib.sha256).hexdigest()


def test_spaced_identifiers_give_the_same_pseudonym() -> None:
    number = nhs_number(1)
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert pseudonyms.nhs_pseudonym(KEY, spaced) == pseudonyms.nhs_pseudonym(KEY, number)
    assert pseudonyms.ni_pseudonym(KEY, "ab 12 34 56 c") == pseudonyms.ni_pseudonym(KEY, NI)
    assert pseudonyms.nhs_pseudonym(KEY, "") == ""


def test_erased_never_appear_withdrawn_are_flagged_and_only_agreed_people_are_in(cohort) -> None:  # type: ignore[no-untyped-def]
    result = extract.build_extract(None, KEY.encode())
    rows = _rows(result)
    assert len(result.data) == 2
    erased = pseudonyms.nhs_pseudonym(KEY, nhs_number(3))
    referred = pseudonyms.nhs_pseudonym(KEY, nhs_number(4))
    assert erased not in rows and referred not in rows
    withdrawn = rows[pseudonyms.nhs_pseudonym(KEY, nhs_number(2))]
    assert withdrawn["withdrawn_from_research"] is True
    assert withdrawn["withdrawn_from_research_on"] is not None
    assert rows[pseudonyms.nhs_pseudonym(KEY, nhs_number(1))]["withdrawn_from_research"] is False


def test_allocation_baseline_mi_surveys_and_employer_contacts(cohort) -> None:  # type: ignore[no-untyped-def]
    result = extract.build_extract(None, KEY.encode())
    row = _rows(result)[pseudonyms.nhs_pseudonym(KEY, nhs_number(1))]
    assert row["arm"] in {"treatment", "control"}
    assert 0 < row["probability_of_treatment"] < 1
    assert row["randomised_on"] is not None and row["trial_registration"] == "ISRCTN12345678"
    assert row["gender"] == "female" and row["condition_depression"] is True and row["conditions_n"] == 2
    assert (
        row["sessions_n"] == 2 and row["sessions_over_15_min_n"] == 1 and row["session_minutes_total"] == 40
    )
    assert row["days_randomisation_to_first_session"] == 0
    assert row["employer_contacts_n"] == 1
    assert row["baseline_status"] == "responded"
    assert row["baseline_swemwbs"] is not None and row["baseline_swemwbs_complete"] is True
    assert row["w4_month_status"] == "not_invited"
    assert row["job_starts_n"] == 0
    withdrawn = _rows(result)[pseudonyms.nhs_pseudonym(KEY, nhs_number(2))]
    assert withdrawn["sessions_n"] == 0 and pd.isna(withdrawn["arm"])


def test_the_dictionary_covers_every_column_in_csv_and_parquet(cohort) -> None:  # type: ignore[no-untyped-def]
    result = extract.build_extract(None, KEY.encode())
    names = [c.name for c in result.columns]
    assert len(names) == len(set(names))
    assert list(result.data.columns) == names
    files = extract.files(result, ["csv", "parquet"])
    header = files["research_extract.csv"].decode().splitlines()[0].split(",")
    assert header == names
    table = pq.read_table(io.BytesIO(files["research_extract.parquet"]))
    assert table.column_names == names
    dictionary = files["data_dictionary.csv"].decode().splitlines()
    assert dictionary[0] == "name,label,type,allowed,source,derivation"
    assert [line.split(",")[0] for line in dictionary[1:]] == names
    for c in result.columns:
        assert c.label and c.type in {"string", "integer", "number", "boolean", "date"} and c.derivation, c


def test_no_names_contact_details_identifiers_or_free_text_leave(cohort) -> None:  # type: ignore[no-untyped-def]
    result = extract.build_extract(None, KEY.encode())
    body = extract.files(result, ["csv"])["research_extract.csv"].decode()
    for secret in (
        "Rowan",
        "Example",
        "Wren",
        nhs_number(1),
        NI,
        "rowan@example.org",
        "1990-06-15",
        "warehouse",
    ):
        assert secret not in body, secret
    assert cohort.randomised.reference not in body


def test_query_count_does_not_grow_with_people(world, cohort, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        extract.build_extract(None, KEY.encode())
    from tests.trials.helpers import agreed

    for n in range(10, 16):
        agreed(world, nhs_number=nhs_number(n))
    with django_assert_max_num_queries(len(small.captured_queries)):
        result = extract.build_extract(None, KEY.encode())
    assert len(result.data) == 8


def test_no_key_no_extract_with_a_clear_message(monkeypatch, cohort, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(pseudonyms.KEY_ENV, raising=False)
    monkeypatch.delenv(pseudonyms.KEY_FILE_ENV, raising=False)
    with pytest.raises(pseudonyms.PseudonymKeyError, match="PLACEWELL_PSEUDONYM_KEY"):
        pseudonyms.load_research_key()
    with pytest.raises(CommandError, match="No research key is set"):
        call_command("research_extract", "--out", str(tmp_path))
    monkeypatch.setenv(pseudonyms.KEY_ENV, "too-short")
    with pytest.raises(pseudonyms.PseudonymKeyError, match="at least 32"):
        pseudonyms.load_research_key()
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    monkeypatch.delenv(pseudonyms.KEY_ENV)
    monkeypatch.setenv(pseudonyms.KEY_FILE_ENV, str(key_file))
    assert pseudonyms.load_research_key() == KEY.encode()


def test_command_writes_both_formats_with_progress_and_an_audit_event(research_key, cohort, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("research_extract", "--out", str(tmp_path / "x"), stdout=out)
    text = out.getvalue()
    assert "Reading participant records" in text and "Extract ready: 2 rows" in text
    names = sorted(p.name for p in (tmp_path / "x").iterdir())
    assert names == ["README.txt", "data_dictionary.csv", "research_extract.csv", "research_extract.parquet"]
    event = AuditEvent.objects.filter(action="export", record_type="governance_export").get()
    assert event.changes["key_fingerprint"] == pseudonyms.key_fingerprint(KEY)


@pytest.mark.parametrize("persona", ["alice", "tess", "mandy", "ada"])
def test_only_evaluators_may_open_or_download(client_as, cohort, research_key, persona) -> None:  # type: ignore[no-untyped-def]
    client = client_as(persona)
    assert client.get("/governance/research-extract/").status_code == 403
    assert client.post("/governance/research-extract/", {"service": "1", "format": "csv"}).status_code == 403


def test_the_evaluator_downloads_a_zip_and_it_is_audited(
    client_as, world, cohort, research_key, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from placewell.jobs.models import Job

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    client = client_as("evan")
    page = client.get("/governance/research-extract/")
    assert page.status_code == 200 and "Make the extract" in page.content.decode()
    response = client.post(
        "/governance/research-extract/", {"service": str(world.service.pk), "format": "parquet"}
    )
    job = Job.objects.get(
        kind="governance.extract"
    )  # made by a background job (here in django-q2's sync mode)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.state == Job.State.SUCCEEDED and job.started_by == world.evan
    assert "Download research-extract-" in client.get(f"/jobs/{job.pk}/").content.decode()
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["README.txt", "data_dictionary.csv", "research_extract.parquet"]
    event = AuditEvent.objects.get(action="export", record_type="governance_export")
    assert event.actor == world.evan and event.service_id == world.service.pk


def test_the_page_explains_a_missing_key(client_as, monkeypatch, cohort) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(pseudonyms.KEY_ENV, raising=False)
    monkeypatch.delenv(pseudonyms.KEY_FILE_ENV, raising=False)
    client = client_as("evan")
    body = client.get("/governance/research-extract/").content.decode()
    assert "pseudonym key has not been set up" in body
    assert client.post("/governance/research-extract/", {"service": "1", "format": "csv"}).status_code == 200
    assert not AuditEvent.objects.filter(action="export", record_type="governance_export").exists()
