"""Response rates by wave and arm, and the distribution of the responses: aggregate figures only.

The table follows the Health-led Trials' report (DWP research report 1025, Table 6.2; BRIEF.md: 12-month response 41.8%
overall, treatment 50.8/42.4/41.0% and control 43.0/40.5/36.1%): for each wave and arm, the share of the
people invited who responded. Definitions (stated on the page):

- invited: every invitation issued for the wave (erased records are left out of every report);
- responded: the invitation has at least one questionnaire sent, complete or partial;
- partial: responded, but at least one questionnaire has an unanswered question;
- non-response: the attempts rule was reached, the person declined, or the fieldwork window closed;
- withdrew: the person withdrew from research contact after being invited (counted in the invited);
- still in fieldwork: invited and not yet resolved.

Arms come from a trial: the trials app registers a function with :func:`register_arm_source` that maps
participant ids to arm labels, given the wave's trial reference (empty for a service's own waves). Until one
is registered, and for anyone it leaves out, everyone is in "All". Arms are a blinding matter, so the same
registration says who may see them (``may_see``, given the viewer and the trial reference): the trials app
applies its own rule there, and a viewer it refuses sees every wave of that trial as "All" only.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from placewell.accounts.models import Service
from placewell.engine.measures import INSTRUMENTS
from placewell.participants.choices import SurveyMode
from placewell.participants.models import Status
from placewell.surveys.models import Invitation, Response, SurveyWave

ALL = "All"

ArmSource = Callable[[str, Sequence[int]], Mapping[int, str]]
"""``(trial_reference, participant_ids) -> {participant_id: arm label}``; ids it leaves out count as "All"."""

ArmVisibility = Callable[[Any, str], bool]
"""``(viewer, trial_reference) -> bool``: whether this viewer may see arms for that trial reference."""

_arm_source: list[tuple[ArmSource, ArmVisibility | None]] = []


def register_arm_source(source: ArmSource, *, may_see: ArmVisibility | None = None) -> None:
    """Let a trials app say which arm each participant is in, and who may see arms (it replaces any earlier
    source). Without ``may_see`` anyone who may open the response rates sees the arms."""
    _arm_source[:] = [(source, may_see)]


def clear_arm_source() -> None:
    _arm_source.clear()


@contextmanager
def using_arm_source(source: ArmSource, *, may_see: ArmVisibility | None = None) -> Iterator[None]:
    """Use ``source`` for a while (tests), then put back whatever was registered before."""
    previous = list(_arm_source)
    register_arm_source(source, may_see=may_see)
    try:
        yield
    finally:
        _arm_source[:] = previous


def may_see_arms(viewer: Any, trial_reference: str) -> bool:
    if not _arm_source:
        return False
    may_see = _arm_source[0][1]
    return may_see is None or bool(may_see(viewer, trial_reference))


def arms_for(trial_reference: str, participant_ids: Sequence[int], viewer: Any = None) -> dict[int, str]:
    """Each participant's arm label, or "All" for everyone when there is no source or the viewer may not see
    arms for this trial reference."""
    if not may_see_arms(viewer, trial_reference):
        return dict.fromkeys(participant_ids, ALL)
    return _lookup(trial_reference, participant_ids)


def _lookup(trial_reference: str, participant_ids: Sequence[int]) -> dict[int, str]:
    found = _arm_source[0][0](trial_reference, participant_ids)
    return {pid: found.get(pid, ALL) for pid in participant_ids}


@dataclass
class RateCell:
    invited: int = 0
    responded: int = 0
    partial: int = 0
    non_response: int = 0
    withdrew: int = 0
    outstanding: int = 0

    @property
    def rate(self) -> float | None:
        """Responded as a percentage of invited, to one decimal place; None when no one was invited."""
        return round(100 * self.responded / self.invited, 1) if self.invited else None

    def add(self, status: str, partial: bool) -> None:
        self.invited += 1
        if status == Invitation.Status.RESPONDED:
            self.responded += 1
            self.partial += partial
        elif status == Invitation.Status.NON_RESPONSE:
            self.non_response += 1
        elif status == Invitation.Status.WITHDRAWN:
            self.withdrew += 1
        else:
            self.outstanding += 1


@dataclass
class RateRow:
    wave: SurveyWave
    cells: dict[str, RateCell] = field(default_factory=dict)
    total: RateCell = field(default_factory=RateCell)
    arm_cells: list[tuple[str, RateCell]] = field(default_factory=list)


@dataclass
class RateTable:
    arms: list[str]
    rows: list[RateRow]


def response_rates(services: Iterable[Service] | None = None, *, viewer: Any = None) -> RateTable:
    """The response-rate table for the waves of ``services`` (all services when None).

    Arms are shown only where the registered source allows ``viewer`` to see them (the trials app's blinding
    rules); otherwise every wave counts everyone under "All".
    """
    waves = SurveyWave.objects.select_related("service").order_by("service__name", "trial_reference", "order")
    invitations = Invitation.objects.exclude(participant__status=Status.ERASED)
    if services is not None:
        ids = [s.pk for s in services]
        waves = waves.filter(service_id__in=ids)
        invitations = invitations.filter(wave__service_id__in=ids)
    facts = list(invitations.values_list("pk", "wave_id", "participant_id", "status"))
    partial_ids = set(
        Response.objects.filter(
            invitation_id__in=[f[0] for f in facts], state=Response.State.SUBMITTED, complete=False
        ).values_list("invitation_id", flat=True)
    )
    wave_list = list(waves)
    by_wave: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for pk, wave_id, participant_id, status in facts:
        by_wave[wave_id].append((pk, participant_id, status))
    arms: set[str] = set()
    rows = []
    visible: dict[str, bool] = {}
    for wave in wave_list:
        row = RateRow(wave)
        members = by_wave.get(wave.pk, [])
        ids = [m[1] for m in members]
        if wave.trial_reference not in visible:
            visible[wave.trial_reference] = may_see_arms(viewer, wave.trial_reference)
        if visible[wave.trial_reference]:
            arm_of = _lookup(wave.trial_reference, ids)
        else:
            arm_of = dict.fromkeys(ids, ALL)
        for pk, participant_id, status in members:
            arm = arm_of[participant_id]
            arms.add(arm)
            partial = pk in partial_ids
            row.cells.setdefault(arm, RateCell()).add(status, partial)
            row.total.add(status, partial)
        rows.append(row)
    shown_arms = sorted(arms - {ALL}) if arms - {ALL} else []
    for row in rows:
        row.arm_cells = [(arm, row.cells.get(arm, RateCell())) for arm in shown_arms]
    return RateTable(arms=shown_arms, rows=rows)


@dataclass
class MeasureSummary:
    instrument: str
    title: str
    wave: str
    n: int
    mean: float | None
    median: float | None
    low: float | None
    high: float | None
    bands: list[tuple[str, int]]


@dataclass
class Distribution:
    by_mode: list[tuple[str, int]]
    by_via: list[tuple[str, int]]
    complete: int
    partial: int
    measures: list[MeasureSummary]


def distribution(services: Iterable[Service] | None = None) -> Distribution:
    """How the sent responses were given (mode, by whom), how many were complete, and their scores by wave."""
    responses = Response.objects.filter(state=Response.State.SUBMITTED).exclude(
        participant__status=Status.ERASED
    )
    if services is not None:
        responses = responses.filter(participant__service_id__in=[s.pk for s in services])
    facts = list(
        responses.values_list(
            "instrument_id", "mode", "via", "complete", "value", "band", "invitation__wave__name"
        )
    )
    modes = Counter(f[1] for f in facts)
    vias = Counter(f[2] for f in facts)
    grouped: dict[tuple[str, str], list[tuple[float | None, str]]] = defaultdict(list)
    for instrument_id, _, _, _, value, band, wave in facts:
        grouped[(instrument_id, wave or "Outside a wave")].append((value, band))
    order = list(INSTRUMENTS)
    measures = []
    for (instrument_id, wave), values in sorted(
        grouped.items(), key=lambda kv: (order.index(kv[0][0]) if kv[0][0] in order else 99, kv[0][1])
    ):
        scored = [v for v, _ in values if v is not None]
        bands = Counter(b for _, b in values if b)
        measures.append(
            MeasureSummary(
                instrument=instrument_id,
                title=INSTRUMENTS[instrument_id].title if instrument_id in INSTRUMENTS else instrument_id,
                wave=wave,
                n=len(scored),
                mean=round(statistics.fmean(scored), 2) if scored else None,
                median=round(statistics.median(scored), 2) if scored else None,
                low=min(scored) if scored else None,
                high=max(scored) if scored else None,
                bands=sorted(bands.items()),
            )
        )
    labels_mode = dict(SurveyMode.choices)
    labels_via = dict(Response.Via.choices)
    return Distribution(
        by_mode=[(labels_mode.get(k, k), n) for k, n in sorted(modes.items())],
        by_via=[(labels_via.get(k, k), n) for k, n in sorted(vias.items())],
        complete=sum(1 for f in facts if f[3]),
        partial=sum(1 for f in facts if not f[3]),
        measures=measures,
    )
