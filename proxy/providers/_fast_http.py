"""A lean HTTP/1.1 client for OpenAI-wire upstreams: the opt-in `options["transport"] = "fast"`.

Why: measured on the 2-core box, one non-streamed call through `openai.AsyncOpenAI` costs about
2 ms of CPU (SDK request building and parsing plus httpx2/httpcore2/anyio), a bare httpx2 post
about 1 ms, and a raw keep-alive exchange about 0.1 ms. For a gateway whose whole added latency
budget is ~2 ms, the SDK path is most of it. This client keeps what matters for a transport —
pooled keep-alive connections per event loop, TLS with the shared context, connect and read
timeouts, chunked and streamed (SSE) bodies via the C `httptools` parser — and nothing else.

One request per connection at a time. A reused idle connection that the server closed in the
meantime fails before any response byte; that case (only) is retried once on a new connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httptools

from proxy.providers._clients import shared_ssl_context

MAX_IDLE_PER_ORIGIN = 64
_READ_SIZE = 65536


class TransportFailure(Exception):
    """The connection failed. `started` tells whether any response byte had arrived."""

    def __init__(self, *, started: bool) -> None:
        super().__init__("connection failed")
        self.started = started


class TransportTimeout(Exception):
    pass


class MalformedResponse(Exception):
    pass


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> tuple[Origin, str]:
        """The origin of `url` and the request target (path and query) to send."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("only absolute http(s) URLs are supported")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(parts.scheme, parts.hostname, port), target


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class _Pool:
    """Idle keep-alive connections of one event loop, per origin."""

    def __init__(self) -> None:
        self.idle: dict[Origin, list[_Connection]] = {}

    def take(self, origin: Origin) -> _Connection | None:
        idle = self.idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    def give_back(self, origin: Origin, connection: _Connection) -> None:
        idle = self.idle.setdefault(origin, [])
        if len(idle) < MAX_IDLE_PER_ORIGIN and connection.usable():
            idle.append(connection)
        else:
            connection.close()


_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pool] = weakref.WeakKeyDictionary()


def _pool() -> _Pool:
    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None:
        pool = _pools[loop] = _Pool()
    return pool


async def _connect(origin: Origin, timeout: float) -> _Connection:
    tls = shared_ssl_context() if origin.scheme == "https" else None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                origin.host, origin.port, ssl=tls, server_hostname=origin.host if tls else None, limit=2**20
            )
    except TimeoutError:
        raise TransportTimeout from None
    except OSError:
        raise TransportFailure(started=False) from None
    return _Connection(reader, writer)


class _State:
    """httptools callbacks: collects status, headers and body pieces."""

    def __init__(self) -> None:
        self.headers: dict[bytes, bytes] = {}
        self.body: deque[bytes] = deque()
        self.headers_done = False
        self.done = False
        self.keep_alive = False
        self.parser: httptools.HttpResponseParser | None = None

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        # Asked here: once the message is complete the parser resets and would answer False.
        self.keep_alive = self.parser is not None and self.parser.should_keep_alive()
        self.done = True


class Response:
    """A response being read. Call `close()` when done (a finished keep-alive one is pooled)."""

    def __init__(self, origin: Origin, connection: _Connection, read_timeout: float) -> None:
        self.origin, self.connection, self.read_timeout = origin, connection, read_timeout
        self.state = _State()
        self.parser = self.state.parser = httptools.HttpResponseParser(self.state)
        self.received = False
        self.closed = False
        self.status = 0

    async def _fill(self) -> None:
        try:
            async with asyncio.timeout(self.read_timeout):
                data = await self.connection.reader.read(_READ_SIZE)
        except TimeoutError:
            raise TransportTimeout from None
        except OSError:
            raise TransportFailure(started=self.received) from None
        if not data:
            if self._ends_at_close():
                self.state.done = True  # the body ran to the end of the connection, as announced
                self.state.keep_alive = False
                return
            raise TransportFailure(started=self.received)
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            raise MalformedResponse from None

    def _ends_at_close(self) -> bool:
        """A response with neither Content-Length nor chunked encoding is delimited by the
        server closing the connection (RFC 9112 §6.3): its end of data is the end of the body."""
        headers = self.state.headers
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        return self.state.headers_done and b"content-length" not in headers and not chunked

    async def start(self) -> None:
        while not self.state.headers_done:
            await self._fill()
        self.status = self.parser.get_status_code()

    async def chunks(self) -> AsyncIterator[bytes]:
        while True:
            while self.state.body:
                yield self.state.body.popleft()
            if self.state.done:
                return
            await self._fill()

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.chunks()])

    def close(self) -> None:
        if self.closed:  # twice would pool one connection twice: two requests on one socket
            return
        self.closed = True
        if self.state.done and self.state.keep_alive:
            with contextlib.suppress(RuntimeError):  # no running loop (finalised late): just close
                _pool().give_back(self.origin, self.connection)
                return
        self.connection.close()


def _request_bytes(origin: Origin, target: str, body: bytes, headers: dict[str, str]) -> bytes:
    host = origin.host if origin.port in (80, 443) else f"{origin.host}:{origin.port}"
    lines = [f"POST {target} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def raw_request_bytes(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    """A request whose headers (Host and Content-Length included) the caller already built."""
    head = b"".join(b"%s: %s\r\n" % (name, value) for name, value in headers)
    return b"%s %s HTTP/1.1\r\n%s\r\n%s" % (method, target, head, body)


async def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Response:
    """Send a POST and read up to the end of the response headers. The caller must `close()` it."""
    origin, target = Origin.of(url)
    return await exchange(origin, _request_bytes(origin, target, body, headers), timeout=timeout)


async def exchange(
    origin: Origin, payload: bytes, *, timeout: float, connect_timeout: float | None = None
) -> Response:
    """Send `payload` (a whole request) and read up to the end of the response headers.
    The caller must `close()` the response."""
    pooled = _pool().take(origin)
    for connection in (pooled, None) if pooled is not None else (None,):
        connection = connection or await _connect(origin, connect_timeout or timeout)
        response = Response(origin, connection, timeout)
        try:
            connection.writer.write(payload)
            await response.start()
        except TransportFailure as failure:
            connection.close()
            if connection is pooled and not failure.started:
                continue  # the idle connection had been closed by the server: once more, fresh
            raise
        except BaseException:
            connection.close()
            raise
        return response
    raise TransportFailure(started=False)  # not reached: the fresh connection either answers or raises
