"""The write path: nothing lost under concurrency, duplicates idempotent, DB failure → spool → replay."""

import asyncio
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from usage import writer
from usage.models import UsageRecord
from usage.services import usage_flush, usage_record_submit, usage_record_submit_async


def _submit_from_threads(record_data, *, threads: int, per_thread: int, prefix: str) -> None:
    def work(n: int) -> None:
        for i in range(per_thread):
            usage_record_submit(record_data(request_id=f"{prefix}-{n}-{i}"))

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_many_threads_every_record_written(usage_buffered, record_data):
    _submit_from_threads(record_data, threads=16, per_thread=250, prefix="t")
    usage_flush()
    assert UsageRecord.objects.count() == 4000
    assert usage_buffered.pending_count() == 0


def test_many_coroutines_every_record_written(usage_buffered, record_data):
    async def burst() -> None:
        async def one(i: int) -> None:
            await asyncio.sleep(0)
            usage_record_submit(record_data(request_id=f"c-{i}"))

        await asyncio.gather(*(one(i) for i in range(1500)))

    asyncio.run(burst())
    usage_flush()
    assert UsageRecord.objects.count() == 1500


def test_backpressure_waits_instead_of_dropping(usage_buffered, record_data, settings):
    settings.USAGE_BUFFER_MAX = 5
    settings.USAGE_BATCH_SIZE = 3
    _submit_from_threads(record_data, threads=8, per_thread=40, prefix="bp")
    usage_flush()
    assert UsageRecord.objects.count() == 320


def test_async_submit_when_buffer_full_still_records(usage_buffered, record_data, settings):
    settings.USAGE_BUFFER_MAX = 2

    async def burst() -> None:
        await asyncio.gather(
            *(usage_record_submit_async(record_data(request_id=f"a-{i}")) for i in range(60))
        )

    asyncio.run(burst())
    usage_flush()
    assert UsageRecord.objects.count() == 60


def test_duplicate_request_id_is_idempotent(usage_buffered, record_data):
    usage_record_submit(record_data(request_id="dup-1", input_tokens=5))
    usage_record_submit(record_data(request_id="dup-1", input_tokens=9))
    usage_flush()
    usage_record_submit(record_data(request_id="dup-1", input_tokens=11))
    usage_flush()
    assert list(UsageRecord.objects.values_list("request_id", "input_tokens")) == [("dup-1", 5)]


def test_one_bad_row_does_not_lose_the_batch(usage_buffered, record_data, member):
    usage_record_submit(record_data(request_id="ok-1", user_id=member.id))
    usage_record_submit(record_data(request_id="gone-user", user_id=999_999, input_tokens=7))
    usage_record_submit(record_data(request_id="ok-2", user_id=member.id))
    usage_flush()
    rows = dict(UsageRecord.objects.values_list("request_id", "user_id"))
    assert rows == {"ok-1": member.id, "gone-user": None, "ok-2": member.id}
    assert UsageRecord.objects.get(request_id="gone-user").input_tokens == 7


def test_database_down_spools_then_replay_imports_once(usage_buffered, record_data, spool_dir):
    usage_record_submit(record_data(request_id="already-there"))
    usage_flush()
    down = mock.patch.object(writer, "_insert", side_effect=OperationalError("connection refused"))
    with down:
        for i in range(25):
            usage_record_submit(record_data(request_id=f"down-{i}", cost_usd=Decimal("0.00012345")))
        usage_record_submit(record_data(request_id="already-there"))
        usage_flush()
    assert UsageRecord.objects.count() == 1
    spooled = [line for path in spool_dir.glob("*.jsonl") for line in path.read_text().splitlines()]
    assert len(spooled) == 26

    call_command("usage_replay")
    call_command("usage_replay")  # nothing left: a second run imports nothing twice
    assert UsageRecord.objects.count() == 26
    assert UsageRecord.objects.get(request_id="down-3").cost_usd == Decimal("0.00012345")
    assert not list(spool_dir.glob("*"))


def test_database_recovering_within_retry_window_loses_nothing(usage_buffered, record_data, spool_dir):
    real_insert = writer._insert
    failures = {"left": 2}

    def flaky(records):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("database is locked")
        return real_insert(records)

    with mock.patch.object(writer, "_insert", side_effect=flaky):
        for i in range(10):
            usage_record_submit(record_data(request_id=f"flaky-{i}"))
        usage_flush()
    assert UsageRecord.objects.count() == 10
    assert not spool_dir.exists() or not list(spool_dir.glob("*.jsonl"))


def test_replay_skips_nothing_when_spool_missing(db, spool_dir):
    out = __import__("io").StringIO()
    call_command("usage_replay", stdout=out)
    assert "0 record(s) read" in out.getvalue()


def test_inline_mode_sync_submit_writes_at_once(db, record_data):
    usage_record_submit(record_data(request_id="inline-sync"))
    assert UsageRecord.objects.filter(request_id="inline-sync").exists()


def test_inline_mode_async_submit_waits_for_flush(db, record_data):
    async def from_async() -> None:
        usage_record_submit(record_data(request_id="inline-async"))

    asyncio.run(from_async())
    assert not UsageRecord.objects.filter(request_id="inline-async").exists()
    usage_flush()
    assert UsageRecord.objects.filter(request_id="inline-async").exists()


def test_direct_mode_writes_in_caller(db, record_data, settings):
    settings.USAGE_WRITE_MODE = "direct"
    usage_record_submit(record_data(request_id="direct-1"))
    assert UsageRecord.objects.filter(request_id="direct-1").exists()


@pytest.mark.parametrize("store", [False, True])
def test_content_stored_only_when_enabled_and_redacted(db, record_data, settings, store):
    settings.USAGE_STORE_CONTENT = store
    prompt = "I am bob@example.com, card 4111 1111 1111 1111, call +44 20 7946 0958, key sk-abcdefghijklmnop"
    usage_record_submit(record_data(request_id="content", prompt_content=prompt, response_content="fine"))
    row = UsageRecord.objects.get(request_id="content")
    if not store:
        assert row.prompt_content is None and row.response_content is None
        return
    assert row.response_content == "fine"
    for secret in ("bob@example.com", "4111", "7946", "sk-abcdefghijklmnop"):
        assert secret not in row.prompt_content
    assert "[EMAIL]" in row.prompt_content and "[CARD]" in row.prompt_content


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_forked_child_starts_with_empty_buffer(record_data, settings):
    import os

    from usage.services import usage_writer

    settings.USAGE_WRITE_MODE = "inline"

    async def hold() -> None:  # from an event loop, inline mode keeps the record pending
        usage_record_submit(record_data(request_id="parent-owned"))

    asyncio.run(hold())
    assert usage_writer.pending_count() == 1
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report what it sees, leave without running any cleanup
        os.write(write_end, str(usage_writer.pending_count()).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read_end, 16) == b"0"
    assert usage_writer.pending_count() == 1
    usage_writer.discard()
