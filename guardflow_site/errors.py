"""One error shape for every API response: {"error": {"type", "code", "message", "param"}}.

This is OpenAI's error body, so the OpenAI and Anthropic SDKs surface our errors as theirs.
DRF views get it through `api_exception_handler`; plain (async) views build it with
`error_response`; Django-level failures (unknown URL, crash, oversized body) under the API
prefixes get it from the handlers and middleware below. No stack trace or setting ever leaks.
"""

import logging
from collections.abc import Mapping
from http import HTTPStatus

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

logger = logging.getLogger("guardflow.errors")

API_PREFIXES = ("/api/", "/v1/")

_TYPE_BY_STATUS = {
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
}


def error_type_for(status: int) -> str:
    if status in _TYPE_BY_STATUS:
        return _TYPE_BY_STATUS[status]
    return "server_error" if status >= 500 else "invalid_request_error"


def error_body(
    status: int, code: str, message: str, *, error_type: str | None = None, param: str | None = None
) -> dict:
    # `param` is always there, null when no field is to blame: OpenAI's body has all four keys.
    return {
        "error": {
            "type": error_type or error_type_for(status),
            "code": code,
            "message": message,
            "param": param,
        }
    }


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    error_type: str | None = None,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    body = error_body(status, code, message, error_type=error_type, param=param)
    return JsonResponse(body, status=status, headers=dict(headers or {}))


class GuardflowError(drf_exceptions.APIException):
    """A deliberate API error. Raise it from services; the handlers render it in the shape."""

    status_code = 400
    default_code = "invalid_request"
    default_detail = "The request is invalid."
    error_type: str | None = None
    # The principal whose genuine credential was refused (a revoked or expired token, a blocked
    # account): the gateway records the request against it. Never used to answer the caller.
    caller: object | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
        error_type: str | None = None,
    ) -> None:
        super().__init__(message or self.default_detail, code or self.default_code)
        if status is not None:
            self.status_code = status
        self.code = code or self.default_code
        self.param = param
        self.headers = dict(headers or {})
        if error_type is not None:
            self.error_type = error_type

    def to_response(self) -> JsonResponse:
        return error_response(
            self.status_code,
            self.code,
            str(self.detail),
            error_type=self.error_type,
            param=self.param,
            headers=self.headers,
        )


def request_too_large_error(limit: int) -> GuardflowError:
    """413 for a body over MAX_REQUEST_BYTES, wherever it is noticed (declared length, chunked
    upload, either front door)."""
    return GuardflowError(f"The request body exceeds {limit} bytes.", code="request_too_large", status=413)


def _first_validation_error(detail: object, path: str = "") -> tuple[str | None, str, str]:
    """Walk DRF's nested error detail to the first leaf: (field path, message, code)."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            if isinstance(key, int):  # a nested list serializer's errors are keyed by index
                return _first_validation_error(value, f"{path}[{key}]")
            field = key if key != "non_field_errors" else ""
            return _first_validation_error(value, f"{path}.{field}".strip(".") if field else path)
    if isinstance(detail, list) and detail:
        if all(isinstance(item, drf_exceptions.ErrorDetail) for item in detail):
            return path or None, str(detail[0]), getattr(detail[0], "code", "invalid")
        for index, item in enumerate(detail):
            if item:
                return _first_validation_error(item, f"{path}[{index}]" if path else str(index))
    code = getattr(detail, "code", "invalid")
    return path or None, str(detail), code


def validation_message(detail: object) -> str:
    """The first problem in a serializer's errors, as one readable line ("deployments[0].api_key:
    Environment variable OPENAI_API_KEY is not set."), for errors shown outside an API response."""
    param, message, _ = _first_validation_error(detail)
    return f"{param}: {message}" if param else message


def _validation_body(exc: drf_exceptions.ValidationError) -> dict:
    param, _, code = _first_validation_error(exc.detail)
    text = validation_message(exc.detail)
    body = error_body(400, "invalid_request" if code in {"invalid", None} else str(code), text, param=param)
    body["error"]["details"] = exc.detail
    return body


_CODE_BY_EXCEPTION = {
    drf_exceptions.ParseError: "invalid_json",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "rate_limit_exceeded",
}


def _code_for(exc: drf_exceptions.APIException) -> str:
    detail_code = getattr(exc.detail, "code", None)
    generic = {None, "error", "invalid", exc.default_code}
    if detail_code not in generic:
        return str(detail_code)
    for exc_class, code in _CODE_BY_EXCEPTION.items():
        if isinstance(exc, exc_class):
            return code
    return str(exc.default_code)


def api_exception_handler(exc: Exception, context: Mapping) -> Response:
    """DRF's EXCEPTION_HANDLER: every error, expected or not, in the one shape."""
    # Imported here: rest_framework.views loads the authentication classes from settings, and
    # those import this module (a cycle at start-up otherwise).
    from rest_framework.views import set_rollback

    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    set_rollback()
    if isinstance(exc, GuardflowError):
        body = error_body(
            exc.status_code, exc.code, str(exc.detail), error_type=exc.error_type, param=exc.param
        )
        return Response(body, status=exc.status_code, headers=exc.headers)
    if isinstance(exc, drf_exceptions.ValidationError):
        return Response(_validation_body(exc), status=400)
    if isinstance(exc, drf_exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
        return Response(
            error_body(exc.status_code, _code_for(exc), str(detail)), status=exc.status_code, headers=headers
        )
    logger.exception("unhandled error in API view")
    return Response(error_body(500, "internal_error", "An internal error occurred."), status=500)


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def _status_response(request: HttpRequest, status: int, code: str, fallback: HttpResponse) -> HttpResponse:
    if is_api_path(request.path):
        return error_response(status, code, HTTPStatus(status).phrase + ".")
    return fallback


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.views import defaults

    return _status_response(request, 400, "bad_request", defaults.bad_request(request, exception))


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.views import defaults

    return _status_response(request, 403, "permission_denied", defaults.permission_denied(request, exception))


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.views import defaults

    if is_api_path(request.path):
        return error_response(404, "not_found", f"No endpoint {request.method} {request.path}.")
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    from django.views import defaults

    return _status_response(request, 500, "internal_error", defaults.server_error(request))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    from django.views.csrf import csrf_failure as default_csrf_failure

    return _status_response(request, 403, "csrf_failed", default_csrf_failure(request, reason))


_CODE_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "rate_limit_exceeded",
}


def _shaped(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give a bare error response from a non-DRF view (e.g. `require_POST`'s 405) the shape."""
    if response.status_code < 400 or not is_api_path(request.path):
        return response
    if response.get("Content-Type", "").startswith("application/json"):
        return response
    status = response.status_code
    code = _CODE_BY_STATUS.get(status, "internal_error" if status >= 500 else "error")
    message = HTTPStatus(status).phrase + "." if status in HTTPStatus._value2member_map_ else "Error."
    if status == 405 and response.has_header("Allow"):
        message = f"Method {request.method} is not allowed here; use {response['Allow']}."
    shaped = error_response(status, code, message)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if response.has_header(header):
            shaped[header] = response[header]
    return shaped


class ApiErrorMiddleware:
    """Errors from non-DRF API views in the shape, even with DEBUG on. Sync and async capable,
    so it adds no thread hop on the ASGI path."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.async_mode:
            return self.__acall__(request)
        return _shaped(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        return _shaped(request, await self.get_response(request))

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path):
            return None
        if isinstance(exception, GuardflowError):
            return exception.to_response()
        if isinstance(exception, Http404):
            return error_response(404, "not_found", "Not found.")
        logger.exception("unhandled error in API view", exc_info=exception)
        return error_response(500, "internal_error", "An internal error occurred.")
