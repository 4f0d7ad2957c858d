"""What the ledgers share: which window each check counts in, and the fit decision.

The backends only differ in where the counters live and how they make "read all, then add all"
atomic (a lock, or one Lua script); the rule itself lives here once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from proxy.limits.types import LimitCheck, LimitExceeded, LimitStatus, seconds_until
from proxy.limits.windows import Window, window_for


@dataclass(frozen=True, slots=True)
class Plan:
    """The checks of one request pinned to the windows current at `now`."""

    checks: tuple[LimitCheck, ...]
    windows: tuple[Window | None, ...]
    window_ids: tuple[str, ...]  # "" for concurrency
    now: float


def plan_for(checks: Sequence[LimitCheck], now: float) -> Plan:
    seen = {(check.scope, check.kind) for check in checks}
    if len(seen) != len(checks):
        # Two checks on one counter would be counted twice: a caller bug, not a client error.
        raise ValueError("Each (scope, kind) may appear only once in one reservation.")
    windows = tuple(window_for(check.kind, now) for check in checks)
    window_ids = tuple(window.id if window else "" for window in windows)
    return Plan(checks=tuple(checks), windows=windows, window_ids=window_ids, now=now)


def settle_actuals_check(tokens: int, cost_units: int) -> None:
    """Every ledger refuses negative actuals the same way (a caller bug, not a client error)."""
    if tokens < 0 or cost_units < 0:
        raise ValueError("Actual tokens and cost cannot be negative.")


def counter_key(check: LimitCheck, window_id: str) -> str:
    """A counter's key in the in-process and SQLite ledgers (Redis adds its prefix and keeps
    concurrency in a sorted set)."""
    return f"{check.scope}|{check.kind.counter_name}|{window_id}"


def new_reservation_id(request_id: str) -> str:
    """Unique even when a request id repeats (client-chosen ids, retries); bounded in length
    because it becomes part of a Redis key."""
    return f"{request_id[:64]}:{secrets.token_hex(6)}"


def statuses_for(plan: Plan, used: Sequence[int]) -> tuple[LimitStatus, ...]:
    return tuple(
        LimitStatus(
            kind=check.kind,
            scope=check.scope,
            limit=check.limit,
            used=int(count),
            reset_at=window.reset_at if window else None,
        )
        for check, window, count in zip(plan.checks, plan.windows, used, strict=True)
    )


def refusal_for(plan: Plan, used: Sequence[int]) -> LimitExceeded | None:
    """None when the request fits every check; otherwise the refusal for the limit that frees
    up last (retrying before that would only be refused again)."""
    failing = [i for i, check in enumerate(plan.checks) if used[i] + check.amount > check.limit]
    if not failing:
        return None

    def wait(i: int) -> int:
        window = plan.windows[i]
        return seconds_until(window.reset_at if window else None, plan.now)

    worst = max(failing, key=wait)
    window = plan.windows[worst]
    return LimitExceeded(
        check=plan.checks[worst],
        used=int(used[worst]),
        reset_at=window.reset_at if window else None,
        retry_after=wait(worst),
        statuses=statuses_for(plan, used),
    )
