"""A lean, pipelined RESP2 client for the ledger's hot path: running its two Lua scripts.

Why not redis-py's asyncio client there: on the gateway benchmark (py-spy, one worker, one
connection) a reserve plus a settle through it cost ~0.7 ms of event-loop CPU per request —
connection-pool checkout, the retry wrapper, command packing, an asyncio StreamReader — about a
sixth of the whole request. This client does one thing: write a command on the event loop's one
connection to Redis and hand each reply to the caller that is next in line (Redis answers a
connection's commands strictly in order, which is what makes pipelining safe). Replies are
parsed by hiredis, the C parser redis-py itself uses. Everything else the ledger does with Redis
(the limits snapshot, tests, admin tools) keeps using redis-py.

Behaviour kept from the redis-py setup it replaces:
- connect and command timeouts (the ledger's `timeout_seconds`); a command that times out
  drops the connection (unsent bytes included), so every caller waiting on it fails at once
  instead of in turn, and the next call connects afresh. Worst case for one call: a connect
  and a command timeout, twice (the retry below);
- one immediate retry when the connection was lost (Redis restarted, an idle connection was
  closed): settle is idempotent, and a replayed reserve can only over-count, never under-count;
- AUTH (user and password) and SELECT from the URL, never logged, never in an error text;
- EVALSHA first, EVAL when the server does not have the script (after a restart or a
  SCRIPT FLUSH), which also loads it again.

URLs this client does not handle (TLS `rediss://`, query options other than `db`) return None
from `LeanRedis.from_url`, and the ledger uses redis-py for them.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from dataclasses import dataclass

import hiredis
from redis.connection import UnixDomainSocketConnection, parse_url
from redis.exceptions import AuthenticationError, ConnectionError, ResponseError


class StuckConnection(ConnectionError):
    """The connection was closed because a command on it timed out: not worth a retry."""


class ClientClosed(ConnectionError):
    """`aclose()` was called: no more commands, no retry."""


_LOST = "Connection to Redis was lost."
_URL_KEYS = {"username", "password", "host", "port", "db", "path", "connection_class"}


@dataclass(frozen=True, slots=True)
class Script:
    source: bytes
    sha: bytes

    @classmethod
    def of(cls, source: str) -> Script:
        encoded = source.encode()
        return cls(source=encoded, sha=hashlib.sha1(encoded).hexdigest().encode())  # noqa: S324 (Redis's script id)


def encode_command(args: tuple) -> bytes:
    """One RESP array of bulk strings (ints and floats as redis-py sends them)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, bytes):
            data = arg
        elif isinstance(arg, str):
            data = arg.encode()
        elif isinstance(arg, int | float):
            data = repr(arg).encode()
        else:
            raise TypeError(f"Cannot send a {type(arg).__name__} to Redis.")
        parts.append(b"$%d\r\n%b\r\n" % (len(data), data))
    return b"".join(parts)


class _Connection(asyncio.Protocol):
    """One socket; the futures of the commands written on it, in the order they were written."""

    def __init__(self) -> None:
        self._reader = hiredis.Reader()
        self._waiting: deque[asyncio.Future] = deque()
        self._transport: asyncio.Transport | None = None
        # What the waiters fail with when it goes: a new exception each (one instance raised in
        # several tasks would collect all their tracebacks).
        self._failure: tuple[type[ConnectionError], str] = (ConnectionError, _LOST)
        self.lost = False

    def connection_made(self, transport) -> None:
        self._transport = transport

    def eof_received(self) -> None:
        # Redis closed it (restart, CLIENT KILL, idle timeout): hand it out no more from now,
        # not from connection_lost one loop turn later. Returning None closes the transport.
        self.lost = True

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        try:
            while (reply := self._reader.gets()) is not False:
                waiter = self._waiting.popleft()
                if not waiter.done():  # its caller timed out or was cancelled: drop the reply
                    waiter.set_result(reply)
        except (hiredis.ProtocolError, IndexError):  # garbage, or a reply nobody asked for
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                kind, message = self._failure
                waiter.set_exception(kind(message))

    def send(self, payload: bytes, replies: int = 1) -> list[asyncio.Future]:
        if not self.usable():
            raise ConnectionError(_LOST)
        loop = asyncio.get_running_loop()
        waiters = [loop.create_future() for _ in range(replies)]
        self._waiting.extend(waiters)
        self._transport.write(payload)
        return waiters

    def usable(self) -> bool:
        return not self.lost and self._transport is not None and not self._transport.is_closing()

    def close(self, failure: type[ConnectionError] | None = None, message: str = _LOST) -> None:
        if failure is not None:
            self._failure = (failure, message)
        self.lost = True
        if self._transport is not None:
            # abort, not close: close would first wait to flush unsent commands to a server that
            # may not be reading. connection_lost then fails what is still waiting.
            self._transport.abort()


class LeanRedis:
    """One connection per instance; use one instance per event loop."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 6379,
        path: str | None = None,
        username: str | None = None,
        password: str | None = None,
        db: int = 0,
        timeout_seconds: float = 1.0,
    ) -> None:
        self._host, self._port, self._path = host, port, path
        self._username, self._password, self._db = username, password, db
        self._timeout = timeout_seconds
        self._connection: _Connection | None = None
        self._connecting: asyncio.Future[_Connection] | None = None
        self._closed = False

    @classmethod
    def from_url(cls, url: str, *, timeout_seconds: float) -> LeanRedis | None:
        options = parse_url(url)
        connection_class = options.pop("connection_class", None)
        if set(options) - _URL_KEYS or connection_class not in (None, UnixDomainSocketConnection):
            return None  # TLS or connection options this client does not implement
        return cls(**options, timeout_seconds=timeout_seconds)

    async def run_script(self, script: Script, *, keys: list[str], args: list) -> object:
        """EVALSHA, or EVAL when the server does not know the script yet."""
        try:
            return await self.execute(b"EVALSHA", script.sha, len(keys), *keys, *args)
        except ResponseError as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
        return await self.execute(b"EVAL", script.source, len(keys), *keys, *args)

    async def execute(self, *args) -> object:
        payload = encode_command(args)
        try:
            return await self._send(payload)
        except (StuckConnection, ClientClosed, AuthenticationError):  # a retry would fail the same way
            raise
        except ConnectionError:
            return await self._send(payload)  # once: the connection may just have been closed

    async def aclose(self) -> None:
        """Close the connection; calls still in flight fail, later ones are refused."""
        self._closed = True  # a connect still running closes what it opened (see _connect)
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def _send(self, payload: bytes) -> object:
        connection = await self._connected()
        (waiter,) = connection.send(payload)
        try:
            async with asyncio.timeout(self._timeout):
                reply = await waiter
        except TimeoutError:
            # A stuck connection: fail everyone waiting on it now, without a retry each.
            connection.close(StuckConnection, "A command to Redis timed out.")
            raise
        if isinstance(reply, hiredis.ReplyError):
            raise ResponseError(str(reply))
        return reply

    async def _connected(self) -> _Connection:
        if self._closed:
            raise ClientClosed("The Redis client was closed.")
        if self._connection is not None and self._connection.usable():
            return self._connection
        if self._connecting is None or self._connecting.done():  # the first caller connects;
            self._connecting = asyncio.ensure_future(self._connect())  # the others wait for it
        connecting = self._connecting
        return await asyncio.shield(connecting)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self._timeout):
            if self._path:
                _, connection = await loop.create_unix_connection(_Connection, self._path)
            else:
                _, connection = await loop.create_connection(_Connection, self._host, self._port)
            try:
                await self._handshake(connection)
            except BaseException:
                connection.close()
                raise
        if self._closed:  # aclose() ran while this connected
            connection.close()
            raise ClientClosed("The Redis client was closed.")
        self._connection = connection
        return connection

    async def _handshake(self, connection: _Connection) -> None:
        commands: list[tuple] = []
        if self._password:
            auth = (self._username, self._password) if self._username else (self._password,)
            commands.append((b"AUTH", *auth))
        if self._db:
            commands.append((b"SELECT", self._db))
        if not commands:
            return
        waiters = connection.send(b"".join(encode_command(command) for command in commands), len(commands))
        for command, reply in zip(commands, await asyncio.gather(*waiters), strict=True):
            if isinstance(reply, hiredis.ReplyError):
                # The server's own words ("WRONGPASS …", "DB index is out of range"): no secret.
                error = AuthenticationError if command[0] == b"AUTH" else ResponseError
                raise error(str(reply))
