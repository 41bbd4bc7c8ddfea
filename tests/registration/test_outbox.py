"""The outbox: every mail kind renders in the registrant's language; none is lost or doubled."""

import datetime as dt
import io

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registration import services, tasks
from registration.models import OutgoingMail, Registration
from tests.factories import EventFactory, RegistrationFactory
from webinar.celery import app

pytestmark = pytest.mark.django_db

Kind = OutgoingMail.Kind


@pytest.fixture
def broker_down(unused_port, monkeypatch):
    """Celery pointed at a Redis port that refuses connections, as in an outage."""
    # Celery reads this variable before its configuration (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{unused_port}/0")
    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "broker_url", "broker_transport_options")
    }
    app.conf.update(
        task_always_eager=False,
        broker_url=f"redis://127.0.0.1:{unused_port}/0",
        broker_transport_options=django_settings.REDIS_BROKER_TRANSPORT_OPTIONS,
    )
    app._pool = app.amqp._producer_pool = None  # no connection kept from before
    yield
    app.conf.update(saved)
    app._pool = app.amqp._producer_pool = None


def _register(event, email="amina@example.org"):
    return services.register(
        event=event,
        email=email,
        first_name="Amina",
        last_name="Example",
        country="NE",
        organization="Ministry (fictional)",
        category="national_government",
        language="ar",
    )


def test_sign_up_while_broker_is_down_is_mailed_once_by_the_sweeper(
    broker_down, django_capture_on_commit_callbacks
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)  # the queueing fails after commit, and is logged
    row = registration.mails.get()
    assert (row.kind, row.sent_at) == (Kind.APPROVED, None)
    assert mail.outbox == []
    # The broker is back; the sweeper's next round finds the overdue row.
    app.conf.task_always_eager = True
    OutgoingMail.objects.filter(pk=row.pk).update(due_at=timezone.now() - dt.timedelta(minutes=2))
    tasks.sweep_outbox()
    tasks.sweep_outbox()
    assert [(m.to, m.extra_headers["Content-Language"]) for m in mail.outbox] == [
        (["amina@example.org"], "ar")
    ]


# Invitations and reminders to nominate go to delegations' focal points (tests/delegations).
FOCAL_POINT_KINDS = (Kind.INVITATION, Kind.NOMINATION_REMINDER)


@pytest.mark.parametrize(
    "kind", [k for k, _label in Kind.choices if k not in (Kind.CUSTOM, *FOCAL_POINT_KINDS)]
)
def test_every_mail_kind_renders_with_the_personal_link(settings, kind):
    settings.SITE_URL = "https://webinars.example.org"
    event = EventFactory(title="Sahel & Sahara <webinar>", join_url="https://zoom.example/j/9")
    registration = RegistrationFactory(event=event, first_name="Aïcha", language="fr")
    row = services.mail_queue(registration=registration, kind=kind)
    assert services.mail_send(mail_id=row.pk) is True
    message = mail.outbox[0]
    assert message.to == [registration.email]
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Sahel & Sahara <webinar>" in message.subject  # plain text: nothing escaped
    assert f"Aïcha {registration.last_name}," in message.body
    assert "https://webinars.example.org/registrations/" in message.body
    has_join = "https://zoom.example/j/9" in message.body
    assert has_join is (kind in (Kind.APPROVED, Kind.PROMOTED, Kind.NOMINATED))


def test_approved_mail_carries_the_calendar_file():
    event = EventFactory(title="Sahel webinar", join_url="https://zoom.example/j/9")
    registration = RegistrationFactory(event=event)
    row = services.mail_queue(registration=registration, kind=Kind.APPROVED)
    services.mail_send(mail_id=row.pk)
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert (name, mimetype) == ("webinar.ics", "text/calendar; charset=utf-8; method=PUBLISH")
    text = content.decode() if isinstance(content, bytes) else content
    assert "SUMMARY:Sahel webinar" in text
    assert "zoom.example/j/9" in text


def test_waitlisted_mail_has_no_join_link_nor_calendar():
    event = EventFactory(join_url="https://zoom.example/j/9", join_passcode="4242")
    registration = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)
    row = services.mail_queue(registration=registration, kind=Kind.WAITLISTED)
    services.mail_send(mail_id=row.pk)
    assert "zoom.example" not in mail.outbox[0].body
    assert "4242" not in mail.outbox[0].body
    assert mail.outbox[0].attachments == []


def test_schedule_reminders_task_and_anonymise_command(settings):
    settings.REGISTRATION_REMINDER_OFFSETS_HOURS = [2]
    now = timezone.now()
    soon = EventFactory(starts_at=now + dt.timedelta(hours=1))
    registration = RegistrationFactory(event=soon)
    Registration.objects.filter(pk=registration.pk).update(created_at=now - dt.timedelta(days=1))
    tasks.schedule_reminders()
    tasks.schedule_reminders()
    assert list(registration.mails.values_list("dedupe_key", flat=True)) == ["reminder-2h"]

    old = EventFactory(starts_at=now - dt.timedelta(days=800))
    RegistrationFactory.create_batch(2, event=old)
    out = io.StringIO()
    call_command("anonymise_registrations", "--retention-days", "730", stdout=out)
    assert out.getvalue() == "2 registrations anonymised.\n"
    assert old.registrations.filter(anonymised_at=None).count() == 0
    assert soon.registrations.filter(anonymised_at=None).count() == 1


def test_anonymise_command_for_one_event():
    event = EventFactory(slug="now")
    RegistrationFactory(event=event)
    call_command("anonymise_registrations", "--event", "now", stdout=io.StringIO())
    assert event.registrations.get().anonymised_at is not None
