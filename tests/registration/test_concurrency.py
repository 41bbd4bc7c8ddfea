"""Concurrent sign-ups on PostgreSQL: the capacity and the one-per-email rule hold."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from registration import services
from registration.models import OutgoingMail, Registration
from tests.factories import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _sign_up(event, email):
    try:
        return services.register(
            event=event,
            email=email,
            first_name="Concurrent",
            last_name="Participant",
            country="TD",
            organization="Ministry (fictional)",
            category="national_government",
        ).status
    except services.RegistrationError as exc:
        return exc.code
    finally:
        connection.close()


def test_200_concurrent_sign_ups_for_50_seats():
    event = EventFactory(capacity=50)
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(lambda i: _sign_up(event, f"p{i}@example.org"), range(200)))
    assert outcomes.count(Registration.Status.APPROVED) == 50
    assert outcomes.count(Registration.Status.WAITLISTED) == 150
    assert event.registrations.filter(status=Registration.Status.APPROVED).count() == 50
    assert event.registrations.filter(status=Registration.Status.WAITLISTED).count() == 150
    kinds = OutgoingMail.objects.filter(registration__event=event).values_list("kind", flat=True)
    assert sorted(set(kinds)) == ["approved", "waitlisted"]
    assert (list(kinds).count("approved"), list(kinds).count("waitlisted")) == (50, 150)


def test_20_concurrent_sign_ups_with_one_email_make_one_row():
    event = EventFactory()
    emails = ["Same@Example.org" if i % 2 else "same@example.org" for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(lambda e: _sign_up(event, e), emails))
    assert outcomes.count(Registration.Status.APPROVED) == 1
    assert outcomes.count("duplicate") == 19
    assert event.registrations.count() == 1
    kinds = sorted(event.registrations.get().mails.values_list("kind", flat=True))
    assert kinds == ["already_registered", "approved"]
