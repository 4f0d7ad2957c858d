"""An httpx2 transport over the lean HTTP/1.1 client, for the vendor SDKs' own clients.

The openai and anthropic SDKs send through an `httpx2.AsyncClient`; its default transport
(httpcore2 over anyio) costs more CPU per call than everything else the gateway does for the
request together (measured with py-spy on the 2-core box: ~1 ms of the SDK's ~2 ms). With this
transport the SDK still builds the request, sets its headers, applies its timeouts, parses the
answer and raises its own exceptions — only the HTTP/1.1 exchange underneath is the lean one
(`_fast_http`: pooled keep-alive connections per event loop, the shared TLS context, httptools).

Used by default (`UPSTREAM_HTTP_TRANSPORT=lean`); `httpx` restores the stock transport, e.g. to
go through an HTTP(S) proxy from the environment, which this transport does not speak.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator

import httpx2

from proxy.providers import _fast_http
from proxy.providers._clients import shared_ssl_context

_DEFAULT_TIMEOUT = 60.0


@contextlib.contextmanager
def _as_httpx_errors(request: httpx2.Request) -> Iterator[None]:
    """The lean client's failures as the httpx2 exceptions the SDKs map to their own errors."""
    try:
        yield
    except _fast_http.TransportTimeout:
        raise httpx2.ReadTimeout("upstream timed out", request=request) from None
    except _fast_http.TransportFailure as failure:
        # Before any response byte the request may not have reached the upstream at all.
        error = httpx2.ReadError if failure.started else httpx2.ConnectError
        raise error("upstream connection failed", request=request) from None
    except _fast_http.MalformedResponse:
        raise httpx2.RemoteProtocolError("malformed upstream response", request=request) from None


class _Body(httpx2.AsyncByteStream):
    def __init__(self, response: _fast_http.Response, request: httpx2.Request) -> None:
        self.response, self.request = response, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors(self.request):
            async for chunk in self.response.chunks():
                yield chunk

    async def aclose(self) -> None:
        self.response.close()  # a fully read keep-alive response goes back to the pool


class LeanAsyncTransport(httpx2.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        timeouts = request.extensions.get("timeout") or {}
        read_timeout = timeouts.get("read") or _DEFAULT_TIMEOUT
        connect_timeout = timeouts.get("connect") or read_timeout
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx2.UnsupportedProtocol("only http and https are supported", request=request)
        origin = _fast_http.Origin(url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        body = await request.aread()
        payload = _fast_http.raw_request_bytes(
            request.method.encode(), url.raw_path, _headers(request, body), body
        )
        with _as_httpx_errors(request):
            response = await _fast_http.exchange(
                origin, payload, timeout=read_timeout, connect_timeout=connect_timeout
            )
        return httpx2.Response(
            status_code=response.status,
            headers=list(response.state.headers.items()),
            stream=_Body(response, request),
            extensions={"http_version": b"HTTP/1.1"},
        )


_FRAMING = (b"content-length", b"transfer-encoding")


def _headers(request: httpx2.Request, body: bytes) -> list[tuple[bytes, bytes]]:
    """The request's headers with the body framed by its length (the body was read whole)."""
    headers = [(name, value) for name, value in request.headers.raw if name.lower() not in _FRAMING]
    headers.append((b"Content-Length", str(len(body)).encode()))
    return headers


def sdk_http_client(factory: Callable[..., httpx2.AsyncClient]) -> httpx2.AsyncClient:
    """An SDK's default async HTTP client (`factory`, e.g. `openai.DefaultAsyncHttpxClient`) with
    the shared TLS context and, per UPSTREAM_HTTP_TRANSPORT, the lean transport."""
    from django.conf import settings

    if settings.UPSTREAM_HTTP_TRANSPORT == "lean" and not _proxy_configured():
        return factory(verify=shared_ssl_context(), transport=LeanAsyncTransport())
    return factory(verify=shared_ssl_context())


_PROXY_VARIABLES = ("https_proxy", "http_proxy", "all_proxy")


def _proxy_configured() -> bool:
    """An HTTP(S) proxy in the environment: only the stock transport goes through it (httpx
    ignores environment proxies once a transport is passed), so it is used instead."""
    names = {name.lower() for name, value in os.environ.items() if value}
    return any(variable in names for variable in _PROXY_VARIABLES)
