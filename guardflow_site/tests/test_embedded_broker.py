"""The embedded default's Celery broker (files under var/) works end to end, asynchronously.

A real worker process consumes from a temporary GUARDFLOW_VAR_DIR while another process
sends `ping` with eager mode off, as `make run` does with the web process and its worker.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

SEND_PING = """
import sys, django
django.setup()
from guardflow_site.celery import app
from guardflow_site.tasks import ping
assert not app.conf.task_always_eager
assert app.conf.broker_url.startswith("filesystem://"), app.conf.broker_url
print(ping.delay(sys.argv[1]).get(timeout=90))
"""


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.pop("CELERY_RESULT_BACKEND", None)
    env.update(GUARDFLOW_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="guardflow_site.settings")
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"
    return env


@pytest.fixture
def filesystem_worker(embedded_env, tmp_path):
    celery = Path(sys.executable).with_name("celery")
    log = (tmp_path / "worker.log").open("w")
    args = ["-A", "guardflow_site", "worker", "--pool", "threads", "--concurrency", "1", "--loglevel", "INFO"]
    quiet = ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(
        [str(celery), *args, *quiet],
        cwd=BASE_DIR,
        env=embedded_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log.close()


def test_ping_round_trips_through_the_filesystem_broker(embedded_env, filesystem_worker, tmp_path):
    payload = f"embedded-{uuid.uuid4().hex}"

    sent = subprocess.run(
        [sys.executable, "-c", SEND_PING, payload],
        cwd=BASE_DIR,
        env=embedded_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    worker_log = (tmp_path / "worker.log").read_text()
    assert sent.returncode == 0, sent.stderr + worker_log
    assert sent.stdout.strip().splitlines()[-1] == payload
    assert filesystem_worker.poll() is None, worker_log  # the worker is still serving
    assert "guardflow.ping" in worker_log
