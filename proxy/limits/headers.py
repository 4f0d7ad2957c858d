"""`X-RateLimit-*` response headers.

They describe ONE limit: the tightest request-rate limit (requests per minute / hour / day, any
scope) — the one with the fewest requests remaining, the soonest reset breaking ties:

- `X-RateLimit-Limit`: that limit's ceiling (requests in its window);
- `X-RateLimit-Remaining`: requests left in the window (after counting this request; answers
  that reserved nothing — `/v1/models`, refusals before admission — count nothing);
- `X-RateLimit-Reset`: when the window resets, as Unix epoch seconds (UTC), GitHub-style.

Token, money and concurrency limits are reported by `GET /api/v1/rate-limit`, and a refusal
names the limit it hit. With no request-rate limit in force (or a fail-open reservation) there
are no X-RateLimit headers to give, and the helper returns an empty dict.
"""

from __future__ import annotations

from collections.abc import Sequence

from proxy.limits.types import LimitExceeded, LimitStatus, Reservation


def tightest_request_limit(statuses: Sequence[LimitStatus]) -> LimitStatus | None:
    # Request-rate limits are always windowed, so reset_at is set.
    rates = [s for s in statuses if s.kind.unit == "requests" and s.reset_at is not None]
    if not rates:
        return None
    return min(rates, key=lambda s: (s.remaining, s.reset_at))


def rate_limit_headers(source: Reservation | LimitExceeded | Sequence[LimitStatus]) -> dict[str, str]:
    """Headers for a response from a reservation, a refusal, or plain statuses. A refusal's own
    `headers` already include these plus `Retry-After`."""
    statuses = source.statuses if isinstance(source, Reservation | LimitExceeded) else source
    tightest = tightest_request_limit(statuses)
    if tightest is None:
        return {}
    return {
        "X-RateLimit-Limit": str(tightest.limit),
        "X-RateLimit-Remaining": str(tightest.remaining),
        "X-RateLimit-Reset": str(int(tightest.reset_at.timestamp())),
    }
