"""Building scales from their data files, and checking any scale (shipped or configured) is well formed.

The data files (``ips25.json``, ``seqf.json``) name their published sources; an anchor cut without a
``source`` is unconfirmed and is listed in the scale's ``unconfirmed`` notes automatically, so the list can
never fall out of step with the data.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from itertools import pairwise
from typing import Any

from placewell.engine.fidelity.errors import ScaleDataError
from placewell.engine.fidelity.model import Anchors, Band, Cut, Item, Scale, Section


def load_scale(filename: str) -> Scale:
    """The scale defined by a data file shipped beside this module."""
    text = resources.files("placewell.engine.fidelity").joinpath(filename).read_text(encoding="utf-8")
    return scale_from_dict(json.loads(text))


def scale_from_dict(data: dict[str, Any]) -> Scale:
    """A checked :class:`Scale` from its JSON form (see ``ips25.json`` for the shape)."""
    try:
        low, high = (int(v) for v in data["item_range"])
        items = tuple(
            Item(
                key=raw["key"],
                number=number,
                section=raw["section"],
                name=raw["name"],
                summary=raw["summary"],
                minimum=low,
                maximum=high,
                anchors=_anchors(raw["anchors"]) if "anchors" in raw else None,
            )
            for number, raw in enumerate(data["items"], start=1)
        )
        sections = tuple(
            Section(raw["key"], raw["name"], tuple(i.key for i in items if i.section == raw["key"]))
            for raw in data["sections"]
        )
        bands = tuple(
            Band(int(raw["low"]), int(raw["high"]), raw["label"], raw.get("description", ""))
            for raw in data["bands"]
        )
        scale = Scale(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            source=data["source"],
            copyright=data["copyright"],
            sections=sections,
            items=items,
            bands=bands,
            unconfirmed=tuple(data.get("unconfirmed", ())),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ScaleDataError(f"malformed scale data: {error!r}") from error
    return check_scale(scale)


def _anchors(raw: dict[str, Any]) -> Anchors:
    return Anchors(
        figure=raw["figure"],
        definition=raw["definition"],
        unit=raw["unit"],
        kind=raw["kind"],
        direction=raw["direction"],
        cuts=tuple(Cut(int(c["score"]), float(c["bound"]), c.get("source")) for c in raw["cuts"]),
        note=raw.get("note", ""),
    )


def check_scale(scale: Scale) -> Scale:
    """Refuse a scale whose items, sections, bands or anchors are inconsistent; fill in unconfirmed notes.

    Bands must cover every possible total exactly once, so every valid review gets exactly one band.
    """
    keys = scale.item_keys
    if len(set(keys)) != len(keys):
        raise ScaleDataError(f"{scale.id}: item keys are not unique")
    section_keys = {s.key for s in scale.sections}
    for item in scale.items:
        if item.section not in section_keys:
            raise ScaleDataError(f"{scale.id}: item {item.key} names unknown section {item.section!r}")
        if item.minimum >= item.maximum:
            raise ScaleDataError(f"{scale.id}: item {item.key} has an empty score range")
        if item.anchors is not None:
            _check_anchors(scale.id, item)
    _check_bands(scale)
    notes = [note for note in scale.unconfirmed if not note.startswith("anchor ")]
    for item in scale.items:
        if item.anchors is None:
            continue
        open_cuts = [c for c in item.anchors.cuts if not c.confirmed]
        if open_cuts:
            scores = ", ".join(str(c.score) for c in open_cuts)
            noun = "score" if len(open_cuts) == 1 else "scores"
            notes.append(f"anchor {item.key}: the {item.anchors.figure} cut-offs for {noun} {scores}")
    if tuple(notes) == scale.unconfirmed:
        return scale
    return replace(scale, unconfirmed=tuple(notes))


def _check_anchors(scale_id: str, item: Item) -> None:
    anchors = item.anchors
    assert anchors is not None
    where = f"{scale_id}: anchors of {item.key}"
    if anchors.direction not in ("lower_is_better", "higher_is_better"):
        raise ScaleDataError(f"{where}: unknown direction {anchors.direction!r}")
    if anchors.kind not in ("count", "days", "months", "share"):
        raise ScaleDataError(f"{where}: unknown kind {anchors.kind!r}")
    scores = [cut.score for cut in anchors.cuts]
    if scores != list(range(item.maximum, item.minimum, -1)):
        raise ScaleDataError(f"{where}: cuts must give scores {item.maximum} down to {item.minimum + 1}")
    bounds = [cut.bound for cut in anchors.cuts]
    if any(b != b or b < 0 for b in bounds):  # b != b is NaN
        raise ScaleDataError(f"{where}: bounds must be numbers of at least 0")
    if anchors.kind == "share" and any(b > 1 for b in bounds):
        raise ScaleDataError(f"{where}: a share's bounds are proportions from 0 to 1")
    pairs = list(pairwise(bounds))
    ordered = (
        all(a < b for a, b in pairs)
        if anchors.direction == "lower_is_better"
        else all(a > b for a, b in pairs)
    )
    if not ordered:
        raise ScaleDataError(f"{where}: each lower score must need a strictly less demanding figure")


def _check_bands(scale: Scale) -> None:
    low, high = scale.total_range
    covered = sorted(scale.bands, key=lambda band: band.low)
    expected = low
    for band in covered:
        if band.low != expected or band.high < band.low:
            raise ScaleDataError(
                f"{scale.id}: bands must cover totals {low}-{high} without gaps or overlaps "
                f"(band {band.label!r} starts at {band.low}, expected {expected})"
            )
        expected = band.high + 1
    if expected != high + 1:
        raise ScaleDataError(f"{scale.id}: bands end at {expected - 1}, not at the highest total {high}")
