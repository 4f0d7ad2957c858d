"""Calendar windows in UTC. A window is named by its start (`202611212024` is the minute
20:24 on 2026-11-21) and ends — resets — at the next boundary of its unit. Counters are keyed by
that name, so every instance agrees on the window without any coordination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from proxy.limits.types import LimitKind

# Counters outlive their window a little, so a settle that arrives just after the boundary
# still finds the counter it reserved in (and clocks a second apart agree on the key).
TTL_GRACE_SECONDS = 120

_UNIT_BY_KIND = {
    LimitKind.REQUESTS_PER_MINUTE: "minute",
    LimitKind.REQUESTS_PER_HOUR: "hour",
    LimitKind.REQUESTS_PER_DAY: "day",
    LimitKind.TOKENS_PER_DAY: "day",
    LimitKind.TOKENS_PER_MONTH: "month",
    LimitKind.USD_PER_DAY: "day",
    LimitKind.USD_PER_MONTH: "month",
}
_ID_FORMAT = {"minute": "%Y%m%d%H%M", "hour": "%Y%m%d%H", "day": "%Y%m%d", "month": "%Y%m"}


@dataclass(frozen=True, slots=True)
class Window:
    id: str
    start: datetime
    reset_at: datetime
    start_ts: float
    reset_ts: float

    def ttl_seconds(self, now: float) -> int:
        """How long a counter for this window must live (until reset, plus grace)."""
        return max(1, int(self.reset_ts - now)) + TTL_GRACE_SECONDS


def window_unit(kind: LimitKind) -> str | None:
    """`minute`, `hour`, `day`, `month`, or None for concurrency (not windowed)."""
    return _UNIT_BY_KIND.get(kind)


def window_start(unit: str, moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    if unit == "minute":
        return moment.replace(second=0, microsecond=0)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    raise ValueError(f"Unknown window unit {unit!r}.")


def next_boundary(unit: str, start: datetime) -> datetime:
    """The start of the window after the one beginning at `start`."""
    if unit == "month":
        year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        return start.replace(year=year, month=month)
    steps = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
    return start + steps[unit]


def window_for(kind: LimitKind, now: float) -> Window | None:
    """The window `kind` counts in at Unix time `now`; None for concurrency."""
    unit = window_unit(kind)
    if unit is None:
        return None
    # Every request asks for the same few windows: reuse the last one while `now` is inside it
    # (a plain dict read; a racing thread at worst recomputes the same value).
    cached = _current.get(unit)
    if cached is not None and cached.start_ts <= now < cached.reset_ts:
        return cached
    window = _compute(unit, now)
    _current[unit] = window
    return window


def _compute(unit: str, now: float) -> Window:
    start = window_start(unit, datetime.fromtimestamp(now, tz=UTC))
    reset_at = next_boundary(unit, start)
    return Window(
        id=start.strftime(_ID_FORMAT[unit]),
        start=start,
        reset_at=reset_at,
        start_ts=start.timestamp(),
        reset_ts=reset_at.timestamp(),
    )


_current: dict[str, Window] = {}
