"""Every endpoint module, imported once so that each registers its routes, and the schema endpoint.

Fidelity reviews are served when the fidelity app is installed.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from placewell.api import (  # noqa: F401  (imported to register their endpoints)
    endpoints_casework,
    endpoints_employers,
    endpoints_outcomes,
    endpoints_participants,
)
from placewell.api.registry import ROUTES, Request, operation
from placewell.api.schema import build

if apps.is_installed("placewell.fidelity"):
    from placewell.api import endpoints_fidelity  # noqa: F401


@operation(
    "openapi.json",
    "GET",
    name="openapi",
    tag="Schema",
    summary="This API's OpenAPI 3 schema",
    perms=(),
    documented=False,  # the schema does not describe itself
)
def openapi(ctx: Request) -> tuple[int, Any]:
    return 200, build()


__all__ = ["ROUTES"]
