"""The request type of views that only a signed-in person reaches."""

from __future__ import annotations

from django.http import HttpRequest

from placewell.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that ``login_required`` has let through, so its user is a signed-in ``User``.

    Only a type: Django builds the same ``HttpRequest`` at run time. Annotating a view's request with it
    tells the type checker what ``login_required`` guarantees.
    """

    user: User
