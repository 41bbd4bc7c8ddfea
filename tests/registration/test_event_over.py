"""One rule, "the event is over", closes cancelling, editing and the waiting list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registration import links, services
from registration.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _past_event(**kwargs):
    now = timezone.now()
    return EventFactory(
        starts_at=now - dt.timedelta(days=3), ends_at=now - dt.timedelta(days=3, hours=-3), **kwargs
    )


def test_event_is_over_from_its_end():
    event = EventFactory()
    assert services.event_is_over(event=event, now=event.ends_at - dt.timedelta(seconds=1)) is False
    assert services.event_is_over(event=event, now=event.ends_at) is True


def test_cancelling_after_the_event_is_refused_and_nobody_is_promoted(
    client, django_capture_on_commit_callbacks
):
    past = _past_event(capacity=1)
    seated = RegistrationFactory(event=past)
    waiting = RegistrationFactory(event=past, status=Status.WAITLISTED)
    # A bystander: an upcoming event, where cancelling still frees a seat for the next person.
    upcoming = EventFactory(capacity=1)
    other_seated = RegistrationFactory(event=upcoming)
    other_waiting = RegistrationFactory(event=upcoming, status=Status.WAITLISTED)
    path = links.manage_path(registration=seated)

    page = client.get(path + "cancel/")
    assert page.status_code == 409
    assert "This event is over: registrations can no longer be cancelled" in page.content.decode()
    assert "Yes, cancel my registration" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(path + "cancel/")
        client.post(links.manage_path(registration=other_seated) + "cancel/")
    assert refused.status_code == 409
    assert "This event is over" in refused.content.decode()

    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {
        seated.pk: Status.APPROVED,
        waiting.pk: Status.WAITLISTED,
        other_seated.pk: Status.CANCELLED,
        other_waiting.pk: Status.APPROVED,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([other_seated.email, other_waiting.email])
    assert seated.mails.count() == waiting.mails.count() == 0


def test_the_services_refuse_after_the_event_whoever_calls_them(
    django_capture_on_commit_callbacks,
):
    past = _past_event(capacity=2)
    seated = RegistrationFactory(event=past, first_name="Amina")
    waiting = RegistrationFactory(event=past, status=Status.WAITLISTED)
    with pytest.raises(services.RegistrationError) as refused:
        services.registration_cancel(registration=seated)
    assert refused.value.code == "over"
    with pytest.raises(services.RegistrationError):
        services.registration_update_details(registration=seated, first_name="Changed")
    # A free seat (capacity 2, one taken) is not given away after the event either.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_fill_free_seats(event_id=past.pk) == 0
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, seated.first_name, waiting.status) == (
        Status.APPROVED,
        "Amina",
        Status.WAITLISTED,
    )
    assert mail.outbox == []


def test_manage_page_after_the_event_offers_neither_cancel_nor_edit(client):
    registration = RegistrationFactory(event=_past_event())
    page = client.get(links.manage_path(registration=registration)).content.decode()
    token = links.registration_token(registration=registration)
    assert f"/registrations/{token}/cancel/" not in page
    assert f"/registrations/{token}/edit/" not in page
