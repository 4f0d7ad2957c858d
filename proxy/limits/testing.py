"""Test support: keep one test run's limit counters away from every other run's.

User ids restart at 1 with each fresh test database while Redis counters live up to a month, so
without this a second `make test-integration` on the same day would start with the first run's
quotas spent. Used by the root conftest.py (one prefix per session / xdist worker).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test import override_settings


@contextmanager
def limits_session_prefix() -> Iterator[str]:
    prefix = f"gf:lim:test:{uuid.uuid4().hex}:"
    with override_settings(LIMITS_KEY_PREFIX=prefix):
        try:
            yield prefix
        finally:
            _delete_redis_keys(prefix)


def _delete_redis_keys(prefix: str) -> None:
    url = getattr(settings, "LIMITS_REDIS_URL", "") or getattr(settings, "REDIS_URL", "")
    if not url or getattr(settings, "LIMITS_BACKEND", "auto") not in {"auto", "redis"}:
        return
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    except redis.RedisError:
        pass  # Redis already gone: the keys expire by themselves
    finally:
        client.close()
