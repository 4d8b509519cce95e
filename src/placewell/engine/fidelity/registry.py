"""The scale registry: every fidelity scale Placewell scores, by id, at its current version."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from placewell.engine.fidelity._load import load_scale
from placewell.engine.fidelity.errors import UnknownScaleError
from placewell.engine.fidelity.model import Scale

IPS25: Scale = load_scale("ips25.json")
"""IPS-25, the IPS Supported Employment Fidelity Scale (sources in ``ips25.json``)."""

SEQF: Scale = load_scale("seqf.json")
"""The Supported Employment Quality Framework review form (sources and unconfirmed parts in ``seqf.json``)."""

SCALES: Mapping[str, Scale] = MappingProxyType({scale.id: scale for scale in (IPS25, SEQF)})
"""Every registered scale by id (read-only)."""


def get_scale(scale: str | Scale) -> Scale:
    """The registered scale with this id (a :class:`Scale`, such as a service's variant, is returned as it is)."""
    if isinstance(scale, Scale):
        return scale
    try:
        return SCALES[scale]
    except (KeyError, TypeError):
        raise UnknownScaleError(scale, list(SCALES)) from None
