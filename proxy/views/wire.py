"""What the gateway views read from a request and hand back, independent of how it arrived.

The same view code serves two front doors: Django's (full middleware; browsers with CORS,
chunked bodies, anything unusual) and the lean ASGI path of `proxy.asgi_fast` (API clients,
the hot path). Each front door builds a `GatewayRequest` and sends the `Reply` its own way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from guardflow_site.errors import GuardflowError, error_body

JSON = "application/json"


@dataclass
class GatewayRequest:
    method: str
    authorization: str | None
    api_key: str | None
    content_type: str
    body: bytes
    client_ip: str | None
    request_id: str
    body_too_large: bool = False  # a chunked body cut at MAX_REQUEST_BYTES: refused after auth

    @classmethod
    def from_django(cls, request: HttpRequest) -> GatewayRequest:
        body, too_large = b"", False
        if request.method == "POST":
            try:
                body = request.body
            except RequestDataTooBig:
                too_large = True
        return cls(
            method=request.method or "",
            authorization=request.headers.get("Authorization"),
            api_key=request.headers.get("X-Api-Key"),
            content_type=request.content_type or "",
            body=body,
            client_ip=request.META.get("REMOTE_ADDR") or None,
            request_id=getattr(request, "request_id", ""),
            body_too_large=too_large,
        )


@dataclass
class Reply:
    """A gateway answer: a whole JSON body, or (with `stream`) server-sent events."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = JSON
    stream: AsyncIterator[bytes] | None = None
    # Run once the stream is done with or abandoned, even if it was never iterated (the client
    # left before the first byte went out): it settles and records the call if nothing did.
    finalizer: Callable[[], Awaitable[None]] | None = None

    @classmethod
    def error(cls, exc: GuardflowError, extra_headers: Mapping[str, str] | None = None) -> Reply:
        body = error_body(
            exc.status_code, exc.code, str(exc.detail), error_type=exc.error_type, param=exc.param
        )
        headers = {**extra_headers, **exc.headers} if extra_headers else exc.headers
        return cls(status=exc.status_code, body=orjson.dumps(body), headers=headers)

    def to_django(self) -> HttpResponse:
        fields = {"status": self.status, "content_type": self.content_type, "headers": self.headers}
        if self.stream is not None:
            response = StreamingHttpResponse(self.stream, **fields)
            response.finalizer = self.finalizer  # run by guardflow_site.asgi.GatewayASGIHandler
            return response
        return HttpResponse(self.body, **fields)
