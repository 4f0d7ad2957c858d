"""Redis-specific behaviour: fail closed / fail open, key layout and TTLs, one client per event
loop, and two OS processes enforcing one quota between them."""

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from proxy.limits import LimitCheck, LimitKind, LimitsUnavailable, RedisLedger

K = LimitKind
UNREACHABLE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
START = datetime(2026, 11, 21, 10, 20, 30, tzinfo=UTC).timestamp()
CHECKS = [LimitCheck(K.REQUESTS_PER_MINUTE, "user:1", 10), LimitCheck(K.TOKENS_PER_DAY, "user:1", 100, 10)]


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def raw_redis():
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(redis_url(), decode_responses=True)
    prefixes: list[str] = []
    yield client, prefixes
    for prefix in prefixes:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        if keys:
            await client.delete(*keys)
    await client.aclose()


def unique_prefix(prefixes: list[str]) -> str:
    prefix = f"gf:lim:test:{uuid.uuid4().hex}:"
    prefixes.append(prefix)
    return prefix


# --- Redis unreachable ------------------------------------------------------------------------------


async def test_unreachable_redis_fails_closed(caplog):
    ledger = RedisLedger(url=UNREACHABLE_URL, timeout_seconds=0.5)
    with pytest.raises(LimitsUnavailable) as refused:
        await ledger.reserve(checks=CHECKS, request_id="r")
    assert refused.value.status_code == 503 and refused.value.code == "limits_unavailable"
    with pytest.raises(LimitsUnavailable):
        await ledger.snapshot(checks=CHECKS)
    assert "refusing" in caplog.text


async def test_unreachable_redis_fails_open_when_configured_and_says_so(caplog):
    ledger = RedisLedger(url=UNREACHABLE_URL, fail_open=True, timeout_seconds=0.5)
    with caplog.at_level(logging.WARNING, logger="guardflow.limits"):
        reservation = await ledger.reserve(checks=CHECKS, request_id="r")
    assert reservation.unlimited and reservation.checks == ()
    assert "UNLIMITED" in caplog.text
    await ledger.settle(reservation, tokens=5, cost_units=5)  # nothing to settle, no error


async def test_settle_with_redis_gone_does_not_raise(caplog):
    ledger = RedisLedger(url=UNREACHABLE_URL, timeout_seconds=0.5)
    from proxy.limits import Reservation

    reservation = Reservation(
        reservation_id="r:1", request_id="r", checks=tuple(CHECKS), windows=("202611211020", "20261121")
    )
    await ledger.settle(reservation, tokens=3, cost_units=0)
    assert not reservation.settled
    assert "settling" in caplog.text


async def test_the_url_and_its_password_never_reach_the_logs(caplog):
    ledger = RedisLedger(url="redis://:sup3r-secret@127.0.0.1:1/0", fail_open=True, timeout_seconds=0.5)
    with caplog.at_level(logging.DEBUG):
        await ledger.reserve(checks=CHECKS, request_id="r")
    assert "sup3r-secret" not in caplog.text


# --- against the real Redis -------------------------------------------------------------------------


@pytest.mark.integration
async def test_keys_carry_the_prefix_and_expire_after_their_window(raw_redis):
    client, prefixes = raw_redis
    prefix = unique_prefix(prefixes)
    ledger = RedisLedger(url=redis_url(), prefix=prefix, clock=lambda: START)
    checks = [*CHECKS, LimitCheck(K.MAX_CONCURRENT_REQUESTS, "token:3", 5)]
    reservation = await ledger.reserve(checks=checks, request_id="req")
    minute_key = f"{prefix}user:1:requests_per_minute:202611211020"
    day_key = f"{prefix}user:1:tokens_per_day:20261121"
    inflight_key = f"{prefix}token:3:inflight"
    marker_key = f"{prefix}res:{reservation.reservation_id}"
    assert sorted(await client.keys(f"{prefix}*")) == sorted([minute_key, day_key, inflight_key, marker_key])
    assert 30 < await client.ttl(minute_key) <= 30 + 120
    until_midnight = 13 * 3600 + 39 * 60 + 30
    assert until_midnight < await client.ttl(day_key) <= until_midnight + 120
    assert 900 < await client.ttl(inflight_key) <= 900 + 60
    assert await client.ttl(marker_key) > 0
    await ledger.settle(reservation, tokens=4, cost_units=0)
    assert not await client.exists(marker_key)
    assert await client.zcard(inflight_key) == 0
    assert await client.get(day_key) == "4"
    assert await client.ttl(day_key) > until_midnight  # the settle kept the TTL
    await ledger.aclose()


@pytest.mark.integration
async def test_requests_without_quota_or_concurrency_leave_nothing_to_settle(raw_redis):
    client, prefixes = raw_redis
    prefix = unique_prefix(prefixes)
    ledger = RedisLedger(url=redis_url(), prefix=prefix, clock=lambda: START)
    reservation = await ledger.reserve(checks=[CHECKS[0]], request_id="req")
    assert await client.keys(f"{prefix}res:*") == []
    await ledger.settle(reservation, tokens=1, cost_units=1)
    assert await client.get(f"{prefix}user:1:requests_per_minute:202611211020") == "1"
    await ledger.aclose()


@pytest.fixture
def sync_redis():
    import redis

    client = redis.Redis.from_url(redis_url())
    prefixes: list[str] = []
    yield client, prefixes
    for prefix in prefixes:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.mark.integration
def test_one_ledger_serves_several_event_loops(sync_redis):
    prefix = unique_prefix(sync_redis[1])
    ledger = RedisLedger(url=redis_url(), prefix=prefix, clock=lambda: START)
    checks = [LimitCheck(K.REQUESTS_PER_DAY, "user:1", 3)]

    async def reserve_once() -> int:
        reservation = await ledger.reserve(checks=checks, request_id="loop")
        await ledger.aclose()
        return reservation.statuses[0].used

    assert [asyncio.run(reserve_once()) for _ in range(3)] == [1, 2, 3]


@pytest.mark.integration
def test_clients_of_closed_loops_are_forgotten(sync_redis):
    ledger = RedisLedger(url=redis_url(), prefix=unique_prefix(sync_redis[1]), clock=lambda: START)
    checks = [LimitCheck(K.REQUESTS_PER_DAY, "user:1", 100)]
    for _ in range(4):  # what a Celery worker calling through async_to_sync does
        asyncio.run(ledger.reserve(checks=checks, request_id="sync"))
    assert len(ledger._clients) == 1


CANCEL_CHECKS = [
    LimitCheck(K.MAX_CONCURRENT_REQUESTS, "user:1", 1),
    LimitCheck(K.TOKENS_PER_DAY, "user:1", 1000, 900),
    LimitCheck(K.REQUESTS_PER_DAY, "user:1", 100),
]


@pytest.mark.integration
async def test_a_caller_cancelled_after_the_script_ran_leaves_nothing_held(raw_redis):
    client, prefixes = raw_redis
    prefix = unique_prefix(prefixes)
    ledger = RedisLedger(url=redis_url(), prefix=prefix, clock=lambda: START)
    ran, reply_may_arrive = asyncio.Event(), asyncio.Event()
    real_run = ledger._run_reserve

    async def reply_arrives_late(plan, reservation_id):
        reply = await real_run(plan, reservation_id)  # the real script has run in Redis
        ran.set()
        await reply_may_arrive.wait()
        return reply

    ledger._run_reserve = reply_arrives_late
    caller = asyncio.ensure_future(ledger.reserve(checks=CANCEL_CHECKS, request_id="gone"))
    await ran.wait()
    caller.cancel()  # the client disconnected while the answer was on its way
    with pytest.raises(asyncio.CancelledError):
        await caller
    reply_may_arrive.set()
    await ledger.drain()
    # The slot and the token estimate are released; the request itself still counts.
    assert [s.used for s in await ledger.snapshot(checks=CANCEL_CHECKS)] == [0, 0, 1]
    assert await client.keys(f"{prefix}res:*") == []
    await ledger.aclose()


@pytest.mark.integration
async def test_a_caller_cancelled_before_sending_reserves_nothing(raw_redis):
    ledger = RedisLedger(url=redis_url(), prefix=unique_prefix(raw_redis[1]), clock=lambda: START)
    caller = asyncio.ensure_future(ledger.reserve(checks=CANCEL_CHECKS, request_id="gone"))
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await ledger.drain()
    assert [s.used for s in await ledger.snapshot(checks=CANCEL_CHECKS)] == [0, 0, 0]
    await ledger.aclose()


@pytest.mark.integration
async def test_a_caller_cancelled_mid_settle_still_settles(raw_redis):
    ledger = RedisLedger(url=redis_url(), prefix=unique_prefix(raw_redis[1]), clock=lambda: START)
    checks = [
        LimitCheck(K.MAX_CONCURRENT_REQUESTS, "user:1", 1),
        LimitCheck(K.TOKENS_PER_DAY, "user:1", 1000, 900),
    ]
    reservation = await ledger.reserve(checks=checks, request_id="r")
    caller = asyncio.ensure_future(ledger.settle(reservation, tokens=5, cost_units=0))
    await asyncio.sleep(0)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await ledger.drain()
    assert [s.used for s in await ledger.snapshot(checks=checks)] == [0, 5]
    await ledger.aclose()


@pytest.mark.integration
def test_each_test_session_counts_under_its_own_prefix_and_cleans_it_up(sync_redis):
    from django.conf import settings

    from proxy.limits import get_ledger
    from proxy.limits.testing import limits_session_prefix

    assert settings.LIMITS_KEY_PREFIX.startswith("gf:lim:test:")  # the conftest session fixture
    client, _ = sync_redis
    with limits_session_prefix() as prefix:
        ledger = get_ledger()
        asyncio.run(ledger.reserve(checks=[LimitCheck(K.TOKENS_PER_MONTH, "user:1", 10, 1)], request_id="r"))
        assert list(client.scan_iter(match=f"{prefix}*"))
    assert list(client.scan_iter(match=f"{prefix}*")) == []


WORKER = textwrap.dedent(
    """
    import asyncio, os, sys, time
    import django
    django.setup()
    import redis
    from proxy.limits import LimitCheck, LimitExceeded, LimitKind, RedisLedger

    url, prefix, name, now = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    checks = [
        LimitCheck(LimitKind.TOKENS_PER_DAY, "user:1", 1000, 10),
        LimitCheck(LimitKind.USD_PER_MONTH, "user:1", 10**9, 7),
        LimitCheck(LimitKind.REQUESTS_PER_MINUTE, "token:1", 10**6),
    ]

    async def main() -> int:
        ledger = RedisLedger(url=url, prefix=prefix, clock=lambda: now)
        admitted = 0

        async def one(n):
            try:
                await ledger.reserve(checks=checks, request_id=f"{name}-{n}")
                return 1
            except LimitExceeded:
                return 0

        for batch in range(10):
            admitted += sum(await asyncio.gather(*(one(batch * 16 + n) for n in range(16))))
        await ledger.aclose()
        return admitted

    sync = redis.Redis.from_url(url)
    sync.incr(prefix + "ready")
    while not sync.exists(prefix + "go"):
        time.sleep(0.005)
    print(asyncio.run(main()))
    """
)


@pytest.mark.integration
def test_two_processes_sharing_redis_enforce_one_quota_exactly(sync_redis):
    sync, prefixes = sync_redis
    prefix = unique_prefix(prefixes)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guardflow_site.settings", "PYTHONPATH": str(Path.cwd())}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, redis_url(), prefix, f"p{n}", repr(START)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(2)
    ]
    try:
        _wait_until(lambda: int(sync.get(prefix + "ready") or 0) == 2, workers)
        sync.set(prefix + "go", 1)  # both start hammering at once: 2 x 160 attempts at 100 slots
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    admitted = [int(out.strip()) for out, _ in outputs]
    assert sum(admitted) == 100, admitted
    assert int(sync.get(f"{prefix}user:1:tokens_per_day:20261121")) == 1000
    assert int(sync.get(f"{prefix}user:1:usd_per_month.e8:202611")) == 700
    assert int(sync.get(f"{prefix}token:1:requests_per_minute:202611211020")) == 100


def _wait_until(condition, workers) -> None:
    import time

    deadline = time.monotonic() + 60
    while not condition():
        if any(worker.poll() is not None for worker in workers):
            raise AssertionError(
                "a worker exited early: " + workers[0].stderr.read() + workers[1].stderr.read()
            )
        assert time.monotonic() < deadline, "workers never got ready"
        time.sleep(0.01)
