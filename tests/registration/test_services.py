import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registration import services
from registration.models import Answer, OutgoingMail, Question, Registration
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

Status = Registration.Status


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


def _kinds(registration):
    return list(registration.mails.order_by("pk").values_list("kind", flat=True))


def test_register_approves_automatically_and_mails_in_registrant_language(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(title="Sahel webinar")
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)
    assert registration.status == Status.APPROVED
    assert [m.to for m in mail.outbox] == [["amina@example.org"]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "fr"
    outbox_row = registration.mails.get()
    assert (outbox_row.kind, outbox_row.attempts) == (OutgoingMail.Kind.APPROVED, 1)
    assert outbox_row.sent_at is not None


def test_register_manual_approval_leaves_pending_and_mails_received(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(approval_mode=Event.ApprovalMode.MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)
    assert registration.status == Status.PENDING
    assert _kinds(registration) == ["received"]
    assert len(mail.outbox) == 1


def test_register_over_capacity_goes_to_waitlist():
    event = EventFactory(capacity=2)
    RegistrationFactory.create_batch(2, event=event)
    registration = _register(event)
    assert registration.status == Status.WAITLISTED
    assert _kinds(registration) == ["waitlisted"]


def test_register_pending_holds_a_seat():
    event = EventFactory(capacity=1, approval_mode=Event.ApprovalMode.MANUAL)
    RegistrationFactory(event=event, status=Status.PENDING)
    assert _register(event).status == Status.WAITLISTED


def test_cancelled_and_rejected_do_not_hold_seats():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event, status=Status.CANCELLED)
    RegistrationFactory(event=event, status=Status.REJECTED)
    RegistrationFactory(event=event, status=Status.APPROVED)
    assert _register(event).status == Status.APPROVED


def test_register_full_without_waitlist_is_refused_and_saves_nothing():
    event = EventFactory(capacity=1, has_waitlist=False)
    RegistrationFactory(event=event)
    with pytest.raises(services.RegistrationError) as excinfo:
        _register(event)
    assert excinfo.value.code == "full"
    assert event.registrations.count() == 1
    assert OutgoingMail.objects.count() == 0


def test_register_refuses_same_email_in_any_case_and_mails_the_first_registrant(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(event, email="Amina@Example.org", language="en")
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.RegistrationError) as excinfo,
    ):
        _register(event, email="amina@EXAMPLE.ORG", first_name="Stranger")
    assert excinfo.value.code == "duplicate"
    assert event.registrations.count() == 1
    assert _kinds(first) == ["approved", "already_registered"]
    assert [m.to for m in mail.outbox] == [["Amina@Example.org"]]
    assert "tried to register again" in mail.outbox[0].body


def test_repeated_duplicate_attempts_mail_the_owner_once_an_hour():
    event = EventFactory()
    first = _register(event)
    for _ in range(5):
        with pytest.raises(services.RegistrationError):
            _register(event)
    assert _kinds(first) == ["approved", "already_registered"]


def test_register_without_consent_is_refused():
    event = EventFactory()
    with pytest.raises(services.RegistrationError) as excinfo:
        _register(event, consent_processing=False)
    assert excinfo.value.code == "consent"
    assert Registration.objects.count() == 0


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


def test_register_saves_answers_to_the_event_questions():
    event = EventFactory()
    text = QuestionFactory(event=event, kind=Question.Kind.TEXT)
    multiple = QuestionFactory(
        event=event, kind=Question.Kind.MULTIPLE, choices="Panel 1\nPanel 2\nPanel 3"
    )
    registration = _register(
        event, answers={text: "Migration data", multiple: ["Panel 1", "Panel 3"]}
    )
    answers = {a.question_id: a.display() for a in registration.answers.all()}
    assert answers == {text.pk: "Migration data", multiple.pk: "Panel 1; Panel 3"}


def test_mail_is_sent_once_even_if_queued_twice():
    registration = RegistrationFactory()
    row = services.mail_queue(registration=registration, kind=OutgoingMail.Kind.APPROVED)
    assert services.mail_send(mail_id=row.pk) is True
    assert services.mail_send(mail_id=row.pk) is False
    assert len(mail.outbox) == 1


def test_failed_send_stays_due_and_records_the_error(settings):
    settings.EMAIL_BACKEND = "tests.registration.failing_backend.FailingBackend"
    registration = RegistrationFactory()
    row = services.mail_queue(registration=registration, kind=OutgoingMail.Kind.APPROVED)
    with pytest.raises(ConnectionRefusedError):
        services.mail_send(mail_id=row.pk)
    row.refresh_from_db()
    assert (row.sent_at, row.attempts, row.last_error) == (
        None,
        1,
        "ConnectionRefusedError: SMTP server down",
    )


def test_sweeper_sends_overdue_mails_exactly_once():
    # As if the broker had been down at sign-up: the row is due, nothing was sent.
    registration = RegistrationFactory()
    overdue = services.mail_queue(registration=registration, kind=OutgoingMail.Kind.APPROVED)
    OutgoingMail.objects.filter(pk=overdue.pk).update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    fresh = services.mail_queue(registration=RegistrationFactory(), kind=OutgoingMail.Kind.APPROVED)
    assert services.mail_sweep() == 1
    assert services.mail_sweep() == 0
    assert [m.to for m in mail.outbox] == [[registration.email]]
    fresh.refresh_from_db()
    assert fresh.sent_at is None


def test_sweeper_gives_up_after_max_attempts():
    row = services.mail_queue(registration=RegistrationFactory(), kind=OutgoingMail.Kind.APPROVED)
    OutgoingMail.objects.filter(pk=row.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1), attempts=services.MAX_ATTEMPTS
    )
    assert services.mail_sweep() == 0


# --- status changes ---


def test_approve_pending_mails_approved(django_capture_on_commit_callbacks):
    event = EventFactory(approval_mode=Event.ApprovalMode.MANUAL)
    pending = RegistrationFactory(event=event, status=Status.PENDING, language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.registrations_apply(registration_ids=[pending.pk], action="approve")
    assert (result.changed, result.skipped) == (1, 0)
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED
    assert [(m.to, m.extra_headers["Content-Language"]) for m in mail.outbox] == [
        ([pending.email], "ar")
    ]
    assert mail.outbox[0].attachments[0][0] == "webinar.ics"


def test_approve_stops_at_capacity():
    event = EventFactory(capacity=2, approval_mode=Event.ApprovalMode.MANUAL)
    RegistrationFactory(event=event, status=Status.APPROVED)
    waiting = RegistrationFactory.create_batch(3, event=event, status=Status.WAITLISTED)
    result = services.registrations_apply(
        registration_ids=[r.pk for r in waiting], action="approve"
    )
    assert (result.changed, result.skipped) == (1, 2)
    assert event.registrations.filter(status=Status.APPROVED).count() == 2


def test_cancel_promotes_first_on_waitlist_in_arrival_order():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    first, second = RegistrationFactory.create_batch(2, event=event, status=Status.WAITLISTED)
    assert services.registration_cancel(registration=seated) is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert (seated.status, first.status, second.status) == (
        Status.CANCELLED,
        Status.APPROVED,
        Status.WAITLISTED,
    )
    assert _kinds(seated) == ["cancelled"]
    assert _kinds(first) == ["promoted"]
    assert _kinds(second) == []


def test_reject_frees_seat_for_waitlist_pending_when_manual():
    event = EventFactory(capacity=1, approval_mode=Event.ApprovalMode.MANUAL)
    seated = RegistrationFactory(event=event, status=Status.PENDING)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    services.registrations_apply(registration_ids=[seated.pk], action="reject")
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING
    assert _kinds(waiting) == ["promoted"]


def test_move_to_waitlist_does_not_promote_the_moved_one_back():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event, status=Status.APPROVED)
    services.registrations_apply(registration_ids=[seated.pk], action="waitlist")
    seated.refresh_from_db()
    assert seated.status == Status.WAITLISTED


def test_promote_applies_only_to_waitlisted():
    event = EventFactory()
    approved = RegistrationFactory(event=event, status=Status.APPROVED)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    result = services.registrations_apply(
        registration_ids=[approved.pk, waiting.pk], action="promote"
    )
    assert (result.changed, result.skipped) == (1, 1)
    assert _kinds(waiting) == ["promoted"]
    assert _kinds(approved) == []


def test_cancel_twice_changes_nothing_the_second_time():
    registration = RegistrationFactory()
    assert services.registration_cancel(registration=registration) is True
    assert services.registration_cancel(registration=registration) is False
    assert _kinds(registration) == ["cancelled"]


def test_resend_queues_the_mail_of_the_current_status():
    waiting = RegistrationFactory(status=Status.WAITLISTED)
    assert services.registrations_resend(registration_ids=[waiting.pk]) == [waiting.pk]
    assert _kinds(waiting) == ["waitlisted"]


def test_custom_message_fills_placeholders_at_sending(django_capture_on_commit_callbacks):
    registration = RegistrationFactory(first_name="Aïcha", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.registrations_message(
            registration_ids=[registration.pk],
            subject="Note for {first_name}",
            body="Dear {first_name} {unknown} {__class__}",
        )
    assert queued == [registration.pk]
    assert mail.outbox[0].subject == "Note for Aïcha"
    assert mail.outbox[0].body.startswith("Dear Aïcha {unknown} {__class__}")


def test_update_details_refuses_email_and_status():
    registration = RegistrationFactory()
    with pytest.raises(ValueError):
        services.registration_update_details(registration=registration, email="x@example.org")
    with pytest.raises(ValueError):
        services.registration_update_details(registration=registration, status="approved")


# --- reminders ---


def test_reminders_are_recorded_once_per_offset_even_if_beat_runs_twice(
    settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_REMINDER_OFFSETS_HOURS = [24, 1]
    now = timezone.now()
    event = EventFactory(starts_at=now + dt.timedelta(minutes=30))
    approved = RegistrationFactory(event=event, language="ar")
    Registration.objects.filter(pk=approved.pk).update(created_at=now - dt.timedelta(days=3))
    RegistrationFactory(event=event, status=Status.WAITLISTED)
    late = RegistrationFactory(event=event)  # registered after both reminder times
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_schedule(now=now) == 2
        assert services.reminders_schedule(now=now) == 0
    keys = sorted(approved.mails.values_list("dedupe_key", flat=True))
    assert keys == ["reminder-1h", "reminder-24h"]
    assert late.mails.count() == 0
    assert [m.to for m in mail.outbox] == [[approved.email], [approved.email]]


def test_reminders_ignore_past_and_far_events():
    now = timezone.now()
    RegistrationFactory(event=EventFactory(starts_at=now - dt.timedelta(hours=1)))
    RegistrationFactory(event=EventFactory(starts_at=now + dt.timedelta(days=3)))
    assert services.reminders_schedule(now=now) == 0


# --- data protection ---


def test_anonymise_keeps_statistics_and_erases_identity():
    event = EventFactory()
    registration = RegistrationFactory(
        event=event,
        sex="female",
        country="TD",
        category="rec",
        phone="+235 1234",
        attended=True,
        minutes_attended=90,
        consent_listing=True,
    )
    question = QuestionFactory(event=event)
    Answer.objects.create(registration=registration, question=question, value="private")
    services.mail_queue(registration=registration, kind=OutgoingMail.Kind.APPROVED)
    assert services.event_anonymise_registrations(event=event) == 1
    assert services.event_anonymise_registrations(event=event) == 0
    registration.refresh_from_db()
    kept = (
        registration.sex,
        registration.country.code,
        registration.category,
        registration.attended,
        registration.minutes_attended,
        registration.status,
    )
    assert kept == ("female", "TD", "rec", True, 90, Status.APPROVED)
    wiped = (
        registration.email,
        registration.first_name,
        registration.last_name,
        registration.phone,
        registration.organization,
        registration.consent_listing,
    )
    assert wiped == (f"anonymised-{registration.pk}@invalid", "", "", "", "", False)
    assert Answer.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


def test_anonymise_expired_only_touches_old_events():
    now = timezone.now()
    old = EventFactory(starts_at=now - dt.timedelta(days=400))
    recent = EventFactory(starts_at=now - dt.timedelta(days=10))
    RegistrationFactory.create_batch(2, event=old)
    RegistrationFactory(event=recent)
    assert services.events_anonymise_expired(retention_days=365, now=now) == 2
    assert recent.registrations.get().anonymised_at is None


def test_erase_cancels_anonymises_and_promotes():
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITLISTED)
    services.registration_erase(registration=seated)
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, seated.first_name, waiting.status) == (
        Status.CANCELLED,
        "",
        Status.APPROVED,
    )
    assert seated.anonymised_at is not None


def test_fill_free_seats_after_a_capacity_rise_promotes_in_arrival_order(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first, second, third = RegistrationFactory.create_batch(
        3, event=event, status=Status.WAITLISTED
    )
    Event.objects.filter(pk=event.pk).update(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_fill_free_seats(event_id=event.pk) == 2
    statuses = [
        r.status
        for r in Registration.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by(
            "created_at", "pk"
        )
    ]
    assert statuses == [Status.APPROVED, Status.APPROVED, Status.WAITLISTED]
    assert len(mail.outbox) == 2
