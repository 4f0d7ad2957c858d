"""The shared ledger: Redis, so every gateway instance sees one truth (DESIGN §4).

`reserve` and `settle` are one Lua script each — a single atomic round trip — so concurrent
requests from any number of processes cannot overshoot a limit. Keys (prefix `gf:lim:`):

- `<prefix><scope>:<kind>:<window id>`  counter, TTL = until the window resets + grace (money
  kinds carry their unit: `usd_per_day.e8`, counted in 1e-8 USD);
- `<prefix><scope>:inflight`            sorted set of reservation id -> start time (concurrency);
- `<prefix>res:<reservation id>`        marker of an unsettled reservation (makes settle idempotent).

Window ids are computed here from this host's clock (UTC calendar windows), so hosts must keep
their clocks in sync (NTP); a skew only matters within that many seconds of a boundary.

A redis.asyncio connection pool belongs to the event loop it was created on, so the ledger keeps
one client per running loop (ASGI server loop, `async_to_sync` loops, test loops). The two
scripts run over proxy/limits/resp.py's lean client (one pipelined connection per loop, a
fraction of redis-py's CPU per call), or over redis-py for URLs that client does not handle.

Both scripts are shielded from the caller's cancellation (a client hanging up mid-request): a
reservation made for a caller that is gone is settled at zero as soon as its reply lands.
One request's keys span several scopes, so this needs a single Redis (or a primary with
replicas), not Redis Cluster.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from proxy.limits.core import (
    Plan,
    new_reservation_id,
    plan_for,
    refusal_for,
    settle_actuals_check,
    statuses_for,
)
from proxy.limits.resp import LeanRedis, Script
from proxy.limits.types import LimitCheck, LimitStatus, LimitsUnavailable, Reservation

logger = logging.getLogger("guardflow.limits")

_LUA_DIR = Path(__file__).resolve().parent / "lua"
RESERVE_LUA = (_LUA_DIR / "reserve.lua").read_text()
SETTLE_LUA = (_LUA_DIR / "settle.lua").read_text()
_RESERVE_SCRIPT, _SETTLE_SCRIPT = Script.of(RESERVE_LUA), Script.of(SETTLE_LUA)
# Any Redis failure (unreachable, timeout, OOM, read-only replica, ...) makes the limits unknown:
# the request gets 503 `limits_unavailable` (or runs unlimited when failing open), never a 500.
REDIS_FAILURES = (RedisError, OSError)
INFLIGHT_TTL_GRACE_SECONDS = 60


ScriptCall = Callable[..., Awaitable]  # (keys=..., args=...) -> the script's reply


@dataclass(frozen=True, slots=True)
class _LoopClient:
    client: aioredis.Redis  # redis-py: snapshots, and the scripts when `lean` cannot serve the URL
    lean: LeanRedis | None  # the hot path's client (proxy/limits/resp.py)
    reserve: ScriptCall
    settle: ScriptCall


class RedisLedger:
    def __init__(
        self,
        *,
        url: str,
        prefix: str = "gf:lim:",
        fail_open: bool = False,
        timeout_seconds: float = 1.0,
        clock: Callable[[], float] = time.time,
        stale_after_seconds: int = 900,
        reservation_ttl_seconds: int = 86400,
    ) -> None:
        self._url, self._prefix, self._fail_open = url, prefix, fail_open
        self._timeout = timeout_seconds
        self._clock = clock
        self._stale_after = stale_after_seconds
        self._reservation_ttl = reservation_ttl_seconds
        # A plain dict: each client references its loop, so weak keys would never be released.
        self._clients: dict[asyncio.AbstractEventLoop, _LoopClient] = {}
        self._clients_lock = threading.Lock()
        self._background: set[asyncio.Task] = set()

    # --- the Ledger interface -------------------------------------------------------------------

    async def reserve(self, *, checks: Sequence[LimitCheck], request_id: str) -> Reservation:
        plan = plan_for(checks, self._clock())
        reservation_id = new_reservation_id(request_id)
        # Shielded: a client that disconnects (task cancelled) while the script is in flight must
        # not leave a reservation nobody will settle; `_release_orphan` frees it when it lands.
        call = asyncio.ensure_future(self._run_reserve(plan, reservation_id))
        try:
            reply = await asyncio.shield(call)
        except asyncio.CancelledError:
            self._keep(self._release_orphan(call, plan, reservation_id, request_id))
            raise
        except REDIS_FAILURES as exc:
            return self._unavailable_on_reserve(exc, request_id)
        return self._reservation_from(reply, plan, reservation_id, request_id)

    async def settle(self, reservation: Reservation, *, tokens: int, cost_units: int) -> None:
        """Never raises for an unreachable store: the answer has been served by then. The estimate
        then stays counted (over-, never under-counting) and the slot frees at the stale timeout.
        Shielded, so a cancelled caller still settles."""
        settle_actuals_check(tokens, cost_units)
        if reservation.unlimited or reservation.settled or not _needs_settle(reservation.checks):
            reservation.settled = True
            return
        keys, args = self._settle_keys_args(reservation, tokens=tokens, cost_units=cost_units)
        await asyncio.shield(self._keep(self._run_settle(reservation, keys, args)))

    async def drain(self) -> None:
        """Wait for settles still running in the background (shutdown hooks, tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def snapshot(self, *, checks: Sequence[LimitCheck]) -> list[LimitStatus]:
        plan = plan_for(checks, self._clock())
        try:
            used = await self._read(plan)
        except REDIS_FAILURES as exc:
            logger.warning("limits store failed while reading limits (%s)", type(exc).__name__)
            raise LimitsUnavailable() from None
        return list(statuses_for(plan, used))

    async def aclose(self) -> None:
        """Close this loop's connections (tests, shutdown hooks)."""
        loop_client = self._clients.pop(asyncio.get_running_loop(), None)
        if loop_client is not None:
            await loop_client.client.aclose()
            if loop_client.lean is not None:
                await loop_client.lean.aclose()

    # --- reserve/settle internals ----------------------------------------------------------------

    async def _run_reserve(self, plan: Plan, reservation_id: str) -> list:
        script = self._loop_client().reserve
        return await script(
            keys=self._reserve_keys(plan, reservation_id), args=self._reserve_args(plan, reservation_id)
        )

    def _reservation_from(self, reply: list, plan: Plan, reservation_id: str, request_id: str) -> Reservation:
        fitted, used = int(reply[0]), [int(count) for count in reply[1:]]
        if not fitted:
            refusal = refusal_for(plan, used)
            if refusal is None:  # only if the server and this code disagree; never count silently
                raise LimitsUnavailable("Limits store returned an inconsistent answer.")
            raise refusal
        return Reservation(
            reservation_id=reservation_id,
            request_id=request_id,
            checks=plan.checks,
            windows=plan.window_ids,
            statuses=statuses_for(plan, used),
        )

    async def _release_orphan(
        self, call: asyncio.Future, plan: Plan, reservation_id: str, request_id: str
    ) -> None:
        """The caller of `reserve` is gone; if the reservation was made anyway, settle it at zero
        (like a request that never reached upstream: it still counts as a request)."""
        try:
            reply = await call
            reservation = self._reservation_from(reply, plan, reservation_id, request_id)
        except Exception:  # noqa: BLE001 (refused or unreachable: nothing was reserved)
            return
        await self._run_settle(reservation, *self._settle_keys_args(reservation, tokens=0, cost_units=0))

    async def _run_settle(self, reservation: Reservation, keys: list[str], args: list[str | int]) -> None:
        try:
            await self._loop_client().settle(keys=keys, args=args)
        except REDIS_FAILURES as exc:
            logger.warning(
                "limits store failed while settling (%s); the reservation keeps its estimate",
                type(exc).__name__,
                extra={"reservation_id": reservation.reservation_id},
            )
            return
        reservation.settled = True

    def _keep(self, coro: Coroutine) -> asyncio.Task:
        """Run `coro` as a task that outlives a cancelled caller (the loop only keeps weak refs)."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    # --- keys and arguments ---------------------------------------------------------------------

    def _key(self, check: LimitCheck, window_id: str) -> str:
        if check.kind.is_concurrency:
            return f"{self._prefix}{check.scope}:inflight"
        return f"{self._prefix}{check.scope}:{check.kind.counter_name}:{window_id}"

    def _marker_key(self, reservation_id: str) -> str:
        return f"{self._prefix}res:{reservation_id}"

    def _reserve_keys(self, plan: Plan, reservation_id: str) -> list[str]:
        keys = [self._key(check, wid) for check, wid in zip(plan.checks, plan.window_ids, strict=True)]
        return [*keys, self._marker_key(reservation_id)]

    def _reserve_args(self, plan: Plan, reservation_id: str) -> list[str | int]:
        marker_ttl = self._reservation_ttl if _needs_settle(plan.checks) else 0
        args: list[str | int] = [repr(plan.now), self._stale_after, reservation_id, marker_ttl]
        for check, window in zip(plan.checks, plan.windows, strict=True):
            ttl = window.ttl_seconds(plan.now) if window else self._stale_after + INFLIGHT_TTL_GRACE_SECONDS
            args += ["z" if check.kind.is_concurrency else "c", check.limit, check.amount, ttl]
        return args

    def _settle_keys_args(
        self, reservation: Reservation, *, tokens: int, cost_units: int
    ) -> tuple[list[str], list[str | int]]:
        deltas = reservation.settle_deltas(tokens=tokens, cost_units=cost_units)
        keys: list[str] = []
        args: list[str | int] = [reservation.reservation_id]
        for check, window_id, delta in zip(reservation.checks, reservation.windows, deltas, strict=True):
            if check.kind.is_concurrency or delta:
                keys.append(self._key(check, window_id))
                args += ["z" if check.kind.is_concurrency else "c", delta]
        return [*keys, self._marker_key(reservation.reservation_id)], args

    # --- plumbing -------------------------------------------------------------------------------

    async def _read(self, plan: Plan) -> list[int]:
        """Current figures without reserving: one pipelined round trip, stale in-flight not counted."""
        pipe = self._loop_client().client.pipeline(transaction=False)
        for check, window_id in zip(plan.checks, plan.window_ids, strict=True):
            if check.kind.is_concurrency:
                pipe.zcount(self._key(check, window_id), f"({plan.now - self._stale_after}", "+inf")
            else:
                pipe.get(self._key(check, window_id))
        return [int(value or 0) for value in await pipe.execute()]

    def _unavailable_on_reserve(self, exc: BaseException, request_id: str) -> Reservation:
        # Only the exception class is logged: a connection error's text can carry the address.
        if not self._fail_open:
            logger.warning("limits store failed (%s); refusing the request", type(exc).__name__)
            raise LimitsUnavailable() from None
        logger.warning(
            "limits store failed (%s); LIMITS_FAIL_OPEN is on, so this request runs UNLIMITED",
            type(exc).__name__,
            extra={"request_id": request_id},
        )
        return Reservation.without_limits(request_id)

    def _loop_client(self) -> _LoopClient:
        loop = asyncio.get_running_loop()
        loop_client = self._clients.get(loop)
        if loop_client is None:
            with self._clients_lock:
                # Loops that have been closed (`asyncio.run` in a worker, `async_to_sync` outside
                # a server) can never use their clients again: forget them.
                for closed in [known for known in self._clients if known.is_closed()]:
                    del self._clients[closed]
                loop_client = self._clients.get(loop) or self._connect()
                self._clients[loop] = loop_client
        return loop_client

    def _connect(self) -> _LoopClient:
        client = aioredis.Redis.from_url(
            self._url,
            socket_timeout=self._timeout,
            socket_connect_timeout=self._timeout,
            # One immediate retry covers a pooled connection that Redis closed (restart, idle
            # timeout). Settle is idempotent; a replayed reserve could only over-count.
            retry=Retry(NoBackoff(), 1),
            health_check_interval=30,
        )
        lean = LeanRedis.from_url(self._url, timeout_seconds=self._timeout)
        if lean is None:
            return _LoopClient(
                client=client,
                lean=None,
                reserve=client.register_script(RESERVE_LUA),
                settle=client.register_script(SETTLE_LUA),
            )
        return _LoopClient(
            client=client,
            lean=lean,
            reserve=partial(lean.run_script, _RESERVE_SCRIPT),
            settle=partial(lean.run_script, _SETTLE_SCRIPT),
        )


def _needs_settle(checks: Sequence[LimitCheck]) -> bool:
    """Only quotas (estimate → actual) and concurrency (free the slot) change on settle."""
    return any(check.kind.is_quota or check.kind.is_concurrency for check in checks)
