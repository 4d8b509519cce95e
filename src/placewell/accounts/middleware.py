"""Two-factor sign-in: a user with a confirmed authenticator must enter a code after their password.

Roles listed in ``PLACEWELL_2FA_REQUIRED_ROLES`` must set up an authenticator before anything else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device

_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/accessibility/", "/privacy/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            if user_has_device(user, confirmed=True):
                if not user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds is_verified() at run time
                    return redirect(f"/accounts/two-factor/verify/?next={request.path}")
            elif user.role in settings.PLACEWELL_2FA_REQUIRED_ROLES:
                return redirect("accounts:two_factor_setup")
        return self.get_response(request)
