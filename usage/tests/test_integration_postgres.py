"""The write path on real PostgreSQL (make test-integration). No mocks: a real outage is a
process pointed at a port where no database listens."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from usage.models import UsageRecord
from usage.services import usage_flush, usage_record_submit

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _database_url(name: str, port: int | None = None) -> str:
    settings = connection.settings_dict
    host, db_port = settings["HOST"] or "127.0.0.1", port or settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{db_port}/{name}"


def _run_exit_script(
    tmp_path: Path, *, how: str, database_url: str, migrate: bool
) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        GUARDFLOW_VAR_DIR=str(tmp_path),
        USAGE_SPOOL_DIR=str(tmp_path / "spool"),
        USAGE_WRITE_MODE="buffered",
        USAGE_FLUSH_INTERVAL_MS="600000",
        USAGE_BATCH_SIZE="100000",
        USAGE_RETRY_SECONDS="1",
        EXIT_SCRIPT_MIGRATE="1" if migrate else "0",
    )
    return subprocess.run(
        [sys.executable, "-m", "usage.tests.exit_script", "300", how],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_postgres_many_threads_every_record_once(usage_buffered, record_data, member):
    assert connection.vendor == "postgresql"

    def work(n: int) -> None:
        for i in range(200):
            usage_record_submit(record_data(request_id=f"pg-{n}-{i}", user_id=member.id))
            if i % 50 == 0:  # the same request id again: must stay one row
                usage_record_submit(record_data(request_id=f"pg-{n}-{i}", user_id=member.id))

    workers = [threading.Thread(target=work, args=(n,)) for n in range(12)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    usage_flush()
    assert UsageRecord.objects.count() == 2400
    assert UsageRecord.objects.filter(user=member).count() == 2400


def test_postgres_dangling_foreign_key_keeps_the_record(usage_buffered, record_data, member):
    usage_record_submit(record_data(request_id="pg-ok", user_id=member.id))
    usage_record_submit(record_data(request_id="pg-gone", user_id=987_654, task_id=987_654))
    usage_flush()
    assert dict(UsageRecord.objects.values_list("request_id", "user_id")) == {
        "pg-ok": member.id,
        "pg-gone": None,
    }


def _every_field_set(record_data, member, request_id: str):
    from datetime import UTC, datetime
    from decimal import Decimal

    return record_data(
        request_id=request_id,
        created_at=datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC),
        user_id=member.id,
        token_id=2**40,
        token_prefix="gf_Ab9",
        email_hash="e" * 64,
        model_name='mo"del\\ \u00e9\u4e2d\x00',  # quote, backslash, non-ASCII, NUL
        provider="openai",
        upstream_model="gpt-4o-mini",
        endpoint="messages",
        input_tokens=123_456,
        output_tokens=7,
        cost_usd=Decimal("12.34567891"),
        usage_estimated=True,
        latency_ms=4_000_000,
        ttft_ms=0,
        http_status=499,
        status="client_closed",
        error_code="client_closed",
        is_stream=True,
        intent="coding",
        intent_confidence=0.1 + 0.2,  # not exactly representable: must round-trip as float8
        risk_categories={"jailbreak": 0.91, "nested": {"a": [1, None, "x"]}},
        risk_score=1e-9,
        deviation=None,
        verdict="flag",
        flagged=True,
        prompt_content="my key sk-abcdefghijklmnopqrstuvwx and a@b.example",
        response_content="line\nbreak\ttab",
        client_ip="2001:db8::1",
    )


@pytest.mark.parametrize("store", [False, True])
def test_postgres_batch_insert_stores_what_the_orm_would(db, record_data, member, settings, store):
    """The JSON batch insert (writer._pg_insert) must store every field exactly as bulk_create
    does (record_to_model), content redaction and NUL replacement included."""
    from usage import writer
    from usage.records import record_to_model

    settings.USAGE_STORE_CONTENT = store
    writer._insert([_every_field_set(record_data, member, "pg-json")])
    record_to_model(_every_field_set(record_data, member, "pg-orm")).save()
    fields = [
        f.attname
        for f in UsageRecord._meta.concrete_fields
        if not f.primary_key and f.attname != "request_id"
    ]
    json_row, orm_row = (
        UsageRecord.objects.values(*fields).get(request_id=rid) for rid in ("pg-json", "pg-orm")
    )
    assert json_row == orm_row
    assert json_row["model_name"] == 'mo"del\\ \u00e9\u4e2d\ufffd'
    assert json_row["intent_confidence"] == 0.1 + 0.2
    assert (json_row["prompt_content"] is None) is not store


def test_postgres_batch_insert_takes_what_bulk_create_took(db, record_data, settings):
    """Values the ORM path stored must not cost a record on the JSON path: NaN and infinities
    (not JSON), whole floats and booleans in integer columns (an upstream reporting
    "prompt_tokens": 12.0), an empty client address, a lone surrogate in upstream text."""
    import math

    from usage import writer

    settings.USAGE_STORE_CONTENT = True
    writer._insert(
        [
            record_data(request_id="pg-nan", intent_confidence=float("nan"), risk_score=float("inf")),
            record_data(request_id="pg-ninf", deviation=float("-inf")),
            record_data(request_id="pg-floats", input_tokens=12.0, output_tokens=7.0, latency_ms=True),
            record_data(request_id="pg-noip", client_ip=""),
            record_data(request_id="pg-surrogate", response_content="broken \udc80 text"),
        ]
    )
    nan_row = UsageRecord.objects.get(request_id="pg-nan")
    assert math.isnan(nan_row.intent_confidence) and nan_row.risk_score == float("inf")
    assert UsageRecord.objects.get(request_id="pg-ninf").deviation == float("-inf")
    floats = UsageRecord.objects.get(request_id="pg-floats")
    assert (floats.input_tokens, floats.output_tokens, floats.latency_ms) == (12, 7, 1)
    assert UsageRecord.objects.get(request_id="pg-noip").client_ip is None
    assert UsageRecord.objects.get(request_id="pg-surrogate").response_content == "broken \ufffd text"


def test_postgres_batch_insert_fails_as_a_whole_then_row_by_row(db, record_data, member):
    """A row breaking a constraint (negative tokens: CHECK) fails the batch; the others are
    still written, the duplicate stays one row."""
    from usage import writer

    good = [record_data(request_id=f"pg-b-{i}", user_id=member.id) for i in range(3)]
    bad = record_data(request_id="pg-b-bad", input_tokens=-1)
    failed = writer.write_records([*good, bad, good[0]], retry_seconds=0.2)
    assert failed == [bad]
    assert set(UsageRecord.objects.values_list("request_id", flat=True)) == {"pg-b-0", "pg-b-1", "pg-b-2"}


def test_postgres_process_exit_flushes(transactional_db, tmp_path):
    result = _run_exit_script(
        tmp_path, how="sigterm", database_url=_database_url(connection.settings_dict["NAME"]), migrate=False
    )
    assert "pending=300" in result.stdout, result.stderr[-2000:]
    assert UsageRecord.objects.filter(request_id__startswith="exit-sigterm-").count() == 300


def test_postgres_down_spools_then_replay(transactional_db, tmp_path, settings):
    result = _run_exit_script(
        tmp_path, how="exit", database_url=_database_url("nowhere", port=1), migrate=False
    )
    assert "pending=300" in result.stdout, result.stderr[-2000:]
    spooled = list((tmp_path / "spool").glob("*.jsonl"))
    assert sum(len(p.read_text().splitlines()) for p in spooled) == 300

    settings.USAGE_SPOOL_DIR = tmp_path / "spool"
    call_command("usage_replay")
    call_command("usage_replay")
    assert UsageRecord.objects.filter(request_id__startswith="exit-exit-").count() == 300


def test_postgres_analytics_percentiles_match_python(db, member, operator, api_client):
    """PERCENTILE_CONT in PostgreSQL gives what the SQLite path computes in Python."""
    from accounts.services import auth_tokens_issue
    from usage.selectors import _percentile

    latencies = [5, 10, 20, 40, 80, 160, 320]
    for i, latency in enumerate(latencies):
        UsageRecord.objects.create(request_id=f"pct-{i}", user=member, model_name="m", latency_ms=latency)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {auth_tokens_issue(user=operator)['access_token']}")
    response = api_client.get("/api/v1/admin/analytics/usage?group_by=model")
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    assert row["latency_p50_ms"] == pytest.approx(_percentile(latencies, 0.5)) == pytest.approx(40)
    assert row["latency_p95_ms"] == pytest.approx(_percentile(latencies, 0.95))
