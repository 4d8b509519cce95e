"""The GOV.UK Notify sender, through the real ``notifications-python-client`` talking HTTP to a local server
that answers as Notify's API documents (POST /v2/notifications/sms: 201 with the notification's id; 400 for a
number that cannot receive; 500 when Notify is down). Notify itself cannot be reached from the tests."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine

from placewell.messaging import services
from tests.casework.conftest import at
from tests.messaging.conftest import person

pytestmark = pytest.mark.django_db
KEY = "test-11111111-1111-1111-1111-111111111111-22222222-2222-2222-2222-222222222222"
NOTIFICATION = "33333333-3333-3333-3333-333333333333"


@pytest.fixture
def notify(settings):  # type: ignore[no-untyped-def]
    state = {"status": 201, "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["requests"].append((self.path, self.headers.get("Authorization", ""), body))  # type: ignore[attr-defined]
            status = int(state["status"])  # type: ignore[call-overload]
            answer = (
                {"id": NOTIFICATION, "reference": body.get("reference")}
                if status == 201
                else {
                    "status_code": status,
                    "errors": [{"error": "BadRequestError", "message": "Not a mobile"}],
                }
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PLACEWELL_SMS_BACKEND = "notify"
    settings.PLACEWELL_NOTIFY_API_KEY = KEY
    settings.PLACEWELL_NOTIFY_SMS_TEMPLATE_ID = "44444444-4444-4444-4444-444444444444"
    settings.PLACEWELL_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    thread.join()


def texter(world):  # type: ignore[no-untyped-def]
    return person(world, phone="07700 900123", preferred_contact_method="text")


def test_a_text_goes_to_notify_with_the_body_and_a_signed_token(world, notify) -> None:
    with time_machine.travel(at(dt.date(2027, 3, 2), 11), tick=True):
        message = services.queue_message(participant=texter(world), key="survey_invitation")
    assert (message.status, message.provider_ref) == ("sent", NOTIFICATION)
    [(path, auth, body)] = notify["requests"]
    assert path == "/v2/notifications/sms" and auth.startswith("Bearer ")
    assert body["phone_number"] == "07700900123" and body["personalisation"]["body"] == message.body


def test_notify_refusing_the_number_fails_at_once(world, notify) -> None:
    notify["status"] = 400
    with time_machine.travel(at(dt.date(2027, 3, 2), 11), tick=True):
        message = services.queue_message(participant=texter(world), key="survey_invitation")
    assert (message.status, message.attempts) == ("failed", 1) and "refused" in message.reason


def test_notify_down_is_retried(world, notify) -> None:
    notify["status"] = 500
    with time_machine.travel(at(dt.date(2027, 3, 2), 11), tick=True):
        message = services.queue_message(participant=texter(world), key="survey_invitation")
    assert (message.status, message.attempts) == ("queued", 1) and "tried again" in message.reason
