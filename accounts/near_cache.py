"""A process-local copy of auth records in front of the shared (Redis) cache.

Why: every gateway request resolves its credential. From Redis that is a GET plus unpickling a
user and a token model: ~0.15 ms of CPU and wall time per request (measured), on the event
loop. From this dict it is a lookup.

Why it is still correct ("a revoked token is refused at once, in every process"): every change
that deletes an auth entry from the shared cache also publishes the keys on a Redis pub/sub
channel, and every process that serves from its near copy holds a subscription to it. Before a
local hit is served, the messages already delivered to that subscription are read (a
non-blocking read of one socket, ~4 µs), so an invalidation published before a request arrived
is applied before that request is answered. Redis 7.0 has client-side caching (CLIENT
TRACKING), but redis-py 8 exposes it for RESP3 connections only and Django's cache backend
speaks RESP2, so the invalidation is published explicitly.

What makes it fall back to the shared cache (never to a stale answer):
- no subscription yet, or it failed: entries are served only after the subscription is
  confirmed, and all entries are dropped whenever it is (re)established or breaks, since
  messages may have been missed meanwhile;
- a silent connection (no answer to a PING within `LIVENESS_SECONDS`, 1.5 s): reset as if
  broken. That is the one bound on "at once": a subscription that died without a reset (a
  network partition) can serve its copies for up to 1.5 s after it last heard from Redis;
- a race between a read from Redis and an invalidation: `put` stores only if no invalidation
  was applied since the caller's `generation()` (taken before it read the shared cache).

Off without Redis (the embedded default caches in process memory already) and with
`PRINCIPAL_NEAR_CACHE=false`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
from collections.abc import Iterable

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.connection import parse_url
from redis.retry import Retry

logger = logging.getLogger("guardflow.accounts")

PING_EVERY_SECONDS = 0.5
LIVENESS_SECONDS = 1.5  # the longest a silently dead subscription can go on serving local copies
RECONNECT_EVERY_SECONDS = 1.0
MAX_ENTRIES = 10_000  # one per active credential (a user and a token row each)
KEYS_PER_MESSAGE = 100  # small messages: a subscriber reads each in one go


class NearCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, object]] = {}
        self._generation = 0
        self._pid = os.getpid()
        self._pubsub: redis.client.PubSub | None = None
        self._subscriber: redis.Redis | None = None
        self._poll: select.poll | None = None
        self._publisher: redis.Redis | None = None
        self._subscribed = False  # the subscription is confirmed: entries may be served
        self._heard_at = 0.0  # last time anything came in on the subscription
        self._pinged_at = 0.0
        self._ping_outstanding = False
        self._connect_after = 0.0
        self._subscribe_failing = False

    # --- what callers use --------------------------------------------------------------------

    @staticmethod
    def enabled() -> bool:
        return bool(settings.REDIS_URL) and settings.PRINCIPAL_NEAR_CACHE

    def generation(self) -> int:
        return self._generation

    def get(self, key: str) -> object | None:
        if not self.enabled():
            return None
        with self._lock:
            if not self._listen():
                return None
            entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, value: object, *, ttl: float, generation: int) -> None:
        """Keep `value` unless an invalidation was applied since `generation` was read."""
        if not self.enabled():
            return
        with self._lock:
            if not self._subscribed or generation != self._generation:
                return
            now = time.monotonic()
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {k: e for k, e in self._entries.items() if e[0] >= now}
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
            self._entries[key] = (now + ttl, value)

    def invalidate(self, keys: Iterable[str]) -> None:
        """Drop `keys` here and in every other process (after they were deleted from the cache).

        Published whenever there is Redis, even where `PRINCIPAL_NEAR_CACHE` is off: the process
        that revokes (an admin host, a Celery worker, a shell) may not serve near copies itself
        while the gateway's processes do."""
        keys = list(keys)
        if not keys:
            return
        with self._lock:
            self._forget(keys)
        if not settings.REDIS_URL:
            return
        try:
            publisher = self._publisher_client()
            for start in range(0, len(keys), KEYS_PER_MESSAGE):
                publisher.publish(self._channel(), "\n".join(keys[start : start + KEYS_PER_MESSAGE]))
            # Redis writes the PUBLISH reply and the subscribers' copies in the same pass, in no
            # set order; a second round trip returns only once that pass is over, so when this
            # returns every subscriber's socket on this host holds the message (a subscriber on
            # another host, within one network hop) and its next lookup applies it.
            publisher.ping()
        except (redis.RedisError, OSError) as exc:
            # Raising here would fail the save (or skip the other on_commit callbacks) after the
            # change was committed. The shared-cache entries are already deleted; a process that
            # missed the message still holds its copy for at most its near TTL.
            logger.error("auth near cache: could not publish an invalidation (%s)", type(exc).__name__)

    def clear(self) -> None:
        with self._lock:
            self._forget_all()

    # --- the subscription --------------------------------------------------------------------

    @staticmethod
    def _channel() -> str:
        # Pub/sub channels are global to a Redis server; the database and key prefix keep two
        # installations on one server apart.
        # Only the database number from the URL: never its password.
        database = parse_url(settings.REDIS_URL).get("db", 0)
        return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{database}:auth-invalidate"

    def _publisher_client(self) -> redis.Redis:
        self._after_fork_check()
        if self._publisher is None:
            self._publisher = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2
            )
        return self._publisher

    def _forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._entries.pop(key, None)
        self._generation += 1

    def _forget_all(self) -> None:
        """Drop every entry; a `put` racing with this (older generation) is refused."""
        self._entries.clear()
        self._generation += 1

    def _drop_subscription(self, why: str) -> None:
        if self._subscribed:
            logger.warning("auth near cache: subscription lost (%s); serving from the shared cache", why)
        if self._pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                self._pubsub.close()
        self._pubsub, self._subscriber, self._subscribed = None, None, False
        self._forget_all()
        self._connect_after = time.monotonic() + RECONNECT_EVERY_SECONDS

    def _after_fork_check(self) -> None:
        if self._pid != os.getpid():  # a forked child must not share the parent's sockets
            self._pid = os.getpid()
            self._pubsub, self._subscriber, self._publisher, self._subscribed = None, None, None, False
            self._forget_all()

    def _listen(self) -> bool:
        """Apply every invalidation already delivered; True if entries may be served. Lock held."""
        self._after_fork_check()
        now = time.monotonic()
        if self._pubsub is None:
            if now < self._connect_after:
                return False
            self._connect_after = now + RECONNECT_EVERY_SECONDS
            try:
                # No silent reconnects inside redis-py: a reconnect may have missed messages,
                # so it must go through _drop_subscription.
                client = redis.Redis.from_url(
                    settings.REDIS_URL,
                    socket_timeout=5,
                    socket_connect_timeout=0.5,
                    retry=Retry(NoBackoff(), 0),
                )
                self._subscriber = client  # dropping the client would close its pool's sockets
                self._pubsub = client.pubsub()
                self._pubsub.subscribe(self._channel())
                # redis-py's own non-blocking read costs ~30 Python calls; one poll() tells
                # whether there is anything to read at all. Whatever redis-py already read off
                # the socket is parsed out by the draining loop below, so nothing waits unseen.
                self._poll = select.poll()
                self._poll.register(self._pubsub.connection._sock, select.POLLIN)
            except (redis.RedisError, OSError) as exc:
                if not self._subscribe_failing:  # once per outage, not once a second
                    logger.warning("auth near cache: cannot subscribe (%s)", type(exc).__name__)
                self._drop_subscription(type(exc).__name__)
                self._subscribe_failing = True
                return False
            self._subscribe_failing = False
            self._heard_at = self._pinged_at = now
            self._ping_outstanding = False
        try:
            pending = bool(self._poll.poll(0)) or not self._subscribed
            while pending and (message := self._pubsub.get_message(timeout=0)) is not None:
                self._heard_at = now
                if message["type"] == "pong":
                    self._ping_outstanding = False
                elif message["type"] == "message":
                    self._forget(message["data"].decode(errors="replace").split("\n"))
                elif message["type"] == "subscribe" and not self._subscribed:
                    # Only ever on a new connection (redis-py's retries are off, so it never
                    # resubscribes behind our back): start from no entries.
                    self._forget_all()
                    self._subscribed = True
            if not self._ping_outstanding and now - self._heard_at >= PING_EVERY_SECONDS:
                self._pubsub.ping()  # sent, not awaited: the PONG is read by a later call
                self._pinged_at, self._ping_outstanding = now, True
        except (redis.RedisError, OSError) as exc:
            self._drop_subscription(type(exc).__name__)
            return False
        if self._ping_outstanding and now - self._pinged_at > LIVENESS_SECONDS:
            self._drop_subscription("no answer to PING")  # a connection that died silently
            return False
        # After a quiet spell nothing proves the connection is alive until the PONG just asked
        # for comes back: until then, the shared cache answers.
        return self._subscribed and now - self._heard_at <= LIVENESS_SECONDS


near_cache = NearCache()
