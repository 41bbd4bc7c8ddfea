"""The sign-up limit per client address: generous enough for one ministry, then a clear 429."""

from __future__ import annotations

import pytest
from django.conf import settings

from registration.models import Registration
from tests.factories import EventFactory
from tests.registration.test_views import VALID

pytestmark = pytest.mark.django_db

COLLEAGUES = 50


def test_fifty_colleagues_behind_one_address_sign_up_then_the_first_over_the_limit_is_told(
    client,
):
    event = EventFactory(slug="ministry", capacity=None)
    limit = settings.REGISTRATION_RATE_LIMIT  # the default: nothing overrides it here
    assert limit == 100

    def sign_up(n):
        return client.post(
            "/events/ministry/register/", {**VALID, "email": f"colleague{n}@example.gov"}
        )

    codes = [sign_up(n).status_code for n in range(COLLEAGUES)]
    assert codes == [302] * COLLEAGUES
    codes += [sign_up(n).status_code for n in range(COLLEAGUES, limit)]
    assert codes == [302] * limit
    over = sign_up(limit)
    assert over.status_code == 429
    page = over.content.decode()
    assert "Too many attempts" in page
    assert "Please wait ten minutes and try again." in page
    assert Registration.objects.filter(event=event).count() == limit


@pytest.mark.redis
def test_the_limit_counts_in_redis_per_address(settings, redis_url):
    from django.core.cache import caches

    from registration import services

    settings.CACHES = {
        "default": {
            "BACKEND": "webinar.cache.FailOpenRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
            "KEY_PREFIX": "test-rate-limit",
        }
    }
    caches["default"].clear()
    settings.REGISTRATION_RATE_LIMIT = 3
    try:
        answers = [services.signup_rate_limited(client_address="198.51.100.7") for _ in range(4)]
        neighbour = services.signup_rate_limited(client_address="198.51.100.8")
    finally:
        caches["default"].clear()
    assert answers == [False, False, False, True]
    assert neighbour is False
