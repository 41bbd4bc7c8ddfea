"""How often one client address may look certificate numbers up (shared cache)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 600


def verification_rate_limited(*, client_address: str) -> bool:
    """Count this look-up; True when the address is over the limit for the window.

    With 8e14 possible numbers, the limit makes guessing hopeless. If the cache is down the
    look-up is let through (a warning is logged): a verifier matters more than the count.
    """
    limit = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    key = f"certificates:verify:{client_address}"
    try:
        cache.add(key, 0, RATE_WINDOW_SECONDS)
        try:
            attempts = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, RATE_WINDOW_SECONDS)
            attempts = 1
    except Exception as exc:  # any cache backend's outage
        logger.warning(
            "verification rate limit off, the cache failed: %s: %s", type(exc).__name__, exc
        )
        return False
    return attempts > limit
