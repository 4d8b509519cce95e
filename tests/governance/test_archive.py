"""The anonymised archive export: no identifiers, no free text, k-anonymity."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from placewell.governance import archive, kanon
from tests.governance.conftest import NI, nhs_number

FORBIDDEN_PARTS = {
    "pseudo",
    "nhs",
    "ni",
    "name",
    "address",
    "postcode",
    "note",
    "reason",
    "reference",
    "birth",
}


@pytest.fixture
def many(world, cohort):  # type: ignore[no-untyped-def]
    """Twelve more agreed people, so some groups can reach k = 5."""
    from tests.trials.helpers import agreed

    for n in range(10, 22):
        agreed(world, nhs_number=nhs_number(n), gender="female" if n % 2 else "male", given_name=f"Arch{n}")
    return cohort


def test_no_column_holds_an_identifier_free_text_or_a_date(many) -> None:  # type: ignore[no-untyped-def]
    result = archive.build_archive(None)
    files = archive.archive_files(result)
    body = files["archive.csv"].decode()
    for c in result.columns:
        assert not FORBIDDEN_PARTS & set(c.name.split("_")), c.name
        assert c.type != "date" and not c.name.endswith("_on"), c.name
    for secret in (
        "Rowan",
        "Example",
        "Wren",
        "Arch1",
        nhs_number(1),
        NI,
        "rowan@example.org",
        "warehouse",
        "PW-",
    ):
        assert secret not in body, secret
    assert not re.search(r"\d{4}-\d{2}-\d{2}", body), "a full date reached the archive"
    for c in result.columns:  # every text column holds codes from a short list, never free text
        if c.type == "string":
            assert result.data[c.name].nunique() <= 25, c.name
    assert list(result.data.columns) == [c.name for c in result.columns]
    dictionary = files["data_dictionary.csv"].decode().splitlines()
    assert [line.split(",")[0] for line in dictionary[1:]] == [c.name for c in result.columns]


def test_k_anonymity_holds_on_the_quasi_identifiers(many) -> None:  # type: ignore[no-untyped-def]
    result = archive.build_archive(None)
    assert kanon.is_k_anonymous(result.data, archive.QUASI_IDENTIFIERS, archive.K)
    assert result.result.smallest_group >= archive.K or result.rows == 0
    assert (
        result.rows + result.result.suppressed == 14
    )  # 13 agreed people plus the withdrawn one; none erased


def test_datafly_generalises_before_it_suppresses() -> None:
    rng = np.random.default_rng(20260901)
    n = 400
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 66, n),
            "month": pd.to_datetime("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "sex": rng.choice(["female", "male"], n),
        }
    )
    ladders = [
        kanon.Ladder(
            "age", [("fine", archive._age_fine), ("coarse", archive._age_coarse), ("all", kanon.everything)]
        ),
        kanon.Ladder(
            "month",
            [
                ("month", archive._month),
                ("quarter", archive._quarter),
                ("year", archive._year),
                ("all", kanon.everything),
            ],
        ),
        kanon.Ladder("sex", [("sex", lambda s: s.astype("string")), ("all", kanon.everything)]),
    ]
    result = kanon.anonymise(df, ladders, k=5)
    assert kanon.is_k_anonymous(result.data, ["age", "month", "sex"], 5)
    assert result.suppressed <= 0.05 * n
    assert result.steps, "some generalisation was needed"
    assert result.levels["sex"] == "sex"  # the widest quasi-identifiers are generalised first


def test_archive_command_writes_the_files(many, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("archive_export", "--out", str(tmp_path), stdout=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.txt", "archive.csv", "data_dictionary.csv"]
    readme = (tmp_path / "README.txt").read_text()
    assert "k-anonymity" in readme and "Records suppressed" in readme
    assert "Checking k-anonymity" in out.getvalue()
