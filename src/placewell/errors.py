"""The one base class for an action that refuses its input.

Every app's refusal (``ParticipantError``, ``CaseworkError``, ``TrialError`` and the rest) is an
``ActionError``: a message in plain words that says what is wrong and what to do, and, where the refusal
concerns one field of a form or one column of a file, that field's name. Views show the message beside the
field (``placewell.ui.forms.apply_error``) or at the top of the form; the API answers with the same message.
Nothing is saved when an action refuses.
"""

from __future__ import annotations


class ActionError(ValueError):
    """An action refused its input. ``field`` names the form field the message belongs beside, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        """The refusal in the shape the API and the bulk actions report it: the message and the field."""
        return {"message": self.message, "field": self.field}
