"""The API tokens page under the user's account: make a token (shown once), list tokens with when each
was last used, and revoke one. Every member of staff may have tokens; a token can do what its owner's role
allows, no more."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.api import tokens
from placewell.api.forms import TokenForm
from placewell.api.models import ApiToken
from placewell.ui.forms import apply_error


@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = tokens.create_token(
                by=request.user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                request=request,
            )
        except tokens.TokenError as exc:
            apply_error(form, exc)
        else:
            response = render(request, "api/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"  # the token is shown once and must not be cached
            return response
    rows = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "rows": rows})


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, api_token: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=api_token, user=request.user)
    tokens.revoke_token(by=request.user, token=token, request=request)
    messages.success(request, f"Token {token.name} revoked. It no longer works.")
    return redirect("api:tokens")
