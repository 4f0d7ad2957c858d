"""UTC calendar windows: ids, boundaries, resets, TTLs."""

from datetime import UTC, datetime

import pytest

from proxy.limits.types import LimitKind
from proxy.limits.windows import TTL_GRACE_SECONDS, window_for


def ts(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("kind", "window_id", "reset_at"),
    [
        (LimitKind.REQUESTS_PER_MINUTE, "202611211024", datetime(2026, 11, 21, 10, 25, tzinfo=UTC)),
        (LimitKind.REQUESTS_PER_HOUR, "2026112110", datetime(2026, 11, 21, 11, 0, tzinfo=UTC)),
        (LimitKind.REQUESTS_PER_DAY, "20261121", datetime(2026, 11, 22, tzinfo=UTC)),
        (LimitKind.TOKENS_PER_DAY, "20261121", datetime(2026, 11, 22, tzinfo=UTC)),
        (LimitKind.USD_PER_DAY, "20261121", datetime(2026, 11, 22, tzinfo=UTC)),
        (LimitKind.TOKENS_PER_MONTH, "202611", datetime(2026, 12, 1, tzinfo=UTC)),
        (LimitKind.USD_PER_MONTH, "202611", datetime(2026, 12, 1, tzinfo=UTC)),
    ],
)
def test_window_id_and_reset_are_the_next_utc_boundary(kind, window_id, reset_at):
    window = window_for(kind, ts(2026, 11, 21, 10, 24, 59, 999000))
    assert window.id == window_id
    assert window.reset_at == reset_at


def test_the_boundary_instant_belongs_to_the_new_window():
    before = window_for(LimitKind.REQUESTS_PER_MINUTE, ts(2026, 11, 21, 10, 24, 59, 999999))
    at = window_for(LimitKind.REQUESTS_PER_MINUTE, ts(2026, 11, 21, 10, 25))
    assert before.id != at.id
    assert at.start == before.reset_at


def test_month_rolls_over_into_the_next_year():
    window = window_for(LimitKind.TOKENS_PER_MONTH, ts(2026, 12, 31, 23, 59, 59))
    assert window.id == "202612"
    assert window.reset_at == datetime(2027, 1, 1, tzinfo=UTC)
    assert window_for(LimitKind.REQUESTS_PER_DAY, ts(2026, 12, 31, 23, 0)).reset_at == datetime(
        2027, 1, 1, tzinfo=UTC
    )


def test_february_of_a_leap_year_ends_on_the_29th():
    assert window_for(LimitKind.USD_PER_MONTH, ts(2028, 2, 10)).reset_at == datetime(2028, 3, 1, tzinfo=UTC)
    assert window_for(LimitKind.USD_PER_DAY, ts(2028, 2, 28, 12)).reset_at == datetime(
        2028, 2, 29, tzinfo=UTC
    )


def test_windows_are_utc_whatever_the_local_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    window = window_for(LimitKind.REQUESTS_PER_DAY, ts(2026, 11, 21, 23, 30))
    assert window.id == "20261121"
    assert window.reset_at.tzinfo is UTC


def test_concurrency_has_no_window():
    assert window_for(LimitKind.MAX_CONCURRENT_REQUESTS, ts(2026, 11, 21)) is None


def test_counter_ttl_outlives_the_window_by_the_grace_period():
    now = ts(2026, 11, 21, 10, 24, 30)
    assert window_for(LimitKind.REQUESTS_PER_MINUTE, now).ttl_seconds(now) == 30 + TTL_GRACE_SECONDS
    assert window_for(LimitKind.REQUESTS_PER_HOUR, now).ttl_seconds(now) == 35 * 60 + 30 + TTL_GRACE_SECONDS
