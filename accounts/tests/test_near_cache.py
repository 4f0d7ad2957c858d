"""The near cache without Redis (its behaviour with Redis is in test_integration.py)."""

from accounts.near_cache import NearCache


def test_off_without_redis_keeps_nothing(settings):
    settings.REDIS_URL = ""
    cache = NearCache()
    cache.put("k", "v", ttl=60, generation=cache.generation())
    assert cache.get("k") is None
    cache.invalidate(["k"])  # no Redis to publish to: a no-op, not an error


def test_off_when_turned_off(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there; never contacted
    settings.PRINCIPAL_NEAR_CACHE = False
    cache = NearCache()
    assert cache.get("k") is None
    assert cache._connect_after == 0.0  # it did not even try to subscribe


def test_channel_names_the_database_never_the_password(settings):
    settings.REDIS_URL = "redis://:s3cret-pass@redis.internal:6379/7"
    channel = NearCache._channel()
    assert "s3cret" not in channel and channel.endswith(":7:auth-invalidate")
    settings.REDIS_URL = "redis://:s3cret-pass@redis.internal:6379"
    assert "s3cret" not in NearCache._channel()


def test_a_failed_publish_is_logged_not_raised(settings, caplog):
    """An invalidation runs in post_save and on_commit handlers: raising there would fail a
    change that is already committed."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    cache = NearCache()
    cache.invalidate(["accounts:auth:tok:x"])
    assert "could not publish an invalidation" in caplog.text
