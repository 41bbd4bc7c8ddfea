"""Personal self-service links: signed, expiring, and revoked when the access key changes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from registration.models import Registration

SALT = "registration.self-service"


def link_max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.REGISTRATION_LINK_MAX_AGE_DAYS)


def registration_token(*, registration: Registration) -> str:
    return signing.dumps([registration.pk, registration.access_key], salt=SALT, compress=True)


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def registration_from_token(*, token: str) -> Registration:
    """The registration a token opens; raises LinkExpired or LinkInvalid."""
    try:
        pk, key = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkInvalid from exc
    registration = (
        Registration.objects.select_related("event")
        .filter(pk=pk, access_key=key, anonymised_at=None)
        .first()
    )
    if registration is None:
        raise LinkInvalid
    return registration


def manage_path(*, registration: Registration) -> str:
    return reverse(
        "registration:manage", kwargs={"token": registration_token(registration=registration)}
    )


def manage_url(*, registration: Registration) -> str:
    base = settings.SITE_URL
    return base + manage_path(registration=registration)
