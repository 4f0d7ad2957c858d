"""The vocabulary of limits: kinds, checks, statuses, reservations, the two errors, the Ledger protocol.

Every figure is an integer in its own unit: requests, tokens, cost units or concurrent requests.
A cost unit is 10^-8 USD, the precision of a usage record's `cost_usd`, so a settled cost is the
record's cost exactly and the quota views add up to the same figure as the records (micro-dollars,
the unit before, rounded each request down and let small requests through for free). Integers keep
the Redis and in-process ledgers exact and identical.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from guardflow_site.errors import GuardflowError

COST_UNITS_PER_USD = 100_000_000


class LimitKind(StrEnum):
    """One per limit field of `accounts.models.LimitSettings` (same names)."""

    REQUESTS_PER_MINUTE = "requests_per_minute"
    REQUESTS_PER_HOUR = "requests_per_hour"
    REQUESTS_PER_DAY = "requests_per_day"
    TOKENS_PER_DAY = "tokens_per_day"
    TOKENS_PER_MONTH = "tokens_per_month"
    USD_PER_DAY = "usd_per_day"
    USD_PER_MONTH = "usd_per_month"
    MAX_CONCURRENT_REQUESTS = "max_concurrent_requests"

    @property
    def unit(self) -> str:
        return _UNIT_BY_KIND[self]

    @property
    def is_quota(self) -> bool:
        """Token and money limits are quotas (OpenAI `insufficient_quota`); the rest are rates."""
        return self.unit in {"tokens", "cost_units"}

    @property
    def is_concurrency(self) -> bool:
        return self is LimitKind.MAX_CONCURRENT_REQUESTS

    @property
    def counter_name(self) -> str:
        """The kind as it appears in ledger keys. Money counters carry their unit, so counters
        kept in micro-dollars by an earlier version are never read as cost units."""
        return f"{self.value}.e8" if self.unit == "cost_units" else self.value


_UNIT_BY_KIND = {
    LimitKind.REQUESTS_PER_MINUTE: "requests",
    LimitKind.REQUESTS_PER_HOUR: "requests",
    LimitKind.REQUESTS_PER_DAY: "requests",
    LimitKind.TOKENS_PER_DAY: "tokens",
    LimitKind.TOKENS_PER_MONTH: "tokens",
    LimitKind.USD_PER_DAY: "cost_units",
    LimitKind.USD_PER_MONTH: "cost_units",
    LimitKind.MAX_CONCURRENT_REQUESTS: "concurrent_requests",
}


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """One limit that applies to a request: `scope` is who it counts for (`user:42`, `token:7`,
    `user:42:model:gpt-4o`, any string), `limit` the ceiling and `amount` what this request
    reserves against it (1 for requests and concurrency, estimated tokens, estimated cost units)."""

    kind: LimitKind
    scope: str
    limit: int
    amount: int = 1

    def __post_init__(self) -> None:
        if self.limit < 0 or self.amount < 0:
            raise ValueError(f"{self.kind} for {self.scope}: limit and amount must be >= 0.")


@dataclass(frozen=True, slots=True)
class LimitStatus:
    """Where one limit stands: what `/rate-limit` and `/user/quota` show."""

    kind: LimitKind
    scope: str
    limit: int
    used: int
    reset_at: datetime | None  # None for concurrency: slots free up when requests end

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def as_dict(self) -> dict:
        """JSON-ready; money is shown in USD (the ledger counts cost units)."""
        scale = COST_UNITS_PER_USD if self.kind.unit == "cost_units" else 1
        return {
            "kind": str(self.kind),
            "scope": self.scope,
            "unit": "usd" if scale != 1 else self.kind.unit,
            "limit": _scaled(self.limit, scale),
            "used": _scaled(self.used, scale),
            "remaining": _scaled(self.remaining, scale),
            "reset_at": self.reset_at.isoformat().replace("+00:00", "Z") if self.reset_at else None,
        }


def _scaled(value: int, scale: int) -> int | float:
    return value if scale == 1 else round(value / scale, 8)


@dataclass(slots=True)
class Reservation:
    """What one request holds in the ledger until it is settled. `windows[i]` is the window id
    `checks[i]` was counted in, so settling after a boundary adjusts the window that was charged."""

    reservation_id: str
    request_id: str
    checks: tuple[LimitCheck, ...] = ()
    windows: tuple[str, ...] = ()
    statuses: tuple[LimitStatus, ...] = ()  # after this request was counted
    unlimited: bool = False  # fail-open: nothing was reserved, nothing to settle
    settled: bool = field(default=False, compare=False)

    @classmethod
    def without_limits(cls, request_id: str) -> Reservation:
        return cls(reservation_id=f"{request_id}:unlimited", request_id=request_id, unlimited=True)

    def settle_deltas(self, *, tokens: int, cost_units: int) -> list[int]:
        """Per check: how far the counter moves when the real figures replace the estimates."""
        actual = {"tokens": tokens, "cost_units": cost_units}
        return [actual[check.kind.unit] - check.amount if check.kind.is_quota else 0 for check in self.checks]


class LimitExceeded(GuardflowError):
    """A request does not fit a limit; nothing was counted. Rendered as 429 by the error handlers,
    with `Retry-After` and the `X-RateLimit-*` headers of the tightest request-rate limit."""

    status_code = 429
    default_code = "rate_limit_exceeded"

    def __init__(
        self,
        *,
        check: LimitCheck,
        used: int,
        reset_at: datetime | None,
        retry_after: int,
        statuses: Sequence[LimitStatus] = (),
    ) -> None:
        from proxy.limits.headers import rate_limit_headers

        self.kind, self.scope, self.limit = check.kind, check.scope, check.limit
        self.requested, self.used = check.amount, used
        self.reset_at, self.retry_after = reset_at, max(1, int(retry_after))
        self.statuses = tuple(statuses)
        self.is_quota = check.kind.is_quota
        headers = {"Retry-After": str(self.retry_after), **rate_limit_headers(self.statuses)}
        super().__init__(
            _refusal_message(check, used, self.retry_after),
            code="insufficient_quota" if self.is_quota else "rate_limit_exceeded",
            status=429,
            headers=headers,
            error_type="insufficient_quota" if self.is_quota else "rate_limit_error",
        )


def _refusal_message(check: LimitCheck, used: int, retry_after: int) -> str:
    what = "Quota exceeded" if check.kind.is_quota else "Rate limit exceeded"
    if check.kind.is_concurrency:
        detail = f"{used} of {check.limit} concurrent requests already running"
    elif check.kind.unit == "cost_units":
        detail = (
            f"used ${_usd(used)} of ${_usd(check.limit)}, this request may cost up to ${_usd(check.amount)}"
        )
    elif check.kind.unit == "tokens":
        detail = f"used {used} of {check.limit} tokens, this request may use up to {check.amount}"
    else:
        detail = f"{used} of {check.limit} requests used"
    return f"{what}: {check.kind} for {check.scope} ({detail}). Retry after {retry_after} s."


def _usd(units: int) -> str:
    """Cost units as a dollar figure with the digits that matter: 0.0001, 1.50, 0.00000645."""
    text = f"{units / COST_UNITS_PER_USD:.8f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"


class LimitsUnavailable(GuardflowError):
    """The shared ledger (Redis) cannot be reached; the gateway fails closed with 503."""

    status_code = 503
    default_code = "limits_unavailable"
    default_detail = "Limits cannot be checked right now (the limits store is unreachable). Retry shortly."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, code="limits_unavailable", status=503, headers={"Retry-After": "5"})


def seconds_until(reset_at: datetime | None, now: float) -> int:
    """Whole seconds until `reset_at` (at least 1: `Retry-After: 0` invites a hot loop)."""
    if reset_at is None:
        return 1
    return max(1, math.ceil(reset_at.timestamp() - now))


@runtime_checkable
class Ledger(Protocol):
    """One interface, two backends: `MemoryLedger` (in-process) and `RedisLedger` (shared)."""

    async def reserve(self, *, checks: Sequence[LimitCheck], request_id: str) -> Reservation: ...

    async def settle(self, reservation: Reservation, *, tokens: int, cost_units: int) -> None: ...

    async def snapshot(self, *, checks: Sequence[LimitCheck]) -> list[LimitStatus]: ...
