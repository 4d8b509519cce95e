"""Employers made through the real actions."""

from __future__ import annotations

import pytest

from placewell.employers import services


def make_employer(world, name: str = "Greenway Garden Centre", by=None, **kw):  # type: ignore[no-untyped-def]
    values = {"sector": "G", "size": "small", "locations": [("Leeds", "LS6")]}
    values.update(kw)
    return services.create_employer(by=by or world.alice, service=world.service, name=name, **values)


@pytest.fixture
def employer(world):  # type: ignore[no-untyped-def]
    return make_employer(world)
