"""Placewell's benchmarks: each compares a measured figure with a named baseline in the same run."""
