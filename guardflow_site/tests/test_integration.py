"""Against the real services: PostgreSQL, Redis and a Celery worker on the Redis broker.

Run with `make test-integration` (DATABASE_URL=postgres://..., REDIS_URL=redis://...).
Nothing here is mocked.
"""

import uuid

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCacheClient

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_readiness_is_green_against_postgres_and_redis(client):
    from django.core.cache import cache
    from django.db import connection

    response = client.get("/health/ready")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "broker"}
    assert {check["status"] for check in body["checks"].values()} == {"up"}
    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "guardflow_site.cache.GuardflowRedisCache"
    assert isinstance(cache._cache, RedisCacheClient)  # a real Redis client, not locmem
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_cache_values_are_shared_through_redis():
    import redis
    from django.core.cache import cache

    key = f"it-{uuid.uuid4().hex}"
    cache.set(key, "shared", timeout=30)

    # A second, independent client sees the value: the cache is not per-process.
    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(key in name.decode() for name in raw.keys(f"*{key}*"))
    cache.delete(key)


def test_celery_task_round_trips_through_the_redis_broker():
    from celery.contrib.testing.worker import start_worker

    from guardflow_site.celery import app
    from guardflow_site.tasks import ping

    assert app.conf.task_always_eager is False
    payload = f"round-trip-{uuid.uuid4().hex}"
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        result = ping.delay(payload)
        assert result.get(timeout=60) == payload
    assert result.successful()
    assert app.conf.broker_url.startswith("redis://")


def test_redis_cache_reuses_one_client_per_pool_and_round_trips():
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    cache.set("gf-test-pooled", {"a": 1}, 30)
    assert cache.get("gf-test-pooled") == {"a": 1}
    assert cache.incr(cache.add("gf-test-counter", 0, 30) and "gf-test-counter") == 1
    cache.delete_many(["gf-test-pooled", "gf-test-counter"])
