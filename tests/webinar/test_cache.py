"""The Redis cache fails open: with Redis refusing connections, it acts as an empty cache."""

from __future__ import annotations

import logging

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
