"""Logs: one line without a traceback for an ordinary 403 or 404, and JSON lines by configuration."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from placewell.ops.logs import JsonLinesFormatter
from tests.conftest import refer

ROOT = Path(__file__).resolve().parents[2]


def _request_records(caplog) -> list[logging.LogRecord]:  # type: ignore[no-untyped-def]
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_404_is_logged_once_without_a_traceback(client, db, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/participants/999999999/").status_code in {302, 404}
        assert client.get("/no-such-page/").status_code == 404
    records = _request_records(caplog)
    assert [r.getMessage() for r in records] == ["Not Found: /no-such-page/"]
    assert records[0].exc_info is None and records[0].exc_text is None
    assert "Traceback" not in caplog.text


def test_a_403_for_another_teams_record_has_no_traceback(client_as, world, caplog) -> None:  # type: ignore[no-untyped-def]
    person = refer(world)  # North team's; charlie works in South team
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_as("charlie").get(f"/participants/{person.pk}/")
    assert response.status_code in {403, 404}
    records = _request_records(caplog)
    assert len(records) == 1 and records[0].status_code == response.status_code
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text
    assert person.family_name not in caplog.text


def test_a_server_error_keeps_its_traceback() -> None:
    from placewell.ops.logs import QuietClientErrors

    try:
        raise RuntimeError("a fault")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    record.status_code = 500
    assert QuietClientErrors().filter(record) and record.exc_info is not None


def test_json_lines_carry_the_fields_and_leave_out_the_request() -> None:
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x/",), None
    )
    record.status_code = 404
    record.request = object()  # Django attaches the request; its text repeats the path and headers
    line = JsonLinesFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING" and parsed["logger"] == "django.request"
    assert parsed["message"] == "Not Found: /x/" and parsed["status_code"] == 404
    assert "request" not in parsed and "time" in parsed


def test_the_server_logs_json_lines_when_configured(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "PLACEWELL_LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "placewell.web.settings"}
    code = "import django, logging; django.setup(); logging.getLogger('placewell.check').warning('Import %s failed', 7)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "Import 7 failed" and line["logger"] == "placewell.check"


def test_a_malformed_log_format_stops_the_server_naming_the_variable() -> None:
    env = {**os.environ, "PLACEWELL_LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "placewell.web.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "PLACEWELL_LOG_FORMAT must be text or json, not 'xml'" in done.stderr
