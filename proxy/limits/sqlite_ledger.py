"""A ledger in a SQLite file: one truth for several processes on ONE machine without Redis.

The embedded default runs two processes (the web server and the Celery worker, see
`scripts/serve`); an in-process ledger would give each its own books. This one keeps them in
`var/limits.sqlite3` (its own file, so it never contends with the main database). Every reserve and
settle is one `BEGIN IMMEDIATE` transaction — SQLite's write lock makes "read all, then add all"
atomic across threads and processes. WAL without fsync per commit: counters are not precious
(a power cut loses a few seconds of counting, never correctness of the next decisions).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS inflight (
    scope TEXT NOT NULL, member TEXT NOT NULL, started REAL NOT NULL, PRIMARY KEY (scope, member)
);
CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY, expires REAL NOT NULL);
"""
SWEEP_EVERY = 1024


class SqliteLedger:
    def __init__(
        self,
        *,
        path: str | Path,
        clock: Callable[[], float] = time.time,
        stale_after_seconds: int = 900,
        reservation_ttl_seconds: int = 86400,
    ) -> None:
        self._path = str(path)
        self._clock = clock
        self._stale_after = stale_after_seconds
        self._reservation_ttl = reservation_ttl_seconds
        self._local = threading.local()  # sqlite3 connections are per thread
        self._operations = 0
        self._connection().executescript(SCHEMA)

    async def reserve(self, *, checks: Sequence[LimitCheck], request_id: str) -> Reservation:
        return self.reserve_sync(checks=checks, request_id=request_id)

    async def settle(self, reservation: Reservation, *, tokens: int, cost_units: int) -> None:
        self.settle_sync(reservation, tokens=tokens, cost_units=cost_units)

    async def snapshot(self, *, checks: Sequence[LimitCheck]) -> list[LimitStatus]:
        return self.snapshot_sync(checks=checks)

    def snapshot_sync(self, *, checks: Sequence[LimitCheck]) -> list[LimitStatus]:
        plan = plan_for(checks, self._clock())
        with self._transaction() as db:
            return list(statuses_for(plan, self._read(db, plan)))

    def reserve_sync(self, *, checks: Sequence[LimitCheck], request_id: str) -> Reservation:
        reservation_id = new_reservation_id(request_id)
        plan = plan_for(checks, self._clock())
        with self._transaction() as db:
            used = self._read(db, plan)
            refusal = refusal_for(plan, used)
            if refusal is not None:
                raise refusal  # rolls back: nothing was written anyway
            for i, check in enumerate(plan.checks):
                self._add(db, plan, i, check, reservation_id)
            db.execute(
                "INSERT INTO pending VALUES (?, ?)", (reservation_id, plan.now + self._reservation_ttl)
            )
            self._maybe_sweep(db, plan.now)
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
        now = self._clock()
        with self._transaction() as db:
            gone = db.execute(
                "DELETE FROM pending WHERE id = ? AND expires > ?", (reservation.reservation_id, now)
            )
            reservation.settled = True
            if gone.rowcount == 0:
                return  # settled before (maybe by another process), or long forgotten
            for check, window_id, delta in zip(reservation.checks, reservation.windows, deltas, strict=True):
                self._adjust(db, check, window_id, delta, reservation.reservation_id, now)

    # --- internals (inside a transaction) --------------------------------------------------------

    def _read(self, db: sqlite3.Connection, plan: Plan) -> list[int]:
        used = []
        for check, window_id in zip(plan.checks, plan.window_ids, strict=True):
            if check.kind.is_concurrency:
                row = db.execute(
                    "SELECT COUNT(*) FROM inflight WHERE scope = ? AND started > ?",
                    (check.scope, plan.now - self._stale_after),
                ).fetchone()
            else:
                row = db.execute(
                    "SELECT value FROM counters WHERE key = ? AND expires > ?",
                    (counter_key(check, window_id), plan.now),
                ).fetchone()
            used.append(int(row[0]) if row else 0)
        return used

    def _add(
        self, db: sqlite3.Connection, plan: Plan, i: int, check: LimitCheck, reservation_id: str
    ) -> None:
        if check.kind.is_concurrency:
            db.execute("INSERT INTO inflight VALUES (?, ?, ?)", (check.scope, reservation_id, plan.now))
            return
        window = plan.windows[i]
        assert window is not None  # every non-concurrency kind is windowed
        expires = plan.now + window.ttl_seconds(plan.now)
        # An expired row from a previous window of the same id cannot exist (ids are unique per
        # window), but a row past its expiry is reset rather than added to, like a Redis TTL.
        db.execute(
            "INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
            "value = CASE WHEN expires > ? THEN value + excluded.value ELSE excluded.value END, "
            "expires = excluded.expires",
            (counter_key(check, plan.window_ids[i]), check.amount, expires, plan.now),
        )

    def _adjust(
        self, db: sqlite3.Connection, check: LimitCheck, window_id: str, delta: int, member: str, now: float
    ) -> None:
        if check.kind.is_concurrency:
            db.execute("DELETE FROM inflight WHERE scope = ? AND member = ?", (check.scope, member))
        elif delta:
            db.execute(
                "UPDATE counters SET value = MAX(0, value + ?) WHERE key = ? AND expires > ?",
                (delta, counter_key(check, window_id), now),
            )

    def _maybe_sweep(self, db: sqlite3.Connection, now: float) -> None:
        self._operations += 1
        if self._operations % SWEEP_EVERY:
            return
        db.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        db.execute("DELETE FROM pending WHERE expires <= ?", (now,))
        db.execute("DELETE FROM inflight WHERE started <= ?", (now - self._stale_after,))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self._path, isolation_level=None, timeout=10, check_same_thread=True)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            self._local.db = db
        return db
