"""Trial evaluation: impacts, non-response weights, subgroups, complier effects and economics.

The public API is a set of plain functions returning tidy result objects:
``estimate_itt(...) -> ImpactEstimate``, ``nonresponse_weights``, ``assignment_weights``,
``estimate_subgroups``, ``estimate_cace``, the economic functions, and ``run_evaluation`` with
``write_report`` for a whole plan. Numerics live in private modules; errors are named classes.
"""

from placewell.engine.evaluation.bootstrap import BootstrapResult, wild_cluster_bootstrap
from placewell.engine.evaluation.cace import CaceEstimate, estimate_cace
from placewell.engine.evaluation.config import EvaluationConfig, load_config
from placewell.engine.evaluation.economics import (
    GroupInputs,
    Impact,
    load_parameters,
    monte_carlo,
    one_way_sensitivity,
    point_returns,
)
from placewell.engine.evaluation.errors import (
    CollinearityError,
    ConfigError,
    EvaluationError,
    InvalidValueError,
    MissingColumnError,
    NoVarianceError,
    TooFewObservationsError,
)
from placewell.engine.evaluation.impact import ImpactEstimate, estimate_itt
from placewell.engine.evaluation.joint import JointImpacts, joint_impacts
from placewell.engine.evaluation.pipeline import EvaluationResults, run_evaluation
from placewell.engine.evaluation.randomisation_inference import RandomisationResult, randomisation_inference
from placewell.engine.evaluation.report import write_report
from placewell.engine.evaluation.subgroups import DEFAULT_SUBGROUPS, estimate_subgroup, estimate_subgroups
from placewell.engine.evaluation.weights import assignment_weights, nonresponse_weights

__all__ = [
    "DEFAULT_SUBGROUPS",
    "BootstrapResult",
    "CaceEstimate",
    "CollinearityError",
    "ConfigError",
    "EvaluationConfig",
    "EvaluationError",
    "EvaluationResults",
    "GroupInputs",
    "Impact",
    "ImpactEstimate",
    "InvalidValueError",
    "JointImpacts",
    "MissingColumnError",
    "NoVarianceError",
    "RandomisationResult",
    "TooFewObservationsError",
    "assignment_weights",
    "estimate_cace",
    "estimate_itt",
    "estimate_subgroup",
    "estimate_subgroups",
    "joint_impacts",
    "load_config",
    "load_parameters",
    "monte_carlo",
    "nonresponse_weights",
    "one_way_sensitivity",
    "point_returns",
    "randomisation_inference",
    "run_evaluation",
    "wild_cluster_bootstrap",
    "write_report",
]
