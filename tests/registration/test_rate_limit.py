"""The sign-up limit per client address: generous enough for one ministry, then a clear 429."""

from __future__ import annotations

import pytest
from django.conf import settings

from registration import services
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


def _attempts(n, *, scope="registration:attempts", address="192.0.2.1", limit=3):
    return [
        services.address_rate_limited(scope=scope, client_address=address, limit=limit)
        for _ in range(n)
    ]


def test_the_attempt_after_the_limit_is_the_first_refused():
    assert _attempts(5) == [False, False, False, True, True]


def test_each_address_and_each_scope_has_its_own_count():
    assert _attempts(3) == [False] * 3
    assert _attempts(1, address="192.0.2.2") == [False]
    assert _attempts(1, scope="certificates:verify") == [False]
    assert _attempts(1) == [True]


def test_signing_up_counts_against_the_registration_limit(settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    limited = [services.signup_rate_limited(client_address="192.0.2.1") for _ in range(3)]
    assert limited == [False, False, True]
    assert _attempts(1, limit=3) == [True]  # the same count, under the same scope


def test_a_cache_that_is_down_lets_every_attempt_through(settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "tests.registration.odd_caches.DownCache"}}
    assert _attempts(5, limit=1) == [False] * 5
    assert "registration:attempts rate limit off, the cache failed: ConnectionRefusedError" in (
        caplog.text
    )


def test_a_count_that_expired_meanwhile_starts_again_at_one(settings):
    settings.CACHES = {"default": {"BACKEND": "tests.registration.odd_caches.ForgetfulCache"}}
    assert _attempts(3, limit=1) == [False, False, False]
    from django.core.cache import cache

    assert cache.get("registration:attempts:192.0.2.1") == 1


def test_the_count_lasts_ten_minutes_from_the_first_attempt(monkeypatch):
    import time

    start = time.time()
    clock = [start]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # the cache's clock
    assert _attempts(3, limit=2) == [False, False, True]
    clock[0] = start + 599
    assert _attempts(1, limit=2) == [True]
    clock[0] = start + 600
    assert _attempts(2, limit=2) == [False, False]


def test_a_count_started_again_after_expiring_lasts_ten_minutes(settings, monkeypatch):
    import time

    from tests.registration.odd_caches import ForgetsOnceCache

    settings.CACHES = {"default": {"BACKEND": "tests.registration.odd_caches.ForgetsOnceCache"}}
    monkeypatch.setattr(ForgetsOnceCache, "forgot", False)
    start = time.time()
    clock = [start]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # the cache's clock
    assert _attempts(3, limit=2) == [False, False, True]
    clock[0] = start + 599
    assert _attempts(1, limit=2) == [True]
    clock[0] = start + 600
    assert _attempts(1, limit=2) == [False]
