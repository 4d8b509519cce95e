"""One view serves every endpoint in the registry, answering in a fixed order so that the status code is
precise and nothing is revealed before the caller is known:

1. who is asking: a bearer token, else a signed-in session (401 if neither);
2. the participant the path names, through the permission policy (404 when out of scope, whatever the
   method, so the API never confirms that someone is known: CONTRIBUTING.md);
3. the method (405, with ``Allow``), then the role's permission (403);
4. for session callers only, the CSRF check on unsafe methods (token callers are exempt: a token is not sent
   by a browser on its own, so cross-site request forgery cannot use it);
5. the query (400), then the body: JSON media type (415), size (413), syntax (400), fields and types
   (400), required fields (422); then the handler, whose refusals are 422.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from placewell.accounts.policy import Perm, has_perm, participant_scope
from placewell.api import pagination
from placewell.api.errors import ApiError, unauthenticated
from placewell.api.registry import INT_LIMIT, Operation, Request, Route, parse_body, parse_query
from placewell.api.tokens import authenticate
from placewell.participants.models import Participant

MAX_BODY_BYTES = 64 * 1024  # the largest write (a vocational profile) is a few kilobytes
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _caller(request: HttpRequest) -> tuple[Any, bool]:
    """(user, came with a token). A token wins over a session when both are present."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is not None:
        return authenticate(header), True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, False
    raise unauthenticated("Send an API token: 'Authorization: Bearer <token>'")


def _csrf(request: HttpRequest) -> None:
    refusal = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})  # type: ignore[arg-type]
    if refusal is not None:
        raise ApiError("forbidden", "CSRF check failed: send the CSRF token, or use an API token instead")


def _participant(user: Any, pk: int) -> Participant:
    found = (
        Participant.objects.reportable()
        .filter(participant_scope(user), pk=pk)
        .select_related("service", "team", "specialist")
        .first()
    )
    if found is None:
        raise ApiError("not_found", "No such participant")
    return found


def _json_body(request: HttpRequest) -> Any:
    if request.content_type != "application/json":
        raise ApiError(
            "unsupported_media_type", "Send the body as JSON, with 'Content-Type: application/json'"
        )
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise ApiError("unsupported_media_type", "Send JSON in UTF-8")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise ApiError("payload_too_large", f"The body must be {MAX_BODY_BYTES // 1024} KiB or smaller")
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ApiError(
            "payload_too_large", f"The body must be {MAX_BODY_BYTES // 1024} KiB or smaller"
        ) from None
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError("payload_too_large", f"The body must be {MAX_BODY_BYTES // 1024} KiB or smaller")

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError("malformed_json", f"The body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError("malformed_json", "The body is nested too deeply") from None


def _handle(request: HttpRequest, route: Route, kwargs: dict[str, Any]) -> HttpResponse:
    user, by_token = _caller(request)
    if any(isinstance(v, int) and v >= INT_LIMIT for v in kwargs.values()):
        raise ApiError("not_found", "No such record")
    participant = _participant(user, kwargs["pk"]) if route.participant else None
    method = "GET" if request.method == "HEAD" else (request.method or "GET")
    op: Operation | None = route.operations.get(method)
    if op is None:
        allowed = ", ".join(sorted(route.operations))
        raise ApiError("method_not_allowed", f"This endpoint takes {allowed}", {"Allow": allowed})
    if op.perms and not any(has_perm(user, p) for p in op.perms):
        raise ApiError("forbidden", "Your role does not allow this")
    if not by_token and method not in SAFE_METHODS:
        _csrf(request)
    fields = op.params + (pagination.PARAMS if op.paginated else ())
    query = parse_query(fields, {k: request.GET.getlist(k) for k in request.GET})
    body = parse_body(op.body, _json_body(request)) if op.body else {}
    context = Request(
        user=user,
        http=request,
        kwargs=kwargs,
        query=query,
        body=body,
        participant=participant,
        personal=has_perm(user, Perm.VIEW_PARTICIPANTS),
    )
    status, payload = op.handler(context)
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 201 and isinstance(payload, dict) and payload.get("url"):
        response["Location"] = payload["url"]
    return response


def make_view(route: Route) -> Any:
    @csrf_exempt  # checked in _handle for session callers; token callers are exempt by design
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return _handle(request, route, kwargs)
        except ApiError as exc:
            return exc.response()
        except Http404:
            return ApiError("not_found", "No such record").response()
        except PermissionDenied:
            return ApiError("forbidden", "Your role does not allow this").response()

    view.__name__ = f"api_{route.name}"
    return view


@csrf_exempt
def no_such_endpoint(request: HttpRequest, rest: str = "") -> HttpResponse:
    detail = "No such endpoint: see /api/v1/openapi.json"
    if rest and not rest.endswith("/"):
        detail += " (API paths end with a slash)"
    return ApiError("not_found", detail).response()
