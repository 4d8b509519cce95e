"""Placewell: the platform Supported Employment services run on."""

__version__ = "0.1.0"
