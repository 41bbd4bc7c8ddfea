"""How often one client address may attempt something, counted in the shared cache."""

from __future__ import annotations

import logging

from django.conf import settings

from webinar.cache import count_in_window

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 600


def address_rate_limited(*, scope: str, client_address: str, limit: int) -> bool:
    """Count this attempt at ``scope``; True when the address is over ``limit`` for the window.

    The count is per address, so it must be read from the real client behind the proxy
    (``webinar.http.client_address``). Without a cache the count cannot be kept: the attempt
    is let through and a warning logged, as serving the page matters more than the limit.
    """
    key = f"{scope}:{client_address}"
    try:
        attempts = count_in_window(key, RATE_WINDOW_SECONDS)
    except Exception as exc:  # any cache backend: an outage must not refuse the page
        logger.warning(
            "%s rate limit off, the cache failed: %s: %s", scope, type(exc).__name__, exc
        )
        return False
    return attempts > limit


def signup_rate_limited(*, client_address: str) -> bool:
    """Count this sign-up attempt (``REGISTRATION_RATE_LIMIT`` per address per 10 minutes)."""
    return address_rate_limited(
        scope="registration:attempts",
        client_address=client_address,
        limit=settings.REGISTRATION_RATE_LIMIT,
    )
