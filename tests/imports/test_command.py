"""The import_data command: the same checks and import as the pages, with a dry run."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from placewell.participants.models import Participant
from tests.imports.conftest import csv_bytes, write_file
from tests.imports.test_import_rules import REFERRAL_HEADER, referral_rows


def test_dry_run_writes_nothing_and_then_the_import_does(world, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_file(tmp_path, "people.csv", csv_bytes(REFERRAL_HEADER, referral_rows(3)))
    call_command("import_data", "referrals", str(path), "--service", str(world.service.pk), "--dry-run")
    out = capsys.readouterr().out
    assert "3 rows read: 3 would be created" in out and "Dry run: nothing was saved" in out
    assert Participant.objects.count() == 0
    call_command("import_data", "referrals", str(path), "--service", str(world.service.pk), "--user", "mandy")
    assert "Imported 3 rows" in capsys.readouterr().out
    assert Participant.objects.count() == 3
    call_command("import_data", "referrals", str(path), "--service", str(world.service.pk))
    assert "0 were created, 0 were updated, 3 were unchanged" in capsys.readouterr().out


def test_problems_are_listed_and_nothing_is_written(world, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    rows = referral_rows(2)
    rows[0][5] = "943 476 5918"
    path = write_file(tmp_path, "people.csv", csv_bytes(REFERRAL_HEADER, rows))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_data", "referrals", str(path), "--service", str(world.service.pk))
    assert "Row 2, column nhs_number: 943 476 5918 is not a valid NHS number" in capsys.readouterr().out
    assert Participant.objects.count() == 0


def test_only_the_services_own_manager_may_be_named(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_file(tmp_path, "people.csv", csv_bytes(REFERRAL_HEADER, referral_rows(1)))
    with pytest.raises(CommandError, match="alice is not a service manager of Test IPS"):
        call_command(
            "import_data", "referrals", str(path), "--service", str(world.service.pk), "--user", "alice"
        )
