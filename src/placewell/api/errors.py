"""The API's one error shape, ``{"error": <code>, "detail": <message>}``, and the status code of each code.

Codes are stable strings for programs to switch on; details are plain English for people to read. Status
codes follow RFC 9110 (400, 401, 403, 404, 405, 413, 415, 422) and RFC 6750 for the bearer challenge.
"""

from __future__ import annotations

from django.http import JsonResponse

STATUS: dict[str, int] = {
    "malformed_json": 400,
    "invalid_request": 400,
    "unknown_field": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "validation_failed": 422,
}

DESCRIPTIONS: dict[int, str] = {
    400: "Malformed JSON, a value of the wrong type, or an unknown field or parameter",
    401: "No token, or a token that is unknown, expired or revoked",
    403: "Your role does not allow this",
    404: "No such record, or one outside your scope",
    405: "The endpoint does not take this method",
    413: "The request body is too large",
    415: "The request body is not JSON",
    422: "The request is well formed but cannot be accepted",
}


class ApiError(Exception):
    """Raised anywhere in the API to answer with the error shape."""

    def __init__(self, error: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail
        self.status = STATUS[error]
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        response = JsonResponse({"error": self.error, "detail": self.detail}, status=self.status)
        for key, value in self.headers.items():
            response[key] = value
        return response


def unauthenticated(detail: str) -> ApiError:
    return ApiError("unauthenticated", detail, {"WWW-Authenticate": 'Bearer realm="placewell"'})
