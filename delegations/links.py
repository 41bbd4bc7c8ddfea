"""The focal point's personal link: signed like the registrants' links, with its own salt.

It does not expire by age: it works until the delegation is revoked (then it answers 404), and
after the nomination deadline it still shows the list, without accepting changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from delegations.models import Delegation

SALT = "delegations.focal-point"


def delegation_token(*, delegation: Delegation) -> str:
    return signing.dumps([delegation.pk, delegation.access_key], salt=SALT, compress=True)


def delegation_from_token(*, token: str) -> Delegation | None:
    """The delegation a token opens, or None (forged, unknown or revoked)."""
    try:
        pk, key = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        Delegation.objects.select_related("event")
        .filter(pk=pk, access_key=key, revoked_at=None)
        .first()
    )


def delegation_path(*, delegation: Delegation) -> str:
    return reverse(
        "delegations:focal_point", kwargs={"token": delegation_token(delegation=delegation)}
    )


def delegation_url(*, delegation: Delegation) -> str:
    base = getattr(settings, "SITE_URL", "http://localhost:8000").rstrip("/")
    return base + delegation_path(delegation=delegation)
