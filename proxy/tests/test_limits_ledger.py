"""The ledger contract, run against BOTH backends: the in-process ledger and the real Redis
(`integration`: db 15, a unique key prefix per test, only that prefix is cleaned up)."""

import asyncio
import dataclasses
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from asgiref.sync import async_to_sync

from proxy.limits import (
    LimitCheck,
    LimitExceeded,
    LimitKind,
    MemoryLedger,
    RedisLedger,
    SqliteLedger,
    rate_limit_headers,
)
from proxy.limits.windows import window_for

K = LimitKind
START = datetime(2026, 11, 21, 10, 20, 30, tzinfo=UTC).timestamp()
STALE = 900


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


async def delete_prefix(url: str, prefix: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "sqlite", pytest.param("redis", marks=pytest.mark.integration)])
async def ledger(request, clock, tmp_path):
    if request.param == "memory":
        yield MemoryLedger(clock=clock, stale_after_seconds=STALE)
        return
    if request.param == "sqlite":
        yield SqliteLedger(path=tmp_path / "limits.sqlite3", clock=clock, stale_after_seconds=STALE)
        return
    prefix = f"gf:lim:test:{uuid.uuid4().hex}:"
    redis_ledger = RedisLedger(url=redis_url(), prefix=prefix, clock=clock, stale_after_seconds=STALE)
    yield redis_ledger
    await redis_ledger.aclose()
    await delete_prefix(redis_url(), prefix)


def check(kind: LimitKind, limit: int, amount: int = 1, scope: str = "user:1") -> LimitCheck:
    return LimitCheck(kind=kind, scope=scope, limit=limit, amount=amount)


async def used(ledger, checks) -> list[int]:
    return [status.used for status in await ledger.snapshot(checks=checks)]


async def admitted(ledger, checks, attempts: int) -> int:
    count = 0
    for n in range(attempts):
        try:
            await ledger.reserve(checks=checks, request_id=f"req-{n}")
        except LimitExceeded:
            continue
        count += 1
    return count


# --- every kind is enforced -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "limit", "amount", "fits"),
    [
        (K.REQUESTS_PER_MINUTE, 3, 1, 3),
        (K.REQUESTS_PER_HOUR, 5, 1, 5),
        (K.REQUESTS_PER_DAY, 2, 1, 2),
        (K.TOKENS_PER_DAY, 1000, 300, 3),
        (K.TOKENS_PER_MONTH, 1000, 250, 4),
        (K.USD_PER_DAY, 50_000, 20_000, 2),
        (K.USD_PER_MONTH, 1_000_000, 333_333, 3),
        (K.MAX_CONCURRENT_REQUESTS, 2, 1, 2),
    ],
)
async def test_every_kind_admits_exactly_what_fits_then_refuses(ledger, kind, limit, amount, fits):
    checks = [check(kind, limit, amount)]
    assert await admitted(ledger, checks, fits + 3) == fits
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=checks, request_id="one-more")
    error = refused.value
    assert (error.kind, error.scope, error.limit, error.used) == (kind, "user:1", limit, fits * amount)
    assert error.status_code == 429
    assert error.is_quota is kind.is_quota
    assert error.code == ("insufficient_quota" if kind.is_quota else "rate_limit_exceeded")
    assert str(kind) in str(error.detail) and "user:1" in str(error.detail)
    assert await used(ledger, checks) == [fits * amount]


async def test_a_request_larger_than_the_whole_quota_is_refused(ledger):
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=[check(K.TOKENS_PER_DAY, 100, 101)], request_id="r")
    assert refused.value.requested == 101
    assert await used(ledger, [check(K.TOKENS_PER_DAY, 100)]) == [0]


async def test_a_zero_limit_refuses_everything(ledger):
    with pytest.raises(LimitExceeded):
        await ledger.reserve(checks=[check(K.REQUESTS_PER_DAY, 0)], request_id="r")


# --- all or nothing; the stricter scope wins ------------------------------------------------------


async def test_refusal_increments_nothing_in_any_scope(ledger):
    checks = [
        check(K.REQUESTS_PER_MINUTE, 100, 1, "user:1"),
        check(K.TOKENS_PER_DAY, 10_000, 400, "user:1"),
        check(K.USD_PER_DAY, 10_000_000, 5000, "user:1"),
        check(K.MAX_CONCURRENT_REQUESTS, 10, 1, "user:1"),
        check(K.TOKENS_PER_DAY, 1000, 400, "token:7"),  # the token is stricter
    ]
    await ledger.reserve(checks=checks, request_id="a")
    await ledger.reserve(checks=checks, request_id="b")
    before = await used(ledger, checks)
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=checks, request_id="c")
    assert (refused.value.kind, refused.value.scope) == (K.TOKENS_PER_DAY, "token:7")
    assert await used(ledger, checks) == before == [2, 800, 10_000, 2, 800]


async def test_the_stricter_of_user_and_token_wins(ledger):
    user_generous = [
        check(K.REQUESTS_PER_MINUTE, 10, 1, "user:1"),
        check(K.REQUESTS_PER_MINUTE, 2, 1, "token:9"),
    ]
    assert await admitted(ledger, user_generous, 5) == 2
    token_generous = [
        check(K.REQUESTS_PER_HOUR, 3, 1, "user:2"),
        check(K.REQUESTS_PER_HOUR, 50, 1, "token:8"),
    ]
    assert await admitted(ledger, token_generous, 5) == 3


async def test_scopes_are_counted_separately(ledger):
    assert await admitted(ledger, [check(K.REQUESTS_PER_MINUTE, 2, 1, "user:1")], 3) == 2
    assert await admitted(ledger, [check(K.REQUESTS_PER_MINUTE, 2, 1, "user:2")], 3) == 2
    assert await admitted(ledger, [check(K.REQUESTS_PER_MINUTE, 2, 1, "user:1:model:gpt-4o")], 3) == 2


async def test_the_same_counter_twice_in_one_request_is_a_caller_error(ledger):
    with pytest.raises(ValueError):
        await ledger.reserve(
            checks=[check(K.REQUESTS_PER_DAY, 5), check(K.REQUESTS_PER_DAY, 9)], request_id="r"
        )


# --- windows reset ----------------------------------------------------------------------------------


async def test_rate_window_resets_at_the_minute_boundary(ledger, clock):
    checks = [check(K.REQUESTS_PER_MINUTE, 2)]
    assert await admitted(ledger, checks, 3) == 2
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=checks, request_id="x")
    assert refused.value.reset_at == datetime(2026, 11, 21, 10, 21, tzinfo=UTC)
    assert refused.value.retry_after == 30
    assert refused.value.headers["Retry-After"] == "30"
    clock.advance(30)
    assert await admitted(ledger, checks, 3) == 2


async def test_daily_quota_resets_at_utc_midnight_and_monthly_does_not(ledger, clock):
    daily, monthly = check(K.TOKENS_PER_DAY, 100, 60), check(K.TOKENS_PER_MONTH, 1000, 60)
    await ledger.reserve(checks=[daily, monthly], request_id="a")
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=[daily, monthly], request_id="b")
    assert refused.value.kind == K.TOKENS_PER_DAY
    assert refused.value.retry_after == int(datetime(2026, 11, 22, tzinfo=UTC).timestamp() - clock.now)
    clock.now = datetime(2026, 11, 22, 0, 0, 1, tzinfo=UTC).timestamp()
    await ledger.reserve(checks=[daily, monthly], request_id="c")
    assert await used(ledger, [daily, monthly]) == [60, 120]


async def test_retry_after_names_the_limit_that_frees_up_last(ledger):
    checks = [check(K.REQUESTS_PER_MINUTE, 1), check(K.REQUESTS_PER_DAY, 1)]
    await ledger.reserve(checks=checks, request_id="a")
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=checks, request_id="b")
    assert refused.value.kind == K.REQUESTS_PER_DAY  # waiting for the minute would not help


# --- settle -------------------------------------------------------------------------------------------


async def test_settle_replaces_the_estimate_by_the_actual_figures(ledger):
    checks = [
        check(K.REQUESTS_PER_DAY, 10),
        check(K.TOKENS_PER_DAY, 10_000, 4000),
        check(K.USD_PER_DAY, 10**6, 9000),
    ]
    reservation = await ledger.reserve(checks=checks, request_id="r")
    assert await used(ledger, checks) == [1, 4000, 9000]
    await ledger.settle(reservation, tokens=1234, cost_units=2500)
    assert await used(ledger, checks) == [1, 1234, 2500]


async def test_settle_can_charge_more_than_was_reserved(ledger):
    checks = [check(K.TOKENS_PER_DAY, 1000, 100)]
    reservation = await ledger.reserve(checks=checks, request_id="r")
    await ledger.settle(reservation, tokens=1500, cost_units=0)
    assert await used(ledger, checks) == [1500]
    with pytest.raises(LimitExceeded):
        await ledger.reserve(checks=checks, request_id="next")


async def test_settle_is_idempotent_even_through_a_copy(ledger):
    checks = [check(K.TOKENS_PER_DAY, 10_000, 4000), check(K.USD_PER_MONTH, 10**6, 700)]
    reservation = await ledger.reserve(checks=checks, request_id="r")
    copy = dataclasses.replace(reservation)
    await ledger.settle(reservation, tokens=100, cost_units=10)
    await ledger.settle(reservation, tokens=100, cost_units=10)
    await ledger.settle(copy, tokens=100, cost_units=10)
    assert await used(ledger, checks) == [100, 10]


async def test_a_failed_request_settled_with_zero_still_counts_as_a_request(ledger):
    checks = [
        check(K.REQUESTS_PER_MINUTE, 5),
        check(K.TOKENS_PER_DAY, 10_000, 4000),
        check(K.USD_PER_DAY, 10**6, 90),
    ]
    reservation = await ledger.reserve(checks=checks, request_id="r")
    await ledger.settle(reservation, tokens=0, cost_units=0)
    assert await used(ledger, checks) == [1, 0, 0]


async def force_counter(ledger, check_: LimitCheck, value: int) -> None:
    """Shrink a counter behind the ledger's back (as an operator resetting a quota would)."""
    window_id = window_for(check_.kind, ledger._clock()).id
    if isinstance(ledger, MemoryLedger):
        key = f"{check_.scope}|{check_.kind}|{window_id}"
        ledger._counters[key] = (value, ledger._counters[key][1])
        return
    if isinstance(ledger, SqliteLedger):
        key = f"{check_.scope}|{check_.kind}|{window_id}"
        ledger._connection().execute("UPDATE counters SET value = ? WHERE key = ?", (value, key))
        return
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(redis_url())
    await client.set(ledger._key(check_, window_id), value, keepttl=True)
    await client.aclose()


async def test_counters_never_go_below_zero(ledger):
    checks = [check(K.TOKENS_PER_DAY, 10_000, 500)]
    reservation = await ledger.reserve(checks=checks, request_id="a")
    await force_counter(ledger, checks[0], 100)
    await ledger.settle(reservation, tokens=20, cost_units=0)
    assert await used(ledger, checks) == [0]


async def test_settle_after_the_window_ended_does_not_touch_the_new_window(ledger, clock):
    checks = [check(K.TOKENS_PER_DAY, 1000, 800)]
    reservation = await ledger.reserve(checks=checks, request_id="late")
    clock.now = datetime(2026, 11, 22, 0, 0, 5, tzinfo=UTC).timestamp()
    await ledger.reserve(checks=[check(K.TOKENS_PER_DAY, 1000, 300)], request_id="new-day")
    await ledger.settle(reservation, tokens=0, cost_units=0)
    assert await used(ledger, checks) == [300]


async def test_settle_rejects_negative_figures(ledger):
    reservation = await ledger.reserve(checks=[check(K.TOKENS_PER_DAY, 100, 10)], request_id="r")
    with pytest.raises(ValueError):
        await ledger.settle(reservation, tokens=-1, cost_units=0)


# --- concurrency slots --------------------------------------------------------------------------------


async def test_settle_releases_the_concurrency_slot(ledger):
    checks = [check(K.MAX_CONCURRENT_REQUESTS, 1)]
    reservation = await ledger.reserve(checks=checks, request_id="a")
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=checks, request_id="b")
    assert refused.value.retry_after == 1 and refused.value.reset_at is None
    await ledger.settle(reservation, tokens=0, cost_units=0)
    assert await used(ledger, checks) == [0]
    await ledger.reserve(checks=checks, request_id="c")


async def test_the_same_request_id_twice_holds_two_slots(ledger):
    checks = [check(K.MAX_CONCURRENT_REQUESTS, 5)]
    first = await ledger.reserve(checks=checks, request_id="same")
    await ledger.reserve(checks=checks, request_id="same")
    await ledger.settle(first, tokens=0, cost_units=0)
    assert await used(ledger, checks) == [1]


async def test_stale_in_flight_entries_expire(ledger, clock):
    checks = [check(K.MAX_CONCURRENT_REQUESTS, 2)]
    await ledger.reserve(checks=checks, request_id="crashed-1")  # never settled: its process died
    clock.advance(STALE / 2)
    await ledger.reserve(checks=checks, request_id="crashed-2")
    with pytest.raises(LimitExceeded):
        await ledger.reserve(checks=checks, request_id="blocked")
    clock.advance(STALE / 2 + 1)
    assert await used(ledger, checks) == [1]
    await ledger.reserve(checks=checks, request_id="admitted")
    assert await used(ledger, checks) == [2]


# --- snapshot -----------------------------------------------------------------------------------------


async def test_snapshot_reports_without_reserving(ledger):
    checks = [
        check(K.REQUESTS_PER_MINUTE, 60),
        check(K.TOKENS_PER_MONTH, 100_000, 2500),
        check(K.USD_PER_DAY, 200_000_000, 150_000_000),
        check(K.MAX_CONCURRENT_REQUESTS, 4),
    ]
    await ledger.reserve(checks=checks, request_id="r")
    first = await ledger.snapshot(checks=checks)
    assert await ledger.snapshot(checks=checks) == first
    by_kind = {status.kind: status for status in first}
    assert (by_kind[K.REQUESTS_PER_MINUTE].used, by_kind[K.REQUESTS_PER_MINUTE].remaining) == (1, 59)
    assert by_kind[K.REQUESTS_PER_MINUTE].reset_at == datetime(2026, 11, 21, 10, 21, tzinfo=UTC)
    assert by_kind[K.TOKENS_PER_MONTH].reset_at == datetime(2026, 12, 1, tzinfo=UTC)
    assert by_kind[K.MAX_CONCURRENT_REQUESTS].reset_at is None
    assert by_kind[K.USD_PER_DAY].as_dict() == {
        "kind": "usd_per_day",
        "scope": "user:1",
        "unit": "usd",
        "limit": 2.0,
        "used": 1.5,
        "remaining": 0.5,
        "reset_at": "2026-11-22T00:00:00Z",
    }


async def test_reservation_carries_the_figures_after_counting_and_the_headers(ledger):
    checks = [check(K.REQUESTS_PER_MINUTE, 10), check(K.REQUESTS_PER_DAY, 3), check(K.TOKENS_PER_DAY, 50, 5)]
    await ledger.reserve(checks=checks, request_id="a")
    reservation = await ledger.reserve(checks=checks, request_id="b")
    assert [s.used for s in reservation.statuses] == [2, 2, 10]
    assert rate_limit_headers(reservation) == {
        "X-RateLimit-Limit": "3",  # the day limit has fewer requests left than the minute one
        "X-RateLimit-Remaining": "1",
        "X-RateLimit-Reset": str(int(datetime(2026, 11, 22, tzinfo=UTC).timestamp())),
    }


# --- the key property: no overshoot under concurrency -----------------------------------------------


async def test_64_concurrent_reserves_never_overshoot_tokens_or_cost(ledger):
    tokens = check(K.TOKENS_PER_DAY, 10_000, 333, "user:1")  # 30 fit (9990)
    cost = check(K.USD_PER_MONTH, 1_000_000, 40_000, "token:3")  # 25 fit: the binding one
    checks = [check(K.REQUESTS_PER_MINUTE, 1000), tokens, cost]
    results = await asyncio.gather(
        *(ledger.reserve(checks=checks, request_id=f"burst-{n}") for n in range(64)), return_exceptions=True
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, LimitExceeded)]
    assert len(ok) == 25 and len(refused) == 39
    assert await used(ledger, checks) == [25, 25 * 333, 25 * 40_000]


async def test_64_concurrent_reserves_and_settles_keep_the_books_exact(ledger):
    checks = [check(K.TOKENS_PER_DAY, 5000, 200), check(K.MAX_CONCURRENT_REQUESTS, 8)]

    async def one(n: int) -> bool:
        try:
            reservation = await ledger.reserve(checks=checks, request_id=f"r{n}")
        except LimitExceeded:
            return False
        await asyncio.sleep(0)
        await ledger.settle(reservation, tokens=50, cost_units=0)
        return True

    done = sum(await asyncio.gather(*(one(n) for n in range(64))))
    tokens_used, in_flight = await used(ledger, checks)
    assert tokens_used == 50 * done and in_flight == 0
    assert done >= 8


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_64_threads_never_overshoot_the_in_process_ledgers(clock, tmp_path, backend):
    if backend == "memory":
        ledger = MemoryLedger(clock=clock)
    else:
        ledger = SqliteLedger(path=tmp_path / "limits.sqlite3", clock=clock)
    checks = [check(K.TOKENS_PER_MONTH, 7000, 250), check(K.USD_PER_DAY, 10**6, 30_000)]  # 28 and 33 fit
    reserve = async_to_sync(ledger.reserve)

    def one(n: int) -> bool:
        try:
            reserve(checks=checks, request_id=f"t{n}")
        except LimitExceeded:
            return False
        return True

    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(one, range(64)))
    assert sum(results) == 28
    assert [s.used for s in async_to_sync(ledger.snapshot)(checks=checks)] == [7000, 28 * 30_000]
