"""Concurrent sign-ups through the real HTTP stack (gunicorn, PostgreSQL): the capacity is
never exceeded, no address is registered twice, and no request fails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from registration.models import Registration
from tests.factories import EventFactory
from tests.trust.http import Browser
from tests.utils import production_env, start_web, stop

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS = 25
PEOPLE = 90
DUPLICATE_TRIES = 3  # each of the first people signs up this many times, at once


@pytest.fixture
def web(tmp_path, collected_static):
    env = production_env(
        CELERY_BROKER_URL="filesystem://",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=collected_static,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        REGISTRATION_RATE_LIMIT="100000",
    )
    process, url = start_web(env=env, log_path=tmp_path / "web.log", workers=4)
    yield url
    stop(process)


def _sign_up(url: str, n: int) -> int:
    status, _html, _location = Browser(url).post_form(
        "/events/rush/register/",
        {
            "first_name": "Rush", "last_name": f"Participant {n}",
            "email": f"rush{n}@example.org" if n % 2 else f"RUSH{n}@Example.org",
            "sex": "undisclosed", "country": "TD", "organization": "Ministry (fictional)",
            "category": "national_government", "language": "fr", "consent_processing": "on",
        },
    )  # fmt: skip
    return status


def test_concurrent_sign_ups_over_http_hold_capacity_and_uniqueness(web):
    event = EventFactory(slug="rush", capacity=SEATS)
    attempts = list(range(PEOPLE)) + [n for n in range(10) for _ in range(DUPLICATE_TRIES - 1)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda n: _sign_up(web, n), attempts))
    # A duplicate gets the same answer as a newcomer (nothing is revealed to a stranger).
    assert statuses == [302] * len(attempts)
    rows = Registration.objects.filter(event=event)
    assert rows.count() == PEOPLE
    assert rows.filter(status=Registration.Status.APPROVED).count() == SEATS
    assert rows.filter(status=Registration.Status.WAITLISTED).count() == PEOPLE - SEATS
    assert len({email.lower() for email in rows.values_list("email", flat=True)}) == PEOPLE
