"""URLs of the JSON API and of the token pages: one Django route per registered endpoint, all served by
``dispatch.make_view``, and a JSON 404 for any other path under /api/v1/."""

from __future__ import annotations

from django.urls import path

from placewell.api import dispatch, views_tokens
from placewell.api.endpoints import ROUTES

app_name = "api"

urlpatterns = [
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<int:api_token>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    *[path(f"v1/{r.path}", dispatch.make_view(r), name=r.name) for r in ROUTES.values()],
    path("v1/", dispatch.no_such_endpoint, name="root"),
    path("v1/<path:rest>", dispatch.no_such_endpoint, name="no_such_endpoint"),
]
