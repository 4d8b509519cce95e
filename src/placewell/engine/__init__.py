"""The engine: pure, typed, deterministic Python with no Django imports.

Each subpackage has one job (see docs/explanation/architecture.md): ``measures`` scores
questionnaires, ``randomisation`` allocates, ``evaluation`` estimates impacts and returns,
``simulate`` generates calibrated synthetic trials, ``matching`` and ``fidelity`` follow.
"""
