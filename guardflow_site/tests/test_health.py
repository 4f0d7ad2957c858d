"""Liveness and readiness, with dependencies made really unreachable (no mocked checks)."""

import socket

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

EXPECTED_CHECKS = {"database", "cache", "channel_layer", "broker"}


def _unused_port() -> int:
    # Bind, read the port, close: nothing listens there afterwards, so connections are refused.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_liveness_is_200_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_liveness_only_answers_get(client):
    assert client.post("/health").status_code == 405


def test_readiness_is_200_with_every_check_named(client):
    response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == EXPECTED_CHECKS
    assert all(check["status"] == "up" for check in body["checks"].values())
    assert "down" not in body


def test_readiness_is_503_naming_the_cache_when_redis_is_unreachable(client):
    redis_url = f"redis://127.0.0.1:{_unused_port()}/0"
    with override_settings(
        CACHES={"default": {"BACKEND": "guardflow_site.cache.GuardflowRedisCache", "LOCATION": redis_url}}
    ):
        response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["down"] == ["cache"]
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"
    assert "127.0.0.1" not in response.content.decode()  # the error type only, never the URL


def test_readiness_is_503_naming_the_channel_layer_when_it_is_unreachable(client):
    redis_url = f"redis://127.0.0.1:{_unused_port()}/0"
    backend = "channels_redis.core.RedisChannelLayer"
    layers = {"default": {"BACKEND": backend, "CONFIG": {"hosts": [redis_url]}}}
    with override_settings(CHANNEL_LAYERS=layers):
        response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["channel_layer"]
    assert body["checks"]["cache"]["status"] == "up"


def test_readiness_is_503_naming_the_broker_when_it_refuses(client):
    from guardflow_site.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{_unused_port()}/0"
    try:
        response = client.get("/health/ready")
    finally:
        app.conf.broker_url = previous

    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["broker"]
    assert body["checks"]["broker"]["error"]


def test_readiness_is_503_naming_the_database_when_it_is_down(client):
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    working = connections["default"]
    unreachable = dict(working.settings_dict, ENGINE="django.db.backends.postgresql", NAME="guardflow")
    unreachable.update(HOST="127.0.0.1", PORT=str(_unused_port()), USER="guardflow", PASSWORD="")
    connections["default"] = DatabaseWrapper(unreachable, alias="default")
    try:
        response = client.get("/health/ready")
    finally:
        connections["default"] = working

    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["database"]
    assert body["checks"]["database"]["status"] == "down"
