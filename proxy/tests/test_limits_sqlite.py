"""The SQLite ledger shares one set of books between the processes of one machine (the embedded
web server and Celery worker): two OS processes hammering one quota admit exactly the quota."""

import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

from django.test import override_settings

from proxy.limits import LimitCheck, LimitKind, SqliteLedger, get_ledger, reset_ledger

START = datetime(2026, 11, 21, 10, 20, 30, tzinfo=UTC).timestamp()

WORKER = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    import django
    django.setup()
    from proxy.limits import LimitCheck, LimitExceeded, LimitKind, SqliteLedger

    path, go, name, now = sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    checks = [
        LimitCheck(LimitKind.TOKENS_PER_DAY, "user:1", 1000, 10),
        LimitCheck(LimitKind.USD_PER_MONTH, "user:1", 10**9, 7),
        LimitCheck(LimitKind.REQUESTS_PER_MINUTE, "token:1", 10**6),
    ]
    ledger = SqliteLedger(path=path, clock=lambda: now)
    Path(str(go) + "." + name).touch()
    while not go.exists():
        time.sleep(0.005)

    async def one(n):
        try:
            await ledger.reserve(checks=checks, request_id=f"{name}-{n}")
            return 1
        except LimitExceeded:
            return 0

    async def main():
        return sum(await asyncio.gather(*(one(n) for n in range(160))))

    print(asyncio.run(main()))
    """
)


def test_two_processes_share_one_quota_exactly(tmp_path):
    path, go = tmp_path / "limits.sqlite3", tmp_path / "go"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guardflow_site.settings", "PYTHONPATH": str(Path.cwd())}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), str(go), f"p{n}", repr(START)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"go.p{n}").exists() for n in range(2)):
            assert all(worker.poll() is None for worker in workers), workers[0].stderr.read()
            assert time.monotonic() < deadline, "workers never got ready"
            time.sleep(0.01)
        go.touch()
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    assert sum(int(out) for out, _ in outputs) == 100
    ledger = SqliteLedger(path=path, clock=lambda: START)
    checks = [
        LimitCheck(LimitKind.TOKENS_PER_DAY, "user:1", 1000),
        LimitCheck(LimitKind.USD_PER_MONTH, "user:1", 1),
    ]
    assert [status.used for status in ledger.snapshot_sync(checks=checks)] == [1000, 700]


def test_the_sqlite_backend_is_chosen_by_settings(tmp_path):
    reset_ledger()
    try:
        with override_settings(LIMITS_BACKEND="sqlite", LIMITS_SQLITE_PATH=str(tmp_path / "l.sqlite3")):
            assert isinstance(get_ledger(), SqliteLedger)
            assert (tmp_path / "l.sqlite3").exists()
    finally:
        reset_ledger()
