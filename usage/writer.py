"""The usage write path: a bounded buffer per process, drained by one background thread that
inserts in batches. Why this design, and what "lossless" covers, is in usage/README.md.

Guarantees:
- `submit` never drops: when the buffer is full the caller waits (backpressure).
- A batch that fails is retried while the database is unreachable (up to USAGE_RETRY_SECONDS),
  then written row by row; a row that still cannot be written goes to a JSONL spool file under
  `USAGE_SPOOL_DIR`, which `manage.py usage_replay` re-imports (idempotent by request_id).
- `flush` returns only when everything submitted before it is in the database or the spool.
- Process exit (atexit, SIGTERM where nobody else handles it, Celery worker shutdown) flushes.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection, models, transaction
from psycopg import sql

from usage.models import UsageRecord
from usage.records import (
    FIELD_NAMES,
    UsageRecordData,
    json_default,
    record_from_json,
    record_to_json,
    record_to_model,
    record_values,
)

logger = logging.getLogger("guardflow.usage")

_FK_FIELDS = ("user_id", "task_id", "deployment_id")


# --- writing rows ------------------------------------------------------------------------------


def _insert(records: list[UsageRecordData]) -> None:
    """One INSERT ... ON CONFLICT DO NOTHING for the lot: a duplicate request_id is a no-op."""
    if connection.vendor == "postgresql":
        _pg_insert(records)
        return
    with transaction.atomic():
        UsageRecord.objects.bulk_create([record_to_model(r) for r in records], ignore_conflicts=True)


@functools.cache
def _pg_insert_statement() -> str:
    fields = [f for f in UsageRecord._meta.concrete_fields if not f.primary_key]
    names = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    table = sql.Identifier(UsageRecord._meta.db_table)
    return (
        sql.SQL(
            "INSERT INTO {table} ({names}) SELECT {names}"
            " FROM json_populate_recordset(NULL::{table}, %s::json) ON CONFLICT (request_id) DO NOTHING"
        )
        .format(table=table, names=names)
        .as_string(None)
    )


def _pg_column_defaults() -> dict[str, object]:
    """Columns a record does not carry (none today) get the model's default, not NULL; called
    per batch, so a callable default (a timestamp) is not frozen."""
    fields = UsageRecord._meta.concrete_fields
    return {f.column: f.get_default() for f in fields if not f.primary_key and f.column not in FIELD_NAMES}


@functools.cache
def _pg_coercions() -> dict[str, type]:
    """What bulk_create's field preparation did that JSON does not: 12.0 or True into an integer
    column as 12 and 1 (an upstream reporting `"prompt_tokens": 12.0` must not cost a record)."""
    coercions: dict[str, type] = {}
    for field in UsageRecord._meta.concrete_fields:
        if isinstance(field, models.BooleanField):
            coercions[field.column] = bool
        elif isinstance(field, models.IntegerField | models.ForeignKey):
            coercions[field.column] = int
        elif isinstance(field, models.FloatField):
            coercions[field.column] = float
    return coercions


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _pg_row(values: dict[str, object]) -> dict[str, object]:
    for name, kind in _pg_coercions().items():
        value = values.get(name)
        if value is not None:
            values[name] = kind(value)
            # json.dumps writes NaN/Infinity, which is not JSON; as strings PostgreSQL reads
            # them into a float column exactly as bulk_create stored them.
            if kind is float and not math.isfinite(values[name]):
                values[name] = _NON_FINITE[repr(values[name])]
    values["client_ip"] = values["client_ip"] or None  # "" is no address: Django stored NULL
    return values


def _pg_insert(records: list[UsageRecordData]) -> None:
    """PostgreSQL: the batch as one JSON array, expanded by the server into rows
    (json_populate_recordset) in a single INSERT ... SELECT ... ON CONFLICT DO NOTHING: one
    statement and one round trip, the same constraints as bulk_create (checks, foreign keys,
    lengths; it fails as a whole and write_records goes row by row). bulk_create prepares every
    field of every row in Python (~0.3 ms a row on this machine, measured), CPU the writer
    thread spends holding the GIL the event loop needs; building the JSON costs a tenth of it."""
    defaults = _pg_column_defaults()
    rows = [_pg_row({**defaults, **record_values(record)}) for record in records]
    payload = json.dumps(rows, default=json_default, separators=(",", ":"))
    # One statement is atomic on its own; inside a caller's transaction (direct and inline
    # modes) a savepoint keeps a failed batch from aborting that transaction.
    scope = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with scope, connection.cursor() as cursor:
        cursor.execute(_pg_insert_statement(), [payload])


def _is_connection_problem(exc: DatabaseError) -> bool:
    # Data problems (constraint, bad value) will not heal by waiting; everything else might.
    return not isinstance(exc, IntegrityError) and type(exc).__name__ != "DataError"


def _reset_connection() -> None:
    # Never inside a caller's transaction (direct/inline modes): closing would end it.
    if connection.in_atomic_block:
        return
    with contextlib.suppress(DatabaseError):
        connection.close()


def _refresh_connection() -> None:
    """Drop a connection past CONN_MAX_AGE or broken, so the insert reconnects (writer thread)."""
    if not connection.in_atomic_block:
        close_old_connections()


def _insert_with_retry(records: list[UsageRecordData], *, deadline: float) -> bool:
    """True once inserted. Retries (with backoff) while the database looks unreachable."""
    delay = 0.05
    while True:
        try:
            _refresh_connection()
            _insert(records)
            return True
        except DatabaseError as exc:
            if not _is_connection_problem(exc) or time.monotonic() + delay > deadline:
                logger.warning("usage batch insert failed (%s rows): %s", len(records), type(exc).__name__)
                _reset_connection()
                return False
            _reset_connection()
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _without_dangling_keys(record: UsageRecordData) -> UsageRecordData:
    """A user/task/deployment deleted meanwhile must not cost us the record: drop that link only."""
    for name in _FK_FIELDS:
        related = UsageRecord._meta.get_field(name.removesuffix("_id")).related_model
        value = getattr(record, name)
        if value is not None and not related._default_manager.filter(pk=value).exists():
            setattr(record, name, None)
    return record


def _insert_one(record: UsageRecordData, *, deadline: float) -> bool:
    if _insert_with_retry([record], deadline=deadline):
        return True
    try:
        _insert([_without_dangling_keys(record)])
        return True
    except DatabaseError:
        _reset_connection()
        return False


def write_records(records: list[UsageRecordData], *, retry_seconds: float) -> list[UsageRecordData]:
    """Insert; fall back to row by row. Returns the records that could not be written at all."""
    deadline = time.monotonic() + retry_seconds
    if _insert_with_retry(records, deadline=deadline):
        return []
    if len(records) == 1:
        return [] if _insert_one(records[0], deadline=deadline) else records
    # Row by row: one bad row must not take the others down. Short deadline: the batch already waited.
    return [r for r in records if not _insert_one(r, deadline=min(deadline, time.monotonic() + 1))]


# --- the spool (last resort) -------------------------------------------------------------------

_spool_lock = threading.Lock()


def spool_dir() -> Path:
    return Path(settings.USAGE_SPOOL_DIR)


def spool_append(records: Iterable[UsageRecordData]) -> int:
    """Append records to this process's spool file, fsynced. Returns how many were written."""
    lines = [record_to_json(r) + "\n" for r in records]
    if not lines:
        return 0
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"usage-{socket.gethostname()}-{os.getpid()}.jsonl"
    with _spool_lock, open(path, "a", encoding="utf-8") as handle:
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())
    logger.error("usage: %s record(s) spooled to %s; run `manage.py usage_replay`", len(lines), path)
    return len(lines)


def spool_replay(*, retry_seconds: float = 5) -> tuple[int, int]:
    """Re-import every spool file. Returns (records read, records still failing → re-spooled)."""
    read = failed = 0
    for path in sorted(spool_dir().glob("usage-*.jsonl")):
        claimed = path.with_suffix(f".replaying-{os.getpid()}")
        try:
            path.rename(claimed)  # claim it, so two replays never import one file twice
        except FileNotFoundError:
            continue
        records = [record_from_json(line) for line in claimed.read_text("utf-8").splitlines() if line.strip()]
        read += len(records)
        leftovers = write_records(records, retry_seconds=retry_seconds) if records else []
        failed += spool_append(leftovers)
        claimed.unlink()
    return read, failed


# --- the buffered writer -----------------------------------------------------------------------


class UsageWriter:
    """A bounded FIFO and one daemon thread that drains it in batches."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: deque[UsageRecordData] = deque()
        self._in_flight: list[UsageRecordData] = []
        self._flushers = 0
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._pid = os.getpid()
        # A fork (Celery prefork) may happen while another thread holds the lock: the child gets
        # a fresh lock and an empty buffer (the parent still owns the records it had queued).
        os.register_at_fork(after_in_child=self._reset_in_child)

    def _reset_in_child(self) -> None:
        self._cond = threading.Condition()
        self._pending = deque()
        self._in_flight = []
        self._flushers = 0
        self._thread = None
        self._pid = os.getpid()

    # Called by request code: cheap (a lock and an append) unless the buffer is full.
    def submit(self, record: UsageRecordData, *, start_thread: bool = True) -> None:
        with self._cond:
            self._after_fork_check()
            if start_thread:
                self._ensure_thread()
            while start_thread and len(self._pending) >= settings.USAGE_BUFFER_MAX:
                self._cond.wait(0.5)  # backpressure: the caller waits, nothing is dropped
                self._ensure_thread()
            self._pending.append(record)
            if len(self._pending) == 1 or len(self._pending) >= settings.USAGE_BATCH_SIZE:
                self._cond.notify_all()  # first record starts the gather window; a full batch ends it

    def pending_count(self) -> int:
        with self._cond:
            return len(self._pending) + len(self._in_flight)

    def is_full(self) -> bool:
        return len(self._pending) >= settings.USAGE_BUFFER_MAX

    def stop(self, timeout: float = 10) -> None:
        """Flush, then end the thread (tests, and switching write modes)."""
        self.flush(timeout)
        with self._cond:
            thread, self._stopping = self._thread, True
            self._cond.notify_all()
        if thread is not None:
            thread.join(timeout)
        with self._cond:
            self._stopping, self._thread = False, None

    def flush(self, timeout: float = 10) -> None:
        """Wait until all submitted records are written; whatever is left at the timeout is spooled."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._after_fork_check()
            if not self._thread_alive():
                self._drain_here(deadline)
                return
            self._flushers += 1
            self._cond.notify_all()
            try:
                while self._pending or self._in_flight:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or not self._thread_alive():
                        break
                    self._cond.wait(min(remaining, 0.5))
            finally:
                self._flushers -= 1
            if self._pending or self._in_flight:
                # Out of time (database down at shutdown): keep them on disk. The in-flight batch may
                # still commit too; replay is idempotent by request_id, so that is harmless.
                leftovers = list(self._in_flight) + list(self._pending)
                self._pending.clear()
                spool_append(leftovers)

    def discard(self) -> None:
        """Tests only: forget pending records (they belong to a rolled-back test database)."""
        with self._cond:
            self._pending.clear()

    # --- internals ---

    def _thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _after_fork_check(self) -> None:
        # A forked child (Celery prefork) inherits the parent's buffer but not its thread: the
        # parent still owns those records, so the child starts empty.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._pending.clear()
            self._in_flight = []
            self._thread = None

    def _ensure_thread(self) -> None:
        if not self._thread_alive():
            self._thread = threading.Thread(target=self._run, name="usage-writer", daemon=True)
            self._thread.start()

    def _spool_or_log(self, batch: list[UsageRecordData]) -> None:
        try:
            spool_append(batch)
        except OSError:  # disk full or read-only: the last trace we can leave is the log
            ids = ", ".join(r.request_id for r in batch)
            logger.critical("usage writer: could not spool %s record(s): %s", len(batch), ids)

    def _drain_here(self, deadline: float) -> None:
        """No writer thread (interpreter exit, tests): write in the calling thread."""
        while self._pending:
            size = min(len(self._pending), settings.USAGE_BATCH_SIZE)
            batch = [self._pending.popleft() for _ in range(size)]
            retry = max(0.0, deadline - time.monotonic())
            spool_append(write_records(batch, retry_seconds=retry))

    def _next_batch(self) -> list[UsageRecordData] | None:
        """Block for the first record, then gather up to a batch or until the interval has passed."""
        with self._cond:
            while not self._pending:
                if self._stopping:
                    return None
                self._cond.wait()
            gather_until = time.monotonic() + settings.USAGE_FLUSH_INTERVAL_MS / 1000
            while len(self._pending) < settings.USAGE_BATCH_SIZE and not self._flushers:
                remaining = gather_until - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            size = min(len(self._pending), settings.USAGE_BATCH_SIZE)
            self._in_flight = [self._pending.popleft() for _ in range(size)]
            self._cond.notify_all()  # room in the buffer: wake submitters waiting on backpressure
            return self._in_flight

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                failed = write_records(batch, retry_seconds=settings.USAGE_RETRY_SECONDS)
                spool_append(failed)
            except Exception:  # never let the thread die with records in hand
                logger.exception("usage writer: unexpected error; spooling the batch")
                self._spool_or_log(batch)
            finally:
                with self._cond:
                    self._in_flight = []
                    self._cond.notify_all()
        _reset_connection()  # stopped: give the database connection back
