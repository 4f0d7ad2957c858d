"""The gateway's lean front door: the hot endpoints served straight from ASGI.

An SDK client's POST /v1/chat/completions does not need what Django's request/response cycle
gives a browser or the admin: URL resolving, a middleware chain, HttpRequest/HttpResponse
objects, a static-files check, the channels protocol router. Measured with py-spy on the 2-core
bench, those layers were ~15 % of the gateway's CPU per request. This front door does only what
the gateway's own middleware did for these paths — request id (X-Request-ID accepted and
echoed), one access log line and the request metrics, the body size limit, the security headers,
the error shape — and calls the same `serve_*` functions as the Django views.

It takes a request only when it is plainly an API call: a known method and path, a declared
Content-Length on POST, and no `Origin` header. Everything else (browsers, which need CORS;
chunked bodies; wrong methods; unknown paths) goes to the Django application unchanged, so the
two front doors cannot disagree on anything but speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial

from django.conf import settings

from guardflow_site.errors import GuardflowError, request_too_large_error
from guardflow_site.logging import request_id_var
from guardflow_site.middleware import access_log, request_id_for, security_header_values
from proxy.views.gateway import ANTHROPIC, OPENAI, serve_completion, serve_models, serve_rate_limit
from proxy.views.wire import GatewayRequest, Reply

logger = logging.getLogger("guardflow.errors")

Handler = Callable[[GatewayRequest], Awaitable[Reply]]
ASGIApp = Callable[..., Awaitable[None]]


def _routes() -> dict[tuple[str, str], Handler]:
    routes: dict[tuple[str, str], Handler] = {}
    for prefix in ("/v1", "/api/v1"):  # the same mounts as guardflow_site/urls.py
        routes["POST", f"{prefix}/chat/completions"] = partial(serve_completion, wire=OPENAI)
        routes["POST", f"{prefix}/messages"] = partial(serve_completion, wire=ANTHROPIC)
        routes["GET", f"{prefix}/models"] = serve_models
        routes["GET", f"{prefix}/rate-limit"] = serve_rate_limit
    return routes


def _security_headers() -> list[tuple[bytes, bytes]]:
    headers = [(name.lower().encode(), value.encode()) for name, value in security_header_values().items()]
    # The answer depends on Origin (with one, Django's stack answers with CORS headers): a cache
    # must not reuse this one for a browser. CorsMiddleware says the same on the other door.
    return [*headers, (b"vary", b"origin")]


class GatewayFrontDoor:
    """ASGI app: the hot gateway endpoints for API clients here, everything else to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.routes = _routes()
        self.security_headers = _security_headers()

    async def __call__(self, scope, receive, send) -> None:
        handler = self._handler_for(scope)
        if handler is None:
            await self.app(scope, receive, send)
            return
        await self._serve(handler, scope, receive, send)

    def _handler_for(self, scope) -> Handler | None:
        if scope["type"] != "http":
            return None
        handler = self.routes.get((scope["method"], scope["path"]))
        if handler is None:
            return None
        declared_length = False
        for name, _ in scope["headers"]:
            if name == b"origin":
                return None  # a browser: Django's stack answers, with CORS
            if name == b"content-length":
                declared_length = True
        if scope["method"] == "POST" and not declared_length:
            return None  # chunked: Django's stack caps it while it arrives
        return handler

    async def _serve(self, handler: Handler, scope, receive, send) -> None:
        started = time.perf_counter()
        headers = _headers_of(scope)
        request_id = request_id_for(headers.get("x-request-id", ""))
        token = request_id_var.set(request_id)
        sent = _Sent()
        try:
            body, refusal = await self._read_body(headers, receive)
            if refusal is not None:
                await self._send(refusal, request_id, send, sent)
            elif body is not None:
                request = _request(scope, headers, body, request_id)
                await self._answer_until_disconnect(handler, request, receive, send, sent)
        finally:
            access_log(
                method=scope["method"],
                path=scope["path"],
                status=sent.status,
                seconds=(sent.started_at or time.perf_counter()) - started,
                streaming=sent.streaming,
            )
            request_id_var.reset(token)

    async def _answer_until_disconnect(
        self, handler: Handler, request: GatewayRequest, receive, send, sent: _Sent
    ) -> None:
        """Answer; if the client disconnects first, cancel the answer — which is how the
        gateway settles and records a call (or a stream) the client abandoned."""
        work = asyncio.ensure_future(self._answer(handler, request, send, sent))
        listener = asyncio.ensure_future(_disconnected(receive))
        try:
            await asyncio.wait((work, listener), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (listener, work):
                if not task.done():
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _answer(self, handler: Handler, request: GatewayRequest, send, sent: _Sent) -> None:
        try:
            reply = await handler(request)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("unhandled error in gateway endpoint")
            reply = _error(500, "internal_error", "An internal error occurred.")
        await self._send(reply, request.request_id, send, sent)

    async def _read_body(self, headers: dict[str, str], receive) -> tuple[bytes | None, Reply | None]:
        """The whole body, or a refusal (bad or excessive length), or (None, None) if the
        client went away."""
        declared = headers.get("content-length", "0")
        if not (declared.isascii() and declared.isdigit()):
            return b"", _error(400, "invalid_content_length", "Content-Length is not a number.")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and int(declared) > limit:
            return b"", Reply.error(request_too_large_error(limit))
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, None
            chunk = message.get("body", b"")
            size += len(chunk)
            if limit is not None and size > limit:  # more than it declared
                return b"", Reply.error(request_too_large_error(limit))
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    async def _send(self, reply: Reply, request_id: str, send, sent: _Sent) -> None:
        headers = [
            (b"content-type", reply.content_type.encode()),
            (b"x-request-id", request_id.encode()),
            *((name.lower().encode(), str(value).encode()) for name, value in reply.headers.items()),
            *self.security_headers,
        ]
        sent.status, sent.streaming = reply.status, reply.stream is not None
        sent.started_at = time.perf_counter()  # like Django's door: a stream is timed to its start
        if reply.stream is None:
            headers.append((b"content-length", str(len(reply.body)).encode()))
            await send({"type": "http.response.start", "status": reply.status, "headers": headers})
            await send({"type": "http.response.body", "body": reply.body})
            return
        # aclosing + finalizer: when the client goes away (this task is cancelled) the stream is
        # closed right here — even before its first chunk — so the gateway settles and records
        # it as client_closed at once.
        try:
            async with contextlib.aclosing(reply.stream) as chunks:
                await send({"type": "http.response.start", "status": reply.status, "headers": headers})
                async for chunk in chunks:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            if reply.finalizer is not None:
                await asyncio.shield(reply.finalizer())


class _Sent:
    """What was answered, for the access log line (499: the client went away first)."""

    status: int = 499
    streaming: bool = False
    started_at: float | None = None  # when the response started (headers out)


def _request(scope, headers: dict[str, str], body: bytes, request_id: str) -> GatewayRequest:
    client = scope.get("client")
    return GatewayRequest(
        method=scope["method"],
        authorization=headers.get("authorization"),
        api_key=headers.get("x-api-key"),
        content_type=headers.get("content-type", "").split(";", 1)[0].strip().lower(),
        body=body,
        client_ip=client[0] if client else None,
        request_id=request_id,
    )


def _headers_of(scope) -> dict[str, str]:
    """Lower-case names (as ASGI servers give them), latin-1 (HTTP's own header encoding), and
    repeated headers joined with commas — as Django's ASGIRequest does, so that two
    Authorization headers are refused here exactly as they are there."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


def _error(status: int, code: str, message: str) -> Reply:
    return Reply.error(GuardflowError(message, code=code, status=status))


async def _disconnected(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
