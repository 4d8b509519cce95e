"""Places where one app adds to pages and processes another owns, without either importing the other.

- Home panels: a section on the signed-in home page, registered the same way.
- Participant panels: a section on the participant page (for example survey scores or a trial allocation).
  An app registers a template and a function that returns its context, in its ``AppConfig.ready``.
- Demo steps: functions the demo loader runs after the participants exist, in registration order.
- Erasure steps: functions ``participants.services.erase`` calls inside its transaction, so each app deletes
  or blanks the personal data it holds about the person.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from placewell.participants.models import Participant


@dataclass(frozen=True)
class ParticipantPanel:
    key: str
    template: str
    context: Callable[[HttpRequest, Participant], dict[str, Any] | None]  # None hides the panel
    order: int = 100


_PANELS: dict[str, ParticipantPanel] = {}


@dataclass(frozen=True)
class HomePanel:
    """A section on the signed-in home page (for example a specialist's alerts or caseload)."""

    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]  # None hides the panel
    order: int = 100


_HOME_PANELS: dict[str, HomePanel] = {}

DemoStep = Callable[[random.Random, Callable[[str], None]], None]
_DEMO_STEPS: dict[str, tuple[int, DemoStep]] = {}


def register_participant_panel(panel: ParticipantPanel) -> None:
    _PANELS[panel.key] = panel


def participant_panels(request: HttpRequest, participant: Participant) -> list[tuple[str, dict[str, Any]]]:
    """The panels to show on a participant's page, in order, each with its context."""
    out = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, participant)
        if context is not None:
            out.append((panel.template, context))
    return out


def register_home_panel(panel: HomePanel) -> None:
    _HOME_PANELS[panel.key] = panel


def home_panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for panel in sorted(_HOME_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            out.append((panel.template, context))
    return out


def register_demo_step(key: str, step: DemoStep, order: int = 100) -> None:
    _DEMO_STEPS[key] = (order, step)


def demo_steps() -> list[DemoStep]:
    return [step for _, step in sorted(_DEMO_STEPS.values(), key=lambda item: item[0])]


ErasureStep = Callable[..., object]  # step(participant, *, by); what it returns is not used
_ERASURE_STEPS: dict[str, ErasureStep] = {}


def register_erasure_step(key: str, step: ErasureStep) -> None:
    _ERASURE_STEPS[key] = step


def erasure_steps() -> list[ErasureStep]:
    return [_ERASURE_STEPS[key] for key in sorted(_ERASURE_STEPS)]
