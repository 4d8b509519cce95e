"""Named errors for survey actions: each message says what is wrong in plain English."""

from __future__ import annotations

from placewell.errors import ActionError


class SurveyError(ActionError):
    """Input a survey action cannot accept. ``field`` names the form field at fault, when there is one."""


class LinkUnusable(SurveyError):
    """A self-completion link that cannot be used: unknown, expired, already used or withdrawn.

    ``reason`` is one of ``unknown``, ``expired``, ``used`` and ``closed``; the public pages show a page for
    each, and nothing is saved.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"This link cannot be used ({reason})")
        self.reason = reason
