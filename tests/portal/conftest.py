"""Helpers for "My support" tests: a supported person with an email address, and a client signed in as them."""

from __future__ import annotations

import re

from django.utils import timezone

from placewell.portal import services

CODE = re.compile(r"\b(\d{6})\b")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def code_in(body: str) -> str:
    found = CODE.search(body)
    assert found, f"no 6-digit code in {body!r}"
    return found.group(1)


def without_csrf(html: str) -> str:
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', html)


def as_participant(client, participant):  # type: ignore[no-untyped-def]
    session = client.session
    session[services.SESSION_KEY] = participant.pk
    session[services.SEEN_KEY] = timezone.now().timestamp()
    session.save()
    return client
