"""Work another app does as part of a randomisation, in the allocation's own transaction.

An app registers a function in its ``AppConfig.ready`` with :func:`register_joining_trial`; ``randomise`` calls
it with ``(by, trial, participant, request)`` inside the transaction that makes the allocation, before the
stratum row is locked. So an error in it leaves no allocation and no used slot, and its work does not lengthen
the time other randomisations in the stratum wait for the lock. It is not told the arm (the allocation does
not exist yet), so it cannot leak it. To refuse, raise ``TrialError`` with a message saying what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from placewell.accounts.models import User
    from placewell.participants.models import Participant
    from placewell.trials.models import Trial

JoiningTrial = Callable[["User", "Trial", "Participant", Any], None]

_JOINING: dict[str, JoiningTrial] = {}


def register_joining_trial(key: str, hook: JoiningTrial) -> None:
    _JOINING[key] = hook


def unregister_joining_trial(key: str) -> None:
    _JOINING.pop(key, None)


def joining_trial_hooks() -> list[JoiningTrial]:
    return [_JOINING[k] for k in sorted(_JOINING)]
