"""Cross-cutting middleware, written sync-and-async capable so the ASGI path never hops threads."""

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

from guardflow_site import metrics
from guardflow_site.logging import request_id_var

access_logger = logging.getLogger("guardflow.access")

# A client-supplied X-Request-ID is echoed only when it is short and plain, so it can never
# smuggle a header or a log line of its own.
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_for(supplied: str) -> str:
    """The id of a request: the client's X-Request-ID when plain, else a new one."""
    return supplied if _CLIENT_REQUEST_ID.match(supplied) else uuid.uuid4().hex


def access_log(*, method: str, path: str, status: int, seconds: float, streaming: bool) -> None:
    """The one access line per request, and the request metrics (both front doors)."""
    access_logger.info(
        "request",
        extra={
            "method": method,
            "path": path,
            "status": status,
            "latency_ms": round(seconds * 1000, 2),
            "streaming": streaming,
        },
    )
    metrics.observe_request(method, status, seconds)


def _begin(request: HttpRequest) -> tuple[float, object]:
    request.request_id = request_id_for(request.headers.get("X-Request-ID", ""))
    return time.perf_counter(), request_id_var.set(request.request_id)


def _finish(request: HttpRequest, response: HttpResponse, started: float, token: object) -> HttpResponse:
    response["X-Request-ID"] = request.request_id
    access_log(
        method=request.method,
        path=request.path,
        status=response.status_code,
        seconds=time.perf_counter() - started,
        streaming=response.streaming,
    )
    request_id_var.reset(token)
    return response


@sync_and_async_middleware
def request_context_middleware(get_response: Callable) -> Callable:
    """Assign/echo the request id and write one structured access line per request."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> Awaitable[HttpResponse]:
            started, token = _begin(request)
            response = await get_response(request)
            return _finish(request, response, started, token)

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            started, token = _begin(request)
            return _finish(request, get_response(request), started, token)

    return middleware


def _add_csp(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if "Content-Security-Policy" not in response:
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI boots from one inline script; allow it on that page only.
            policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        response["Content-Security-Policy"] = policy
    return response


@sync_and_async_middleware
def content_security_policy_middleware(get_response: Callable) -> Callable:
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> Awaitable[HttpResponse]:
            return _add_csp(request, await get_response(request))

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            return _add_csp(request, get_response(request))

    return middleware


def _oversized_response(request: HttpRequest) -> HttpResponse | None:
    """413 before anything reads a body larger than MAX_REQUEST_BYTES (DRF would read it all)."""
    from guardflow_site.errors import error_response, request_too_large_error

    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(declared)
    except ValueError:
        return error_response(400, "invalid_content_length", "Content-Length is not a number.")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        return request_too_large_error(limit).to_response()
    return None


@sync_and_async_middleware
def request_size_limit_middleware(get_response: Callable) -> Callable:
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> Awaitable[HttpResponse]:
            return _oversized_response(request) or await get_response(request)

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            return _oversized_response(request) or get_response(request)

    return middleware


def security_header_values() -> dict[str, str]:
    """What SecurityMiddleware and XFrameOptionsMiddleware add, for the lean gateway stacks
    (GATEWAY_MIDDLEWARE here, and proxy/asgi_fast.py)."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
        "X-Frame-Options": settings.X_FRAME_OPTIONS,
        "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
    }
    if getattr(settings, "SECURE_HSTS_SECONDS", 0):
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers["Strict-Transport-Security"] = hsts
    return headers


def _security_headers(response: HttpResponse) -> HttpResponse:
    for name, value in security_header_values().items():
        response.headers.setdefault(name, value)
    return response


@sync_and_async_middleware
def security_headers_middleware(get_response: Callable) -> Callable:
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> Awaitable[HttpResponse]:
            return _security_headers(await get_response(request))

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            return _security_headers(get_response(request))

    return middleware
