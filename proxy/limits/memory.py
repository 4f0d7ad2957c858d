"""The in-process ledger: the embedded default (one server process, no Redis).

Every operation runs entirely under one `threading.Lock` and never awaits while holding it, so it
is atomic for coroutines on any event loop and for threads (sync code reaches it through
`async_to_sync`). Counters carry their own expiry, like the Redis keys, and are swept now and
then so memory stays bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from proxy.limits.core import (
    Plan,
    counter_key,
    new_reservation_id,
    plan_for,
    refusal_for,
    settle_actuals_check,
    statuses_for,
)
from proxy.limits.types import LimitCheck, LimitStatus, Reservation

SWEEP_EVERY = 1024  # operations between sweeps of expired counters


class MemoryLedger:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        stale_after_seconds: int = 900,
        reservation_ttl_seconds: int = 86400,
    ) -> None:
        self._clock = clock
        self._stale_after = stale_after_seconds
        self._reservation_ttl = reservation_ttl_seconds
        self._lock = threading.Lock()
        self._counters: dict[str, tuple[int, float]] = {}  # key -> (value, expires at)
        self._inflight: dict[str, dict[str, float]] = {}  # scope key -> {reservation id: started at}
        self._pending: dict[str, float] = {}  # unsettled reservation id -> expires at
        self._operations = 0

    async def reserve(self, *, checks: Sequence[LimitCheck], request_id: str) -> Reservation:
        return self.reserve_sync(checks=checks, request_id=request_id)

    async def settle(self, reservation: Reservation, *, tokens: int, cost_units: int) -> None:
        self.settle_sync(reservation, tokens=tokens, cost_units=cost_units)

    async def snapshot(self, *, checks: Sequence[LimitCheck]) -> list[LimitStatus]:
        return self.snapshot_sync(checks=checks)

    def reserve_sync(self, *, checks: Sequence[LimitCheck], request_id: str) -> Reservation:
        reservation_id = new_reservation_id(request_id)
        with self._lock:
            plan = plan_for(checks, self._clock())
            used = self._read(plan)
            refusal = refusal_for(plan, used)
            if refusal is not None:
                raise refusal
            for i, check in enumerate(plan.checks):
                self._add(plan, i, check, reservation_id)
            self._pending[reservation_id] = plan.now + self._reservation_ttl
            self._maybe_sweep(plan.now)
        after = [count + check.amount for count, check in zip(used, plan.checks, strict=True)]
        return Reservation(
            reservation_id=reservation_id,
            request_id=request_id,
            checks=plan.checks,
            windows=plan.window_ids,
            statuses=statuses_for(plan, after),
        )

    def settle_sync(self, reservation: Reservation, *, tokens: int, cost_units: int) -> None:
        settle_actuals_check(tokens, cost_units)
        if reservation.unlimited or reservation.settled:
            return
        deltas = reservation.settle_deltas(tokens=tokens, cost_units=cost_units)
        with self._lock:
            expires = self._pending.pop(reservation.reservation_id, None)
            reservation.settled = True
            if expires is None or expires <= self._clock():
                return  # settled before (maybe through a copy of this object), or long forgotten
            for check, window_id, delta in zip(reservation.checks, reservation.windows, deltas, strict=True):
                self._adjust(check, window_id, delta, reservation.reservation_id)

    def snapshot_sync(self, *, checks: Sequence[LimitCheck]) -> list[LimitStatus]:
        with self._lock:
            plan = plan_for(checks, self._clock())
            return list(statuses_for(plan, self._read(plan)))

    # --- internals (caller holds the lock) ------------------------------------------------------

    def _read(self, plan: Plan) -> list[int]:
        used = []
        for check, window_id in zip(plan.checks, plan.window_ids, strict=True):
            if check.kind.is_concurrency:
                used.append(len(self._live_inflight(check.scope, plan.now)))
            else:
                used.append(self._counter(counter_key(check, window_id), plan.now))
        return used

    def _add(self, plan: Plan, i: int, check: LimitCheck, reservation_id: str) -> None:
        if check.kind.is_concurrency:
            self._inflight.setdefault(check.scope, {})[reservation_id] = plan.now
            return
        key = counter_key(check, plan.window_ids[i])
        window = plan.windows[i]
        assert window is not None  # every non-concurrency kind is windowed
        value = self._counter(key, plan.now)
        self._counters[key] = (value + check.amount, plan.now + window.ttl_seconds(plan.now))

    def _adjust(self, check: LimitCheck, window_id: str, delta: int, reservation_id: str) -> None:
        if check.kind.is_concurrency:
            self._inflight.get(check.scope, {}).pop(reservation_id, None)
            return
        key = counter_key(check, window_id)
        entry = self._counters.get(key)
        if delta and entry is not None and entry[1] > self._clock():
            self._counters[key] = (max(0, entry[0] + delta), entry[1])

    def _counter(self, key: str, now: float) -> int:
        entry = self._counters.get(key)
        if entry is None or entry[1] <= now:
            return 0
        return entry[0]

    def _live_inflight(self, scope: str, now: float) -> dict[str, float]:
        """In-flight entries of `scope`, minus those older than the stale timeout (a process that
        died mid-request never settles; its slot must come back by itself)."""
        entries = self._inflight.get(scope, {})
        for member in [m for m, started in entries.items() if started <= now - self._stale_after]:
            del entries[member]
        return entries

    def _maybe_sweep(self, now: float) -> None:
        self._operations += 1
        if self._operations % SWEEP_EVERY:
            return
        self._counters = {k: v for k, v in self._counters.items() if v[1] > now}
        self._pending = {k: v for k, v in self._pending.items() if v > now}
        for scope in list(self._inflight):
            if not self._live_inflight(scope, now):
                del self._inflight[scope]
