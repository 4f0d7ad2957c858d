"""Two Guardflow server processes sharing one PostgreSQL and one Redis enforce one quota between
them, and every request they answer leaves exactly one usage record."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from proxy.services.registry import model_upsert
from usage.models import UsageRecord

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="guardflow_site.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        LIMITS_KEY_PREFIX=settings.LIMITS_KEY_PREFIX,
        SECRET_KEY=settings.SECRET_KEY,
        GUARD_ENABLED="false",
        LOG_LEVEL="WARNING",
    )
    return env


def _start_server(port: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "guardflow_site.asgi:application",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode()[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


@pytest.fixture
def two_servers(gateway_reset):
    env = _server_env()
    ports = [_free_port(), _free_port()]
    processes = [_start_server(port, env) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_ready(port, process)
        yield ports
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)  # graceful: the usage writer flushes on the way out
        for process in processes:
            process.wait(timeout=30)


async def _fire(ports: list[int], token: str, total: int, model: str) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(
            *(
                client.post(
                    f"http://127.0.0.1:{ports[i % 2]}/v1/chat/completions",
                    headers={"Authorization": f"Bearer {token}"},
                    json={
                        "model": model,
                        "messages": [{"role": "user", "content": "ping"}],
                        "max_tokens": 50,
                    },
                )
                for i in range(total)
            )
        )


def test_two_processes_share_one_request_quota_and_record_everything(two_servers, member, api_token_factory):
    model_upsert(data={"name": "shared", "deployments": [{"provider": "mock", "upstream_model": "m"}]})
    token, _ = api_token_factory(member, requests_per_day=10)
    responses = asyncio.run(_fire(two_servers, token, 30, "shared"))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 10, statuses
    assert statuses.count(429) == 20
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 429} == {"rate_limit_exceeded"}


def test_two_processes_never_overshoot_a_token_quota(two_servers, member, api_token_factory):
    model_upsert(
        data={
            "name": "slow-shared",
            "deployments": [{"provider": "mock", "upstream_model": "m", "options": {"token_delay_ms": 5}}],
        }
    )
    quota = 1000
    token, _ = api_token_factory(member, tokens_per_day=quota)
    responses = asyncio.run(_fire(two_servers, token, 64, "slow-shared"))
    ok = [r for r in responses if r.status_code == 200]
    assert ok and len(ok) < 64
    assert sum(r.json()["usage"]["total_tokens"] for r in ok) <= quota


def test_usage_records_equal_requests_after_graceful_stop(gateway_reset, member, api_token_factory):
    model_upsert(data={"name": "counted", "deployments": [{"provider": "mock", "upstream_model": "m"}]})
    token, _ = api_token_factory(member)
    env = _server_env()
    port = _free_port()
    process = _start_server(port, env)
    try:
        _wait_ready(port, process)
        responses = asyncio.run(_fire([port, port], token, 50, "counted"))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert [r.status_code for r in responses].count(200) == 50
    assert UsageRecord.objects.filter(model_name="counted").count() == 50
