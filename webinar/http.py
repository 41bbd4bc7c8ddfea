"""What a request says about its client, read the same way everywhere."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address; behind N trusted proxies, the N-th from the end of
    X-Forwarded-For, as allauth reads it (``ALLAUTH_TRUSTED_PROXY_COUNT``, set from
    ``TRUSTED_PROXY_COUNT``). Without proxies, or a header shorter than the count, the
    connection's own address."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
