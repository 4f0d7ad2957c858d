"""Usage write path benchmark: direct insert per request vs. the buffered batch writer.

    .venv/bin/python bench/usage_write_bench.py                 # SQLite (fresh file in a temp dir)
    .venv/bin/python bench/usage_write_bench.py --db postgres   # PostgreSQL on 127.0.0.1 (own database)

Each mode: T threads (the request handlers) submit N records in total. "per record" is what the
request pays (the time inside the submit call); records/s is end to end, until every row is
committed (flush included). The rows are counted afterwards: written must equal submitted.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "guardflow_usage_bench"


def _configure(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guardflow_site.settings")
    os.environ["GUARDFLOW_VAR_DIR"] = tempfile.mkdtemp(prefix="usage-bench-")
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_BENCH_DB,)).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
        os.environ["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _run(mode: str, *, total: int, threads: int) -> dict:
    from django.conf import settings
    from django.db import connections

    from usage.models import UsageRecord
    from usage.records import UsageRecordData
    from usage.services import usage_flush, usage_record_submit

    UsageRecord.objects.all().delete()
    settings.USAGE_WRITE_MODE = mode
    per_thread = total // threads
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def handler(n: int) -> None:
        own = latencies[n]
        for i in range(per_thread):
            record = UsageRecordData(request_id=f"{mode}-{n}-{i}", model_name="mock", input_tokens=12)
            started = time.perf_counter()
            usage_record_submit(record)
            own.append(time.perf_counter() - started)
        connections.close_all()

    started = time.perf_counter()
    workers = [threading.Thread(target=handler, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    usage_flush(timeout=120)
    elapsed = time.perf_counter() - started
    flat = sorted(x for own in latencies for x in own)
    return {
        "mode": mode,
        "records": len(flat),
        "written": UsageRecord.objects.count(),
        "median_us": statistics.median(flat) * 1e6,
        "p99_us": flat[int(len(flat) * 0.99) - 1] * 1e6,
        "per_s": len(flat) / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    _configure(args.db)
    print(f"database: {args.db}, records per run: {args.records}")
    print(f"{'mode':<9} {'threads':>7} {'median µs':>10} {'p99 µs':>10} {'records/s':>10} {'written':>8}")
    for threads in args.threads:
        for mode in ("direct", "buffered"):
            r = _run(mode, total=args.records, threads=threads)
            print(
                f"{r['mode']:<9} {threads:>7} {r['median_us']:>10.1f} {r['p99_us']:>10.1f} "
                f"{r['per_s']:>10.0f} {r['written']:>5}/{r['records']}"
            )


if __name__ == "__main__":
    main()
