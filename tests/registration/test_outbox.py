"""The outbox: every mail kind renders in the registrant's language; none is lost or doubled."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registration import services, tasks
from registration.models import OutgoingMail, Registration
from registration.services import outbox
from tests.factories import EventFactory, RegistrationFactory
from webinar.celery import app

pytestmark = pytest.mark.django_db

Kind = OutgoingMail.Kind


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


# --- sending failed mails again -------------------------------------------------------------


def _state(row: OutgoingMail) -> tuple:
    row.refresh_from_db()
    return (row.attempts, row.last_error, row.due_at, row.claimed_until, row.sent_at)


def _mail(event, *, error: str = "", **fields) -> OutgoingMail:
    registration = RegistrationFactory(event=event)
    row = services.mail_queue(registration=registration, kind=Kind.APPROVED)
    OutgoingMail.objects.filter(pk=row.pk).update(last_error=error, **fields)
    return row


def test_retry_failed_sends_again_this_events_failed_mails_and_no_other(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    event, other = EventFactory(), EventFactory()
    gave_up = {
        "attempts": services.MAX_ATTEMPTS,
        "due_at": now - dt.timedelta(days=1),
        "claimed_until": now - dt.timedelta(hours=1),  # its last lease ran out long ago
        "queued_at": now - dt.timedelta(days=1),  # queued once: it must be queued again
    }
    failed = _mail(event, error="SMTPRecipientsRefused: mailbox full", **gave_up)
    # No error: not failed; queued already, so the dispatcher does not queue it again.
    waiting = _mail(event, attempts=1, due_at=now - dt.timedelta(days=1), queued_at=now)
    being_sent = _mail(
        event,
        error="SMTPServerDisconnected",
        attempts=2,
        due_at=now - dt.timedelta(days=1),
        claimed_until=now + dt.timedelta(minutes=4),
    )
    elsewhere = _mail(other, error="SMTPRecipientsRefused: mailbox full", **gave_up)
    untouched = [(row, _state(row)) for row in (waiting, being_sent, elsewhere)]
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        assert services.mails_retry_failed(event=event) == 1
    attempts, error, due_at, claimed_until, sent_at = _state(failed)
    assert (attempts, error, claimed_until, sent_at) == (0, "", None, None)
    assert now <= due_at <= timezone.now()
    for row, before in untouched:
        assert _state(row) == before
    assert OutgoingMail.objects.get(pk=elsewhere.pk).queued_at == now - dt.timedelta(days=1)
    assert mail.outbox == []
    for callback in after_commit:  # the commit: the worker sends it (tasks are eager here)
        callback()
    assert [m.to for m in mail.outbox] == [[failed.registration.email]]
    assert failed.registration.mails.get().sent_at is not None


def test_retry_failed_of_chosen_mails_only():
    event = EventFactory()
    chosen = _mail(event, error="SMTPRecipientsRefused: mailbox full", attempts=1)
    left = _mail(event, error="SMTPRecipientsRefused: mailbox full", attempts=1)
    before = _state(left)
    assert services.mails_retry_failed(event=event, mail_ids=iter([chosen.pk])) == 1
    assert _state(chosen)[:2] == (0, "")
    assert _state(left) == before


def test_queue_once_records_the_registrants_mail_once():
    registration = RegistrationFactory()
    row = outbox.mail_queue_once(
        registration=registration, kind=Kind.REMINDER, dedupe_key="reminder-2h"
    )
    assert (row.registration_id, row.delegation_id, row.kind, row.dedupe_key) == (
        registration.pk,
        None,
        Kind.REMINDER,
        "reminder-2h",
    )
    again = outbox.mail_queue_once(
        registration=registration, kind=Kind.REMINDER, dedupe_key="reminder-2h"
    )
    assert again is None
    assert registration.mails.count() == 1


# --- the sweeper's grace and limit ----------------------------------------------------------


def test_sweeper_waits_a_minute_past_the_due_time():
    now = timezone.now()
    just_past = _mail(EventFactory(), due_at=now - dt.timedelta(seconds=60, milliseconds=1))
    recent = _mail(EventFactory(), due_at=now - dt.timedelta(seconds=50))
    assert services.mail_sweep() == 1
    assert [m.to for m in mail.outbox] == [[just_past.registration.email]]
    assert _state(recent)[0] == 0


def test_sweeper_sends_at_most_its_limit_per_round_oldest_first():
    now = timezone.now()
    event = EventFactory()
    rows = [_mail(event, due_at=now - dt.timedelta(hours=1, minutes=n)) for n in range(4)]
    assert services.mail_sweep(limit=3) == 3
    # The oldest three (the last created are due earliest); the most recent one waits.
    assert [_state(row)[0] for row in rows] == [0, 1, 1, 1]


# --- reminders -------------------------------------------------------------------------------


def _registered_days_ago(registration: Registration, days: int = 3) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )
    return registration


def test_reminders_only_for_approved_registrants_not_anonymised_of_events_not_started(
    settings,
):
    settings.REGISTRATION_REMINDER_OFFSETS_HOURS = [2]
    now = timezone.now()
    soon = EventFactory(starts_at=now + dt.timedelta(hours=1))
    started = EventFactory(starts_at=now - dt.timedelta(minutes=1))
    approved = _registered_days_ago(RegistrationFactory(event=soon))
    others = [
        _registered_days_ago(RegistrationFactory(event=soon, status=status))
        for status in (
            Registration.Status.PENDING,
            Registration.Status.WAITLISTED,
            Registration.Status.CANCELLED,
            Registration.Status.REJECTED,
        )
    ]
    gone = _registered_days_ago(RegistrationFactory(event=soon))
    services.registrations_anonymise(queryset=Registration.objects.filter(pk=gone.pk))
    in_progress = _registered_days_ago(RegistrationFactory(event=started))
    assert services.reminders_schedule(now=now) == 1
    assert list(approved.mails.values_list("kind", "dedupe_key")) == [
        (Kind.REMINDER, "reminder-2h")
    ]
    for registration in (*others, gone, in_progress):
        assert registration.mails.count() == 0


def test_reminder_offset_in_minutes_is_keyed_in_minutes(settings):
    settings.REGISTRATION_REMINDER_OFFSETS_HOURS = [1.5]
    now = timezone.now()
    registration = _registered_days_ago(
        RegistrationFactory(event=EventFactory(starts_at=now + dt.timedelta(hours=1)))
    )
    assert services.reminders_schedule(now=now) == 1
    assert list(registration.mails.values_list("dedupe_key", flat=True)) == ["reminder-90m"]


def test_scheduling_reminders_sends_the_reminders_due_and_no_other_mail(
    settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_REMINDER_OFFSETS_HOURS = [2]
    now = timezone.now()
    registration = _registered_days_ago(
        RegistrationFactory(event=EventFactory(starts_at=now + dt.timedelta(hours=1)))
    )
    # An unsent mail of another kind, queued already (the dispatcher leaves it to its task or
    # the sweeper), and a reminder due tomorrow.
    other_kind = _mail(
        EventFactory(),
        due_at=now - dt.timedelta(minutes=10),
        queued_at=now - dt.timedelta(minutes=10),
    )
    later = OutgoingMail.objects.create(
        registration=RegistrationFactory(),
        kind=Kind.REMINDER,
        dedupe_key="reminder-24h",
        due_at=now + dt.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_schedule(now=now) == 1
    assert [m.to for m in mail.outbox] == [[registration.email]]
    assert _state(other_kind)[0] == 0
    assert _state(later)[0] == 0


def test_reminders_scheduled_while_the_broker_is_down_wait_for_the_sweeper(
    settings, broker_down, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_REMINDER_OFFSETS_HOURS = [2]
    now = timezone.now()
    registration = _registered_days_ago(
        RegistrationFactory(event=EventFactory(starts_at=now + dt.timedelta(hours=1)))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_schedule(now=now) == 1  # the queueing fails, and is logged
    row = registration.mails.get()
    assert (row.kind, row.sent_at, row.attempts) == (Kind.REMINDER, None, 0)
    assert mail.outbox == []
