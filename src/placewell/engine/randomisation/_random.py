"""Stratum keys and reproducible random draws derived from a trial seed.

Each random object (one block of one stratum, or one minimisation step) gets its own generator,
derived from the trial's seed and a SHA-256 digest of the stratum key through numpy's
``SeedSequence``. So a stratum's sequence is reproducible from the seed alone, strata are
independent of each other, and the web layer never needs to store generator state, which would
let anyone who reads the database predict the next allocation.

Only the bit generator's raw 64-bit output is used (``PCG64.random_raw``), and the integer and
shuffle algorithms are written out here. NumPy guarantees that bit-generator streams are stable
across versions but not the methods of ``Generator`` (NEP 19, "Random number generator policy",
https://numpy.org/neps/nep-0019-rng-policy.html); a trial's sequence must not change when numpy is
upgraded part-way through recruitment.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, MutableSequence
from typing import TypeAlias, TypeVar

import numpy as np

from .errors import DesignError

__all__ = ["PURPOSE_BLOCK", "PURPOSE_MINIMISATION", "Draws", "Stratum", "check_seed", "stratum_key"]

Stratum: TypeAlias = str | Mapping[str, str]
"""A stratum: a plain key such as ``"SCR-IW"``, or the values that define it, such as
``{"site": "SCR", "employment": "in work"}``."""

PURPOSE_BLOCK = 1
PURPOSE_MINIMISATION = 2

SEED_LIMIT = 2**256
_TWO_TO_64 = 2**64
_T = TypeVar("_T")


def check_seed(seed: object) -> int:
    """Return ``seed`` if it is a whole number in [0, 2**256), else raise DesignError."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise DesignError(
            "The seed must be a whole number from 0 to 2**256 - 1; generate one with "
            "placewell.engine.randomisation.new_seed() and keep it secret."
        )
    return seed


def stratum_key(stratum: Stratum) -> str:
    """The canonical text key of a stratum, stable across runs and machines.

    A string is its own key. A mapping becomes compact JSON with sorted keys, so
    ``{"site": "SCR", "employment": "IW"}`` and ``{"employment": "IW", "site": "SCR"}`` are one
    stratum.
    """
    if isinstance(stratum, str):
        if not stratum.strip():
            raise DesignError("A stratum key must not be blank; give the stratum a name such as 'SCR-IW'.")
        if any(unicodedata.category(c) == "Cc" for c in stratum):
            raise DesignError("A stratum key must not contain line breaks, tabs or other control characters.")
        return stratum
    if isinstance(stratum, Mapping):
        if not stratum or not all(isinstance(k, str) and isinstance(v, str) for k, v in stratum.items()):
            raise DesignError(
                "A stratum given as a mapping must map at least one field name to a text value, "
                "e.g. {'site': 'SCR', 'employment': 'IW'}."
            )
        return stratum_key(
            json.dumps(dict(stratum), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        )
    raise DesignError(
        f"A stratum must be text or a mapping of field names to text, not {type(stratum).__name__}."
    )


def _stratum_digest(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")


class Draws:
    """A stream of random draws for one (seed, stratum, purpose, index).

    The entropy is ``digest * 2**256 + seed``, which is one-to-one in (stratum digest, seed)
    because seeds are below 2**256; ``purpose`` and ``index`` (such as the block number) go in
    the ``spawn_key``, numpy's documented way to derive independent streams from one seed.
    """

    __slots__ = ("_bits",)

    def __init__(self, seed: int, key: str, purpose: int, index: int) -> None:
        entropy = _stratum_digest(key) * SEED_LIMIT + seed
        sequence = np.random.SeedSequence(entropy=entropy, spawn_key=(purpose, index))
        self._bits = np.random.PCG64(sequence)

    def _raw(self) -> int:
        return int(self._bits.random_raw())

    def below(self, n: int) -> int:
        """A uniform whole number in [0, n), without modulo bias (rejection of the short tail)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        limit = _TWO_TO_64 - _TWO_TO_64 % n
        while True:
            value = self._raw()
            if value < limit:
                return value % n

    def unit(self) -> float:
        """A uniform float in [0, 1) from the top 53 bits of one raw draw."""
        return float((self._raw() >> 11) * 2.0**-53)

    def shuffle(self, items: MutableSequence[_T]) -> None:
        """Shuffle in place: Fisher-Yates (Durstenfeld's version; Knuth, TAOCP vol. 2, 3.4.2, Algorithm P)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
