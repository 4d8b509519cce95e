"""Named errors for bad evaluation input.

Each error says what is wrong and with which column, so that an evaluator reading a failed run knows
what to fix without reading the code. All derive from :class:`EvaluationError` (a ``ValueError``), so a
caller may catch the family or one member.
"""

from __future__ import annotations


class EvaluationError(ValueError):
    """Base class: the data or the request cannot give a trustworthy estimate."""


class MissingColumnError(EvaluationError):
    """A column named in the request is not in the data."""


class InvalidValueError(EvaluationError):
    """A column holds values the method cannot use (treatment not 0/1, negative weights, gaps)."""


class CollinearityError(EvaluationError):
    """The design matrix is rank deficient: a column is constant or a combination of others."""


class NoVarianceError(EvaluationError):
    """Something that must vary does not: only one arm present, or the outcome is constant."""


class TooFewObservationsError(EvaluationError):
    """Too few rows to estimate the model and its residual variance."""


class ConfigError(EvaluationError):
    """An evaluation or parameter file is malformed."""
