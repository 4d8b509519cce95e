"""Template filters for fidelity pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share from 0 to 1 as a whole percentage ("84%"), as the engine writes shares in reasons."""
    if share is None:
        return "\u2013"  # an en dash, as the tables show an empty value
    return f"{round(share * 100)}%"
