"""How many sign-ups one client address may attempt, counted in the shared cache."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 600


def signup_rate_limited(*, client_address: str) -> bool:
    """Count this sign-up attempt; True when the address is over the limit for the window.

    The limit is per address (``REGISTRATION_RATE_LIMIT`` per 10 minutes), so it must be read
    from the real client behind the proxy (``webinar.http.client_address``). Without a cache
    the count cannot be kept: the attempt is let through and a warning logged, as a sign-up
    matters more than the limit.
    """
    limit = settings.REGISTRATION_RATE_LIMIT
    key = f"registration:attempts:{client_address}"
    try:
        cache.add(key, 0, RATE_WINDOW_SECONDS)
        try:
            attempts = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW_SECONDS)
            attempts = 1
    except Exception as exc:  # any cache backend: an outage must not refuse sign-ups
        logger.warning("sign-up rate limit off, the cache failed: %s: %s", type(exc).__name__, exc)
        return False
    return attempts > limit
