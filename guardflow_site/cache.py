"""Django's Redis cache backend, minus a per-operation client construction.

`django.core.cache.backends.redis.RedisCacheClient.get_client()` builds a new `redis.Redis`
around the (shared) connection pool for every cache call. Constructing one sets up its response
callbacks and costs more CPU than the Redis round trip on the gateway's hot path, where every
request makes several cache calls. A `redis.Redis` is thread-safe and holds no per-call state,
so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class GuardflowRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient
