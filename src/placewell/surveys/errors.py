"""Named errors for survey actions: each message says what is wrong in plain English."""

from __future__ import annotations


class SurveyError(ValueError):
    """Input a survey action cannot accept. ``field`` names the form field at fault, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class LinkUnusable(SurveyError):
    """A self-completion link that cannot be used: unknown, expired, already used or withdrawn.

    ``reason`` is one of ``unknown``, ``expired``, ``used`` and ``closed``; the public pages show a page for
    each, and nothing is saved.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"This link cannot be used ({reason})")
        self.reason = reason
