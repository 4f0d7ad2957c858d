"""Graceful stops flush the buffer: process exit, SIGTERM, a crash, and uvicorn with workers.

Each case runs a real separate process on its own SQLite file, with a flush interval so long
that nothing would be written unless the shutdown path flushes.
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        GUARDFLOW_VAR_DIR=str(var_dir),
        USAGE_WRITE_MODE="buffered",
        USAGE_FLUSH_INTERVAL_MS="600000",
        USAGE_BATCH_SIZE="100000",
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "guardflow_site.settings"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def _rows(var_dir: Path, prefix: str = "") -> int:
    with sqlite3.connect(var_dir / "guardflow.sqlite3") as db:
        query = "SELECT COUNT(*) FROM usage_usagerecord WHERE request_id LIKE ?"
        return db.execute(query, (f"{prefix}%",)).fetchone()[0]


@pytest.mark.parametrize("how", ["exit", "sigterm", "raise"])
def test_process_stop_flushes_pending_records(tmp_path, how):
    result = subprocess.run(
        [sys.executable, "-m", "usage.tests.exit_script", "500", how],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "pending=500" in result.stdout, result.stderr[-2000:]  # nothing written before the stop
    assert _rows(tmp_path, f"exit-{how}-") == 500


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, proc: subprocess.Popen) -> None:
    for _ in range(300):
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            httpx.get(f"{url}/warmup/warmup-0", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("uvicorn did not start")


@pytest.mark.parametrize(("lifespan", "workers"), [("on", 2), ("off", 2), ("off", 1)])
def test_uvicorn_flushes_on_sigterm(tmp_path, lifespan, workers):
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    port = _free_port()
    uvicorn = [sys.executable, "-m", "uvicorn", "usage.tests.asgi_app:application", "--port", str(port)]
    proc = subprocess.Popen(
        [*uvicorn, "--workers", str(workers), "--lifespan", lifespan, "--no-access-log"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_serving(url, proc)
        with httpx.Client(base_url=url, timeout=10) as client:
            for i in range(200):
                assert client.get(f"/r/uv-{i}").status_code == 200
        assert _rows(tmp_path, "uv-") == 0  # still buffered in the workers
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _rows(tmp_path, "uv-") == 200


_CELERY_WORKER = [sys.executable, "-m", "celery", "-A", "usage.tests.celery_app", "worker"]


@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_celery_worker_flushes_on_sigterm(tmp_path, pool):
    env = _env(tmp_path)
    broker = tmp_path / "broker"
    for sub in ("queue", "processed", "control"):
        (broker / sub).mkdir(parents=True)
    env["USAGE_TEST_BROKER_DIR"] = str(broker)
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [*_CELERY_WORKER, "--pool", pool, "--concurrency", "1", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        done = tmp_path / "done"
        send = (
            "from usage.tests.celery_app import app; "
            f"app.send_task('usage_test.submit', args=['cel-{pool}', 150, {str(done)!r}])"
        )
        subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=env, check=True, timeout=60)
        for _ in range(600):
            if done.exists() or worker.poll() is not None:
                break
            time.sleep(0.1)
        assert done.exists(), worker.stderr.read() if worker.poll() is not None else "task did not run"
        assert _rows(tmp_path, f"cel-{pool}-") == 0  # still buffered in the worker
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _rows(tmp_path, f"cel-{pool}-") == 150
