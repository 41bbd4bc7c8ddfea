"""Redis as Django's cache, failing open when Redis is down or silent.

docker-compose.yml puts the cache and the broker on one Redis server. Nothing the cache holds
must be needed to serve a page: sign-up and login rate limits, cached agenda exports, allauth's
locks. So while Redis is unreachable the cache behaves like an empty one that forgets every
write (``get`` gives the default, ``add`` succeeds, ``incr`` starts from nothing), and the
process logs one warning per outage instead of answering 500.

After a failure the cache is not asked again for ``RETRY_AFTER_SECONDS``: with Redis accepting
connections and never answering, only the first request of each process in that window waits
for the socket timeout (settings ``REDIS_CACHE_OPTIONS``), the others go on at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10.0

T = TypeVar("T")

# Per process and server: the cache object itself is made again for every thread.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis-py client per connection pool.

    Django makes a new ``redis.Redis`` for every cache call, and making one fills a table of
    some 170 reply handlers: three cache calls on a sign-up cost more CPU than their round
    trips. The redis-py client is safe to share (its pool hands out connections)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        # Django's own attributes, as its get_client uses them (not in the type stubs).
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class FailOpenRedisCache(RedisCache):
    """RedisCache whose failures degrade to "nothing cached" with a warning in the log."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        location = str(getattr(self, "_servers", ""))  # set by RedisCache (not in the stubs)
        if time.monotonic() < _down_until.get(location, 0.0):
            return fallback
        try:
            return call()
        except redis.RedisError as exc:
            with _lock:
                was_up = time.monotonic() >= _down_until.get(location, 0.0)
                _down_until[location] = time.monotonic() + RETRY_AFTER_SECONDS
            if was_up:
                logger.warning(
                    "cache unavailable (%s: %s): rate limits and cached pages are off; "
                    "trying again in %.0f s",
                    type(exc).__name__,
                    exc,
                    RETRY_AFTER_SECONDS,
                )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(lambda: RedisCache.add(self, key, value, timeout, version), True)

    def get(self, key, default=None, version=None) -> Any:
        return self._guard(lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guard(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key, version=None) -> bool:
        return self._guard(lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys, version=None) -> dict:
        return self._guard(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None) -> bool:
        return self._guard(lambda: RedisCache.has_key(self, key, version), False)

    def incr_in_window(self, key, window: int, version=None) -> int:
        """Count one more for ``key``, in a window of ``window`` seconds from its first count;
        the new count. One round trip, where ``add`` then ``incr`` take three."""
        key = self.make_and_validate_key(key, version=version)

        def count() -> int:
            pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
            pipe.set(key, 0, ex=window, nx=True)  # an int, as Django's serializer stores one
            pipe.incr(key)
            return pipe.execute()[1]

        return self._guard(count, 1)

    def incr(self, key, delta=1, version=None) -> int:
        # As if the key had just been created: a rate limit counts this attempt as the first.
        return self._guard(lambda: RedisCache.incr(self, key, delta, version), delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        return self._guard(lambda: RedisCache.set_many(self, data, timeout, version), [])

    def delete_many(self, keys, version=None) -> None:
        self._guard(lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._guard(lambda: RedisCache.clear(self), None)


def count_in_window(key: str, window: int) -> int:
    """Count one more for ``key`` in the default cache, in a window of ``window`` seconds from
    its first count; the new count. On Redis one round trip (``incr_in_window``, which fails
    open like the rest of ``FailOpenRedisCache``: 1 while Redis is down); any other cache adds
    the key, then increments it, and raises when it fails (the caller decides)."""
    backend = caches["default"]
    if isinstance(backend, FailOpenRedisCache):
        return backend.incr_in_window(key, window)
    backend.add(key, 0, window)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, window)
        return 1
