"""How often one client address may look certificate numbers up (shared cache)."""

from __future__ import annotations

from django.conf import settings

from registration.services import address_rate_limited


def verification_rate_limited(*, client_address: str) -> bool:
    """Count this look-up; True when the address is over the limit for the 10-minute window.

    With 8e14 possible numbers, the limit makes guessing hopeless. If the cache is down the
    look-up is let through (a warning is logged): a verifier matters more than the count.
    """
    return address_rate_limited(
        scope="certificates:verify",
        client_address=client_address,
        limit=settings.CERTIFICATE_VERIFY_RATE_LIMIT,
    )
