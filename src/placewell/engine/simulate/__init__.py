"""Synthetic Health-led Trials calibrated to the published figures, with known true effects.

``simulate_trial(SimulationConfig(seed=..., scale=...))`` returns the data and the true effects; the
figures it is calibrated to, and their sources, are in :mod:`placewell.engine.simulate.calibration`.
"""

from placewell.engine.simulate.trial import OUTCOMES, SimulatedTrial, SimulationConfig, simulate_trial

__all__ = ["OUTCOMES", "SimulatedTrial", "SimulationConfig", "simulate_trial"]
