"""The instrument registry: every instrument Placewell scores, by id, at its current version."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from placewell.engine.measures.client_experience import CLIENT_EXPERIENCE
from placewell.engine.measures.eq5d5l import EQ5D5L
from placewell.engine.measures.errors import UnknownInstrumentError
from placewell.engine.measures.gad7 import GAD7
from placewell.engine.measures.gse import GSE
from placewell.engine.measures.job_search_self_efficacy import JOB_SEARCH_SELF_EFFICACY
from placewell.engine.measures.model import Instrument
from placewell.engine.measures.mskhq import MSKHQ
from placewell.engine.measures.ons4 import ONS4
from placewell.engine.measures.phq8 import PHQ8
from placewell.engine.measures.swemwbs import SWEMWBS

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {
        instrument.id: instrument
        for instrument in (
            SWEMWBS,
            EQ5D5L,
            PHQ8,
            GAD7,
            GSE,
            JOB_SEARCH_SELF_EFFICACY,
            ONS4,
            MSKHQ,
            CLIENT_EXPERIENCE,
        )
    }
)
"""Every registered instrument by id (read-only)."""


def get_instrument(instrument: str | Instrument) -> Instrument:
    """The registered instrument with this id (an :class:`Instrument` is returned as it is)."""
    if isinstance(instrument, Instrument):
        return instrument
    try:
        return INSTRUMENTS[instrument]
    except (KeyError, TypeError):
        raise UnknownInstrumentError(instrument, list(INSTRUMENTS)) from None
