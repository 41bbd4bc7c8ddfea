import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registration import services
from registration.models import Registration
from tests.factories import EventFactory, RegistrationFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db


def _register(event, email="amina@example.org", **extra):
    fields = {
        "first_name": "Amina",
        "last_name": "Example",
        "country": "NE",
        "organization": "Ministry of Planning (fictional)",
        "category": "national_government",
        "language": "fr",
        **extra,
    }
    return services.register(event=event, email=email, **fields)


def test_register_approves_automatically_and_mails_in_registrant_language(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(title="Sahel webinar")
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)
    assert registration.status == Registration.Status.APPROVED
    assert [m.to for m in mail.outbox] == [["amina@example.org"]]
    registration.refresh_from_db()
    assert registration.confirmation_due is False
    assert registration.confirmation_sent_at is not None


def test_register_manual_approval_leaves_pending():
    event = EventFactory(approval_mode=Event.ApprovalMode.MANUAL)
    assert _register(event).status == Registration.Status.PENDING


def test_register_over_capacity_goes_to_waitlist():
    event = EventFactory(capacity=2)
    RegistrationFactory.create_batch(2, event=event)
    assert _register(event).status == Registration.Status.WAITLISTED


def test_cancelled_and_rejected_do_not_hold_seats():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=event, status=Registration.Status.REJECTED)
    RegistrationFactory(event=event, status=Registration.Status.APPROVED)
    assert _register(event).status == Registration.Status.APPROVED


def test_register_full_without_waitlist_is_refused_and_saves_nothing():
    event = EventFactory(capacity=1, has_waitlist=False)
    RegistrationFactory(event=event)
    with pytest.raises(services.RegistrationError) as excinfo:
        _register(event)
    assert excinfo.value.code == "full"
    assert event.registrations.count() == 1


def test_register_refuses_same_email_in_any_case():
    event = EventFactory()
    _register(event, email="Amina@Example.org")
    with pytest.raises(services.RegistrationError) as excinfo:
        _register(event, email="amina@EXAMPLE.ORG")
    assert excinfo.value.code == "duplicate"
    assert event.registrations.count() == 1


def test_same_email_may_register_for_another_event():
    _register(EventFactory())
    _register(EventFactory())
    assert Registration.objects.filter(email="amina@example.org").count() == 2


def test_register_refused_when_registration_closed():
    now = timezone.now()
    event = EventFactory(registration_closes_at=now - dt.timedelta(minutes=1))
    with pytest.raises(services.RegistrationError) as excinfo:
        _register(event)
    assert excinfo.value.code == "closed"
    not_yet = EventFactory(registration_opens_at=now + dt.timedelta(days=1))
    with pytest.raises(services.RegistrationError):
        _register(not_yet)
    assert Registration.objects.count() == 0


def test_confirmation_is_sent_once_even_if_queued_twice():
    registration = RegistrationFactory(confirmation_due=True)
    assert services.registration_send_confirmation(registration_id=registration.pk) is True
    assert services.registration_send_confirmation(registration_id=registration.pk) is False
    assert len(mail.outbox) == 1


def test_sweeper_sends_overdue_confirmations_exactly_once():
    # As if the broker had been down at sign-up: the row is due, nothing was sent.
    registration = RegistrationFactory(confirmation_due=True)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    fresh = RegistrationFactory(confirmation_due=True)  # too recent: its own task may be coming
    assert services.registration_sweep_outbox() == 1
    assert services.registration_sweep_outbox() == 0
    assert [m.to for m in mail.outbox] == [[registration.email]]
    fresh.refresh_from_db()
    assert fresh.confirmation_due is True
