"""The Redis cache fails open: with Redis refusing connections, it acts as an empty cache."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings

from webinar import cache as fail_open


def test_refused_redis_degrades_to_an_empty_cache_with_one_warning(unused_port, caplog):
    backend = fail_open.FailOpenRedisCache(
        f"redis://127.0.0.1:{unused_port}/0", {"OPTIONS": settings.REDIS_CACHE_OPTIONS}
    )
    fail_open._down_until.clear()
    with caplog.at_level(logging.WARNING, logger="webinar.cache"):
        outcomes = (
            backend.get("k", "default"),
            backend.add("k", 1, 60),
            backend.incr("k"),
            backend.set("k", 1, 60),
            backend.get_many(["a", "b"]),
            backend.delete("k"),
        )
    fail_open._down_until.clear()
    assert outcomes == ("default", True, 1, None, {}, False)
    warnings = [r.getMessage() for r in caplog.records if r.name == "webinar.cache"]
    assert len(warnings) == 1
    assert warnings[0].startswith("cache unavailable (ConnectionError")


@pytest.fixture
def redis_backend(redis_url):
    backend = fail_open.FailOpenRedisCache(
        redis_url, {"OPTIONS": settings.REDIS_CACHE_OPTIONS, "KEY_PREFIX": "test-cache"}
    )
    fail_open._down_until.clear()
    backend.clear()
    yield backend
    backend.clear()


@pytest.mark.redis
def test_incr_in_window_counts_from_the_first_attempt_and_keeps_its_window(redis_backend):
    assert [redis_backend.incr_in_window("a", 600) for _ in range(3)] == [1, 2, 3]
    assert redis_backend.incr_in_window("b", 600) == 1  # another key is counted apart
    client = redis_backend._cache.get_client()
    key = redis_backend.make_key("a")
    ttl = client.ttl(key)
    assert 590 < ttl <= 600
    client.expire(key, 5)  # later counts do not move the window's end
    assert redis_backend.incr_in_window("a", 600) == 4
    assert client.ttl(key) <= 5
    # Read back through the cache as Django stores integers.
    assert redis_backend.get("a") == 4
    redis_backend.delete("a")
    assert redis_backend.incr_in_window("a", 600) == 1


@pytest.mark.redis
def test_one_redis_client_is_made_per_connection_pool(redis_backend):
    first = redis_backend._cache.get_client("k", write=True)
    assert redis_backend._cache.get_client("other", write=True) is first
    redis_backend.set("k", 1, 60)
    assert redis_backend.get("k") == 1


def test_incr_in_window_fails_open_like_incr(unused_port):
    backend = fail_open.FailOpenRedisCache(
        f"redis://127.0.0.1:{unused_port}/0", {"OPTIONS": settings.REDIS_CACHE_OPTIONS}
    )
    fail_open._down_until.clear()
    assert backend.incr_in_window("k", 600) == 1
    fail_open._down_until.clear()
