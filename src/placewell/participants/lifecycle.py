"""Which status a participant may move to from each status.

referred -> screened (eligible or not eligible) -> agreed -> receiving support <-> in work, and closed
from any open status. A person found not eligible may be screened again when their circumstances change.
Erasure is not a transition here: it is allowed from every status and handled by ``services.erase``.
"""

from __future__ import annotations

from placewell.participants.models import Status


class InvalidTransition(Exception):
    """A status change the lifecycle does not allow, with a message saying what to do instead."""


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REFERRED: frozenset({Status.ELIGIBLE, Status.INELIGIBLE, Status.CLOSED}),
    Status.ELIGIBLE: frozenset({Status.AGREED, Status.CLOSED}),
    Status.INELIGIBLE: frozenset({Status.ELIGIBLE, Status.INELIGIBLE, Status.CLOSED}),
    Status.AGREED: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.ACTIVE: frozenset({Status.IN_WORK, Status.CLOSED}),
    Status.IN_WORK: frozenset({Status.ACTIVE, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.ERASED: frozenset(),
}

_ADVICE: dict[str, str] = {
    Status.ELIGIBLE: "Only a referred person, or one found not eligible before, can be screened.",
    Status.INELIGIBLE: "Only a referred person, or one found not eligible before, can be screened.",
    Status.AGREED: "Screen the person as eligible before recording their agreement.",
    Status.ACTIVE: "Record the person's agreement before starting support.",
    Status.IN_WORK: "Only a person receiving support can be recorded as in work.",
    Status.CLOSED: "This record is already closed.",
}


def check_transition(current: str, target: str) -> None:
    """Raise InvalidTransition unless a participant in ``current`` may move to ``target``."""
    if target in TRANSITIONS.get(current, frozenset()):
        return
    if current == Status.ERASED:
        raise InvalidTransition("This record has been erased and cannot change.")
    if current == Status.CLOSED:
        raise InvalidTransition("This record is closed and cannot change.")
    advice = _ADVICE.get(target, "")
    raise InvalidTransition(
        f"Cannot change status from {Status(current).label.lower()} to {Status(target).label.lower()}. {advice}".strip()
    )
