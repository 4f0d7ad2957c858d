"""The ledger's lean RESP client (proxy/limits/resp.py): wire encoding, pipelining, script
loading, reconnects, timeouts and secrets — against fake servers on loopback, and against the
real Redis in the integration suite."""

import asyncio
import contextlib
import os
import uuid

import pytest
from redis.exceptions import AuthenticationError, ConnectionError, ResponseError

from proxy.limits import LimitCheck, LimitKind, RedisLedger
from proxy.limits.resp import LeanRedis, Script, encode_command

COUNTER_SCRIPT = Script.of("return {KEYS[1], ARGV[1], redis.call('INCRBY', KEYS[1], ARGV[2])}")


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@contextlib.asynccontextmanager
async def fake_server(on_data, connections: list | None = None):
    """A TCP server on loopback that calls `on_data(writer, data)` for every chunk it reads
    (`writer.connection_number` counts from 1); `connections` collects the writers."""
    accepted = connections if connections is not None else []

    async def handle(reader, writer):
        accepted.append(writer)
        writer.connection_number = len(accepted)
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                on_data(writer, data)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


def pong(writer, data):
    writer.write(b"+PONG\r\n" * data.count(b"PING"))


# --- without Redis --------------------------------------------------------------------------------


def test_commands_are_encoded_as_resp_arrays_of_bulk_strings():
    assert encode_command((b"EVALSHA", "ab", 2, 1.5, "é")) == (
        b"*5\r\n$7\r\nEVALSHA\r\n$2\r\nab\r\n$1\r\n2\r\n$3\r\n1.5\r\n$2\r\n\xc3\xa9\r\n"
    )
    with pytest.raises(TypeError):
        encode_command((b"GET", None))


def test_urls_it_cannot_serve_are_left_to_redis_py():
    assert LeanRedis.from_url("redis://127.0.0.1:6379/3", timeout_seconds=1) is not None
    assert LeanRedis.from_url("unix:///tmp/redis.sock?db=2", timeout_seconds=1) is not None
    assert LeanRedis.from_url("rediss://127.0.0.1:6379/0", timeout_seconds=1) is None
    assert LeanRedis.from_url("redis://127.0.0.1:6379/0?socket_keepalive=true", timeout_seconds=1) is None
    ledger = RedisLedger(url="rediss://127.0.0.1:1/0")

    async def lean_of_loop_client():
        return ledger._loop_client().lean

    assert asyncio.run(lean_of_loop_client()) is None


async def test_replies_go_to_their_callers_in_order_even_when_split_and_batched():
    def answer(writer, data):
        # Every command gets ":<n>" with n = its position; replies are cut mid-token.
        count = data.count(b"*1\r\n")
        answer.sent += count
        payload = b"".join(b":%d\r\n" % i for i in range(answer.sent - count, answer.sent))
        writer.write(payload[:3])
        writer.write(payload[3:])

    answer.sent = 0
    async with fake_server(answer) as port:
        client = LeanRedis(port=port, timeout_seconds=2)
        replies = await asyncio.gather(*(client.execute(b"PING") for _ in range(50)))
        assert replies == list(range(50))
        await client.aclose()


async def test_a_command_that_times_out_fails_everyone_waiting_on_its_connection():
    async with fake_server(lambda writer, data: None) as port:
        client = LeanRedis(port=port, timeout_seconds=0.3)
        loop = asyncio.get_running_loop()
        first = asyncio.ensure_future(client.execute(b"PING"))
        await asyncio.sleep(0.15)
        started = loop.time()
        with pytest.raises(ConnectionError):  # the connection closed under it when the first timed out
            await client.execute(b"PING")
        assert loop.time() - started < 0.25  # not its own full 0.3 s
        with pytest.raises(TimeoutError):
            await first


async def test_after_a_timeout_the_next_call_connects_afresh():
    def first_connection_hangs(writer, data):
        if writer.connection_number > 1:
            pong(writer, data)

    connections: list = []
    async with fake_server(first_connection_hangs, connections) as port:
        client = LeanRedis(port=port, timeout_seconds=0.3)
        with pytest.raises(TimeoutError):
            await client.execute(b"PING", b"x" * 100_000)  # unsent bytes may still be queued
        assert await client.execute(b"PING") == b"PONG"
        assert len(connections) == 2
        await client.aclose()


async def test_closing_fails_calls_in_flight_and_refuses_later_ones():
    connections: list = []
    async with fake_server(lambda writer, data: None, connections) as port:
        client = LeanRedis(port=port, timeout_seconds=5)
        in_flight = asyncio.ensure_future(client.execute(b"PING"))
        await asyncio.sleep(0.05)
        await client.aclose()
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(in_flight, 1)
        with pytest.raises(ConnectionError):
            await client.execute(b"PING")
        assert len(connections) == 1  # the failed call did not open another one


async def test_a_refused_password_is_not_tried_twice():
    attempts: list[bytes] = []

    def refuse_auth(writer, data):
        attempts.append(data)
        writer.write(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")

    async with fake_server(refuse_auth) as port:
        client = LeanRedis.from_url(f"redis://:pw@127.0.0.1:{port}/0", timeout_seconds=1)
        with pytest.raises(AuthenticationError):
            await client.execute(b"PING")
    assert sum(chunk.count(b"AUTH") for chunk in attempts) == 1


async def test_garbage_from_the_server_fails_the_caller_without_hanging():
    async with fake_server(lambda writer, data: writer.write(b"!not resp\r\n")) as port:
        client = LeanRedis(port=port, timeout_seconds=2)
        with pytest.raises(ConnectionError):
            await client.execute(b"PING")


async def test_an_unreachable_server_fails_fast_with_an_os_error():
    client = LeanRedis(port=1, timeout_seconds=0.5)
    with pytest.raises(OSError):
        await client.execute(b"PING")


async def test_the_password_never_appears_in_an_error():
    def refuse_auth(writer, data):
        writer.write(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")

    async with fake_server(refuse_auth) as port:
        client = LeanRedis.from_url(f"redis://bob:sup3r-secret@127.0.0.1:{port}/0", timeout_seconds=1)
        with pytest.raises(AuthenticationError) as refused:
            await client.execute(b"PING")
    assert "sup3r-secret" not in str(refused.value) and "WRONGPASS" in str(refused.value)


# --- against the real Redis -------------------------------------------------------------------------


@pytest.fixture
async def lean():
    client = LeanRedis.from_url(redis_url(), timeout_seconds=2)
    keys: list[str] = []
    yield client, keys
    if keys:
        await client.execute(b"DEL", *keys)
    await client.aclose()


@pytest.mark.integration
async def test_a_script_unknown_to_the_server_is_sent_whole_then_by_sha(lean):
    client, keys = lean
    keys.append("gf:test:resp:script")
    # A script no server has seen (a unique comment), rather than a server-wide SCRIPT FLUSH.
    script = Script.of(f"-- {uuid.uuid4()}\n" + COUNTER_SCRIPT.source.decode())
    assert await client.execute(b"SCRIPT", b"EXISTS", script.sha) == [0]
    first = await client.run_script(script, keys=keys, args=["a", 2])
    assert await client.execute(b"SCRIPT", b"EXISTS", script.sha) == [1]
    second = await client.run_script(script, keys=keys, args=["b", 3])
    assert first == [b"gf:test:resp:script", b"a", 2] and second == [b"gf:test:resp:script", b"b", 5]


@pytest.mark.integration
async def test_many_concurrent_scripts_each_get_their_own_reply(lean):
    client, keys = lean
    keys.append("gf:test:resp:concurrent")
    replies = await asyncio.gather(
        *(client.run_script(COUNTER_SCRIPT, keys=keys, args=[f"caller-{i}", 1]) for i in range(300))
    )
    assert [reply[1] for reply in replies] == [f"caller-{i}".encode() for i in range(300)]
    assert sorted(reply[2] for reply in replies) == list(range(1, 301))


@pytest.mark.integration
@pytest.mark.parametrize("wait", [None, 0, 0.05])  # at once, one loop turn later, once it is seen
async def test_a_connection_killed_by_the_server_is_replaced_without_failing_the_call(lean, wait):
    client, keys = lean
    keys.append("gf:test:resp:killed")
    await client.run_script(COUNTER_SCRIPT, keys=keys, args=["x", 1])
    own_id = await client.execute(b"CLIENT", b"ID")
    import redis

    admin = redis.Redis.from_url(redis_url())
    admin.client_kill_filter(_id=own_id)
    admin.close()
    if wait is not None:
        await asyncio.sleep(wait)
    replies = await asyncio.gather(
        *(client.run_script(COUNTER_SCRIPT, keys=keys, args=["y", 1]) for _ in range(20))
    )
    assert sorted(reply[2] for reply in replies) == list(range(2, 22))
    assert await client.execute(b"CLIENT", b"ID") != own_id


@pytest.mark.integration
async def test_the_database_of_the_url_is_selected(lean):
    client, keys = lean
    keys.append("gf:test:resp:db")
    await client.execute(b"SET", keys[0], b"here")
    import redis

    db = int(redis_url().rsplit("/", 1)[1])
    other = redis.Redis.from_url(redis_url().rsplit("/", 1)[0] + f"/{(db + 1) % 16}")
    same = redis.Redis.from_url(redis_url())
    assert same.get(keys[0]) == b"here" and other.get(keys[0]) is None
    other.close()
    same.close()


@pytest.mark.integration
async def test_the_ledger_runs_its_scripts_over_the_lean_client(lean):
    client, keys = lean
    prefix = "gf:lim:test:resp-ledger:"
    ledger = RedisLedger(url=redis_url(), prefix=prefix)
    checks = [LimitCheck(LimitKind.REQUESTS_PER_DAY, "user:1", 5)]
    reservation = await ledger.reserve(checks=checks, request_id="r")
    loop_client = ledger._loop_client()
    assert loop_client.reserve.func.__self__ is loop_client.lean  # bound to the lean client
    assert loop_client.settle.func.__self__ is loop_client.lean
    assert reservation.statuses[0].used == 1
    keys.extend([key.decode() for key in await client.execute(b"KEYS", f"{prefix}*")])
    assert keys
    await ledger.aclose()


@pytest.mark.integration
async def test_an_error_reply_raises_and_leaves_the_connection_usable(lean):
    client, _ = lean
    with pytest.raises(ResponseError, match="boom"):
        await client.run_script(Script.of("return redis.error_reply('boom')"), keys=[], args=[])
    assert await client.execute(b"PING") == b"PONG"


async def test_each_waiter_of_a_lost_connection_gets_its_own_exception():
    from proxy.limits.resp import StuckConnection, _Connection

    async with fake_server(lambda writer, data: None) as port:
        _, connection = await asyncio.get_running_loop().create_connection(_Connection, "127.0.0.1", port)
        first, second = connection.send(b"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n", replies=2)
        connection.close(StuckConnection, "A command to Redis timed out.")
        failures = await asyncio.gather(first, second, return_exceptions=True)
    assert all(isinstance(failure, StuckConnection) for failure in failures)
    assert failures[0] is not failures[1]  # one instance raised in two tasks would share tracebacks
