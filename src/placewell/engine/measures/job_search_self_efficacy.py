"""Job-search self-efficacy: a configurable instrument.

The Health-led Trials measured job-search self-efficacy with a nine-item scale whose wording and response
format were not found, so everything here is configurable and marked unconfirmed: :func:`build` makes the
version a service uses (its items, response scale, and whether the score is the sum or the mean), and
``JOB_SEARCH_SELF_EFFICACY`` is a placeholder of nine items on a 1-5 confidence scale scored as the mean, to be
replaced before use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from placewell.engine.measures._common import SummedScale, labelled
from placewell.engine.measures.model import UNCONFIRMED_NOTICE, Instrument, Item, MissingRule

INSTRUMENT_ID = "job_search_self_efficacy"

DEFAULT_OPTIONS = (
    (1, "Not at all confident"),
    (2, "A little confident"),
    (3, "Moderately confident"),
    (4, "Very confident"),
    (5, "Completely confident"),
)


def build(
    version: str,
    items: Sequence[tuple[str, str]],
    options: Sequence[tuple[int, str]] = DEFAULT_OPTIONS,
    method: Literal["sum", "mean"] = "mean",
    source: str = "Supplied by the service.",
    licence: str = "As supplied by the service.",
    unconfirmed: Sequence[str] = (),
) -> Instrument:
    """A job-search self-efficacy instrument from ``(key, wording)`` items and ``(value, label)`` options.

    The response scale runs from the lowest to the highest option value; the score is the sum or the mean of
    the items, and only complete response sets are scored.
    """
    if not items:
        raise ValueError("a job-search self-efficacy scale needs at least one item")
    values = [value for value, _ in options]
    if values != list(range(min(values), max(values) + 1)):
        raise ValueError("response options must be consecutive whole numbers")
    low, high = min(values), max(values)
    labels = labelled(options)
    n = len(items)
    return Instrument(
        id=INSTRUMENT_ID,
        version=version,
        title="Job-search self-efficacy",
        stem="How confident the participant feels about each of these job-search tasks.",
        items=tuple(Item(key, wording, low, high, labels) for key, wording in items),
        scorer=SummedScale(method=method),
        raw_range=(n * low, n * high),
        value_range=(n * low, n * high) if method == "sum" else (low, high),
        source=source,
        licence=licence,
        wording_status="own",
        missing_rule=MissingRule(0, "scored only when every item is answered"),
        unconfirmed=tuple(unconfirmed),
    )


JOB_SEARCH_SELF_EFFICACY = build(
    version="0.1-placeholder",
    items=[(f"item{n}", f"Job-search task {n} ({UNCONFIRMED_NOTICE})") for n in range(1, 10)],
    source=(
        "Placeholder for the nine-item job-search self-efficacy scale used in the Health-led Trials; "
        "wording and response format not found."
    ),
    licence="Unknown until the service loads the version it uses.",
    unconfirmed=("item wording", "response scale", "scoring method (sum or mean)"),
)
