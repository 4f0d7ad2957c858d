"""Race-free rate limits, token quotas and USD budgets (issue 4 §5, DESIGN §4 "Limits").

The gateway, per request:

    checks = limit_checks_for(principal=p, model_name=m, estimated_tokens=t, estimated_cost_units=c)
    reservation = await get_ledger().reserve(checks=checks, request_id=rid)   # LimitExceeded → 429
    ...call upstream...
    await get_ledger().settle(reservation, tokens=actual_tokens, cost_units=actual_cost)
    response headers: rate_limit_headers(reservation)
    GET /rate-limit, /user/quota: [status.as_dict() for status in await limits_snapshot(principal=p)]

`LimitExceeded` (429) and `LimitsUnavailable` (503) are `GuardflowError`s: raise them and the
error handlers render the OpenAI error shape with the right headers.

Backends (`LIMITS_BACKEND`): `redis` (production: one truth for every instance), `memory` (one
process), `sqlite` (a file shared by the processes of one machine), `auto` = redis when a Redis URL
is set, else memory. Settle in a `finally`: a reservation nobody settles keeps its estimate until
the window ends and its concurrency slot until `LIMITS_INFLIGHT_STALE_SECONDS`.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from proxy.limits.headers import rate_limit_headers, tightest_request_limit
from proxy.limits.memory import MemoryLedger
from proxy.limits.policy import (
    effective_user_limits,
    limit_checks_for,
    token_scope,
    tokens_to_reserve,
    usd_to_cost_units,
    user_model_scope,
    user_scope,
)
from proxy.limits.redis_ledger import RedisLedger
from proxy.limits.sqlite_ledger import SqliteLedger
from proxy.limits.types import (
    COST_UNITS_PER_USD,
    Ledger,
    LimitCheck,
    LimitExceeded,
    LimitKind,
    LimitStatus,
    LimitsUnavailable,
    Reservation,
)

__all__ = [
    "COST_UNITS_PER_USD",
    "Ledger",
    "LimitCheck",
    "LimitExceeded",
    "LimitKind",
    "LimitStatus",
    "LimitsUnavailable",
    "MemoryLedger",
    "RedisLedger",
    "Reservation",
    "SqliteLedger",
    "effective_user_limits",
    "get_ledger",
    "limit_checks_for",
    "limits_snapshot",
    "rate_limit_headers",
    "reset_ledger",
    "tightest_request_limit",
    "token_scope",
    "tokens_to_reserve",
    "usd_to_cost_units",
    "user_model_scope",
    "user_scope",
]

_ledger: Ledger | None = None
_ledger_lock = threading.Lock()


def get_ledger() -> Ledger:
    """The process-wide ledger chosen by settings (`LIMITS_BACKEND`). The Redis ledger keeps one
    connection pool per event loop itself, so one instance serves every loop and thread."""
    global _ledger
    if _ledger is None:
        with _ledger_lock:
            if _ledger is None:
                _ledger = _build_ledger()
    return _ledger


async def limits_snapshot(*, principal) -> list[LimitStatus]:
    """Every limit that applies to `principal` (user, token; not per-model) with used, remaining
    and reset time, without reserving: what `GET /rate-limit` and `/user/quota` show."""
    checks = limit_checks_for(principal=principal, model_name="", estimated_tokens=0, estimated_cost_units=0)
    return await get_ledger().snapshot(checks=checks)


def reset_ledger() -> None:
    """Forget the ledger (tests; settings changes). The next `get_ledger()` builds a fresh one."""
    global _ledger
    with _ledger_lock:
        _ledger = None


def _build_ledger() -> Ledger:
    backend = getattr(settings, "LIMITS_BACKEND", "auto")
    url = getattr(settings, "LIMITS_REDIS_URL", "") or getattr(settings, "REDIS_URL", "")
    stale_after = getattr(settings, "LIMITS_INFLIGHT_STALE_SECONDS", 900)
    if backend == "auto":
        backend = "redis" if url else "memory"
    if backend == "memory":
        return MemoryLedger(stale_after_seconds=stale_after)
    if backend == "sqlite":
        path = getattr(settings, "LIMITS_SQLITE_PATH", "") or settings.VAR_DIR / "limits.sqlite3"
        return SqliteLedger(path=path, stale_after_seconds=stale_after)
    if backend != "redis":
        raise ImproperlyConfigured("LIMITS_BACKEND must be auto, memory, sqlite or redis.")
    if not url:
        raise ImproperlyConfigured("LIMITS_BACKEND=redis needs REDIS_URL (or LIMITS_REDIS_URL).")
    return RedisLedger(
        url=url,
        prefix=getattr(settings, "LIMITS_KEY_PREFIX", "gf:lim:"),
        fail_open=getattr(settings, "LIMITS_FAIL_OPEN", False),
        timeout_seconds=getattr(settings, "LIMITS_REDIS_TIMEOUT", 1.0),
        stale_after_seconds=stale_after,
    )


@receiver(setting_changed)
def _reset_on_settings_change(*, setting: str, **kwargs) -> None:
    if setting.startswith("LIMITS_") or setting == "REDIS_URL":
        reset_ledger()
