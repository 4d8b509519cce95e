"""Log records as an operator wants them: one line for an ordinary client error, JSON lines on request.

Django logs every 403 and 404 on ``django.request`` with the exception attached, so a log collector would
store a full traceback for each person who follows an old link or opens a record outside their team. Those
are expected outcomes, not faults: ``QuietClientErrors`` keeps the one-line message and drops the traceback
for any response below 500 (a 500 keeps its traceback, which is what it is for).

``JsonLinesFormatter`` writes one JSON object a line (``PLACEWELL_LOG_FORMAT=json``) with python-json-logger.
It leaves out the ``request`` object Django attaches to request records: its text representation repeats
the path, and nothing else in it belongs in a log. Placewell's own log messages name records by id, never by
a person's name or details, so the lines carry no personal data.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter


class QuietClientErrors(logging.Filter):
    """Keep every record, but without a traceback when it reports a client error (4xx) response."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and (record.exc_info or record.exc_text):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


class JsonLinesFormatter(JsonFormatter):
    """``{"time": ..., "level": ..., "logger": ..., "message": ..., "status_code": ...}``, one a line."""

    def __init__(self) -> None:
        super().__init__(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "request", "server_time"],
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            json_ensure_ascii=False,
        )
