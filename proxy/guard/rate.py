"""Counting clean gateway requests for the rate-spike anomaly without a round trip each.

Every request feeds the per-user, per-minute request counter behind the rate-spike anomaly
(DESIGN: anomalies against the user's own baseline). Done per request, that was three shared-
cache round trips in a worker thread for every clean request — the largest part of the guard's
cost on the hot path. Here the event loop counts in process memory and folds the counts into
the shared cache at most once per `FOLD_SECONDS`, in one worker-thread job.

What that changes: a spike is seen up to `FOLD_SECONDS` later, and counts not yet folded when a
process stops are lost (at most that long of them). Both only delay or soften an anomaly signal;
nothing that accounts for money or quota goes through here, and requests that add risk points
(flags, blocks, 429s) are still recorded one by one.

Only the server's own event loop (uvicorn runs it in the main thread) batches, with one counter
per loop: the short-lived loops that `async_to_sync` starts in Celery's or Django's worker
threads would close before their fold ran (and a counter shared with them would keep a timer of
a dead loop and grow for ever). Those callers record each request as before.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref

from asgiref.sync import sync_to_async

FOLD_SECONDS = 1.0
logger = logging.getLogger("guardflow.guard")


class RateCounter:
    """Per-process counts of clean requests, {(user_id, minute): [requests, last request id]}."""

    def __init__(self, fold_seconds: float = FOLD_SECONDS) -> None:
        self.fold_seconds = fold_seconds
        self._counts: dict[tuple[int, int], list] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._folding: set[asyncio.Task] = set()

    def count(self, *, user_id: int, minute: int, request_id: str) -> None:
        """Called on the event loop; no I/O. Schedules a fold if none is pending."""
        entry = self._counts.get((user_id, minute))
        if entry is None:
            self._counts[(user_id, minute)] = [1, request_id]
        else:
            entry[0] += 1
            entry[1] = request_id
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.fold_seconds, self._fold_soon)

    def _fold_soon(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self.fold())
        self._folding.add(task)
        task.add_done_callback(self._folding.discard)

    async def fold(self) -> None:
        """Fold what was counted so far (also used by tests and at shutdown)."""
        if not self._counts:
            return
        counts = {key: (entry[0], entry[1]) for key, entry in self._counts.items()}
        self._counts.clear()
        from proxy.guard.services import guard_rate_fold

        try:
            await sync_to_async(guard_rate_fold, thread_sensitive=False)(counts)
        except Exception:
            logger.exception("folding request-rate counts failed")

    def pending(self) -> int:
        return sum(entry[0] for entry in self._counts.values())


_counters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RateCounter] = weakref.WeakKeyDictionary()


def rate_counter_for_this_loop() -> RateCounter | None:
    """The running loop's counter, or None where requests must be recorded one by one (no
    running loop, or a loop outside the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    counter = _counters.get(loop)
    if counter is None:
        counter = _counters[loop] = RateCounter()
    return counter
