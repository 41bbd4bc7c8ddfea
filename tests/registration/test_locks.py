"""Two at once on PostgreSQL: the second waits for the first and then sees what it wrote.

Each test holds the first transaction open until the second is seen waiting on a lock (the
server says so in ``pg_stat_activity``), then commits: the order is forced, not hoped for.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.utils import timezone

from registration import services
from registration.models import AttendanceImport, OutgoingMail, Registration
from registration.services.signup import SHARED_SIGN_UPS
from tests.factories import DelegationFactory, EventFactory, RegistrationFactory
from webinar.models import Event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

START = dt.datetime(2020, 8, 12, 8, 0, tzinfo=dt.UTC)


def _waiting_on_a_lock(backend_pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend_pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _first_then_second(first, second):
    """Run ``first`` in a transaction held open until ``second`` (another connection) waits
    on a lock or is done; returns what each returned or raised."""
    started = threading.Event()
    second_pid: list[int] = []

    def run_first():
        try:
            with transaction.atomic():
                result = first()
                started.set()
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    if second_pid and _waiting_on_a_lock(second_pid[0]):
                        break
                    if second_done.is_set():
                        break
                    time.sleep(0.01)  # polling the server, not waiting for time to pass
            return result
        finally:
            connection.close()

    second_done = threading.Event()

    def run_second():
        started.wait(20)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            return second()
        except Exception as exc:  # the outcome to compare
            return exc
        finally:
            second_done.set()
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        a, b = pool.submit(run_first), pool.submit(run_second)
        return a.result(timeout=60), b.result(timeout=60)


def _person(registration):
    start = int(START.timestamp())
    return services.PersonTime(registration.pk, ((start, start + 1800),), 0)


def _apply(event, registration, sha="a" * 64):
    return services.event_apply_attendance(
        event=event,
        people=[_person(registration)],
        file_name="report.csv",
        file_sha256=sha,
        layout="zoom-meeting",
    )


def test_the_same_file_imported_twice_at_once_is_recorded_once():
    event = EventFactory(starts_at=START, ends_at=START + dt.timedelta(hours=3))
    registration = RegistrationFactory(event=event)
    first, second = _first_then_second(
        lambda: _apply(event, registration), lambda: _apply(event, registration)
    )
    assert first.first_import is True
    assert isinstance(second, services.AttendanceApplyError)
    assert str(second) == "This file has already been imported for this event."
    assert AttendanceImport.objects.filter(event=event).count() == 1


def test_clearing_while_a_file_is_imported_clears_that_import_too():
    event = EventFactory(starts_at=START, ends_at=START + dt.timedelta(hours=3))
    registration = RegistrationFactory(event=event)
    _first, cleared = _first_then_second(
        lambda: _apply(event, registration), lambda: services.event_clear_attendance(event=event)
    )
    assert cleared == 1
    assert AttendanceImport.objects.filter(event=event).count() == 0
    registration.refresh_from_db()
    assert (registration.attended, registration.minutes_attended) == (False, None)


def test_two_reminder_rounds_at_once_record_each_reminder_once(settings):
    settings.REGISTRATION_REMINDER_OFFSETS_HOURS = [2]
    now = timezone.now()
    registration = RegistrationFactory(event=EventFactory(starts_at=now + dt.timedelta(hours=1)))
    Registration.objects.filter(pk=registration.pk).update(created_at=now - dt.timedelta(days=1))
    first, second = _first_then_second(
        lambda: services.reminders_schedule(now=now), lambda: services.reminders_schedule(now=now)
    )
    assert first == 1
    assert not isinstance(second, Exception), second
    reminders = OutgoingMail.objects.filter(registration=registration, kind="reminder")
    assert list(reminders.values_list("dedupe_key", flat=True)) == ["reminder-2h"]


def _sign_up(event, email):
    return services.register(
        event=event,
        email=email,
        first_name="Shared",
        last_name="Participant",
        country="NE",
        organization="Ministry (fictional)",
        category="national_government",
    )


def _sign_up_and_count(event, email):
    """A sign-up, then the registrations it sees once done (the first's only if committed)."""
    registration = _sign_up(event, email)
    return registration.status, event.registrations.count()


def _two_sign_ups(event):
    """A sign-up held open until a second one waits or is done: (first registration, what
    the second ended with and how many registrations it then saw)."""
    return _first_then_second(
        lambda: _sign_up(event, "first@example.org"),
        lambda: _sign_up_and_count(event, "second@example.org"),
    )


def test_sign_ups_far_from_the_capacity_run_side_by_side():
    # Exactly as many seats as sign-ups that may share the event: each still has one.
    event = EventFactory(capacity=SHARED_SIGN_UPS)
    first, second = _two_sign_ups(event)
    # The second finished while the first was still open: it saw only its own row.
    assert second == (Registration.Status.APPROVED, 1)
    assert first.status == Registration.Status.APPROVED
    assert event.registrations.count() == 2


def test_sign_ups_for_the_last_seats_go_one_at_a_time():
    # Fewer seats than sign-ups that may share the event: each waits for the one before.
    event = EventFactory(capacity=SHARED_SIGN_UPS - 1)
    first, second = _two_sign_ups(event)
    assert first.status == Registration.Status.APPROVED
    assert second == (Registration.Status.APPROVED, 2)


def test_the_last_seat_goes_to_one_of_two_sign_ups_and_the_other_waits_for_it():
    event = EventFactory(capacity=3)
    for n in range(2):
        _sign_up(event, f"early{n}@example.org")
    first, second = _two_sign_ups(event)
    assert first.status == Registration.Status.APPROVED
    assert second == (Registration.Status.WAITLISTED, 4)


def test_seats_held_by_delegations_count_towards_the_last_seats():
    # Mixed admission: the delegation's unfilled quota is kept for it, so this event's free
    # seats are already fewer than the sign-ups that may share it.
    event = EventFactory(admission=Event.Admission.MIXED, capacity=SHARED_SIGN_UPS + 4)
    DelegationFactory(event=event, quota=5)
    first, second = _two_sign_ups(event)
    assert first.status == Registration.Status.APPROVED
    assert second == (Registration.Status.APPROVED, 2)


def test_sign_ups_for_a_full_event_run_side_by_side():
    event = EventFactory(capacity=1)
    _sign_up(event, "seated@example.org")
    first, second = _two_sign_ups(event)
    assert first.status == Registration.Status.WAITLISTED
    assert second == (Registration.Status.WAITLISTED, 2)


def test_a_change_of_seats_waits_for_a_shared_sign_up_to_commit():
    event = EventFactory(capacity=100)
    cancelled = RegistrationFactory(event=event, status=Registration.Status.APPROVED)

    def cancel_then_count():
        services.registration_cancel(registration=cancelled)
        return event.registrations.count()

    first, counted = _first_then_second(
        lambda: _sign_up(event, "first@example.org"), cancel_then_count
    )
    assert first.status == Registration.Status.APPROVED
    assert counted == 2  # the cancellation saw the sign-up: it waited for its commit
    cancelled.refresh_from_db()
    assert cancelled.status == Registration.Status.CANCELLED


@pytest.mark.parametrize(
    ("places", "seen_by_the_second"),
    [
        (1, 2),  # the only place is the first's: the second waits for its commit
        (2, 1),  # a second place: the second runs beside the first
    ],
)
def test_a_sign_up_waits_only_when_every_shared_place_is_taken(
    monkeypatch, places, seen_by_the_second
):
    monkeypatch.setattr("registration.services.signup.SHARED_SIGN_UPS", places)
    event = EventFactory(capacity=None)
    first, second = _two_sign_ups(event)
    assert first.status == Registration.Status.APPROVED
    assert second == (Registration.Status.APPROVED, seen_by_the_second)


def test_another_events_sign_ups_do_not_take_this_events_shared_places(monkeypatch):
    monkeypatch.setattr("registration.services.signup.SHARED_SIGN_UPS", 1)
    event, other = EventFactory(capacity=None), EventFactory(capacity=None)
    first, second = _first_then_second(
        lambda: _sign_up(other, "first@example.org"),
        lambda: _sign_up_and_count(event, "second@example.org"),
    )
    assert first.status == Registration.Status.APPROVED
    assert second == (Registration.Status.APPROVED, 1)


def test_a_shared_place_taken_for_another_event_leaves_this_events_places_free(monkeypatch):
    """With one shared place per event, the other event's taken place is not this one's:
    the shared lock is had at once, with no fall back to the event to itself."""
    from registration.services.signup import _lock_and_check

    monkeypatch.setattr("registration.services.signup.SHARED_SIGN_UPS", 1)
    event, other = EventFactory(capacity=None), EventFactory(capacity=None)

    def shared_lock(target):
        with transaction.atomic():
            return _lock_and_check(event_id=target.pk, email="x@example.org", shared=True)

    first, second = _first_then_second(
        lambda: _lock_and_check(event_id=other.pk, email="x@example.org", shared=True),
        lambda: shared_lock(event),
    )
    assert first is not None and first[0].pk == other.pk
    assert second is not None and second[0].pk == event.pk


def test_a_dispatch_skips_the_rows_another_one_is_taking():
    event = EventFactory()
    taken, free = (
        OutgoingMail.objects.create(
            registration=RegistrationFactory(event=event), kind="approved", due_at=timezone.now()
        )
        for _ in range(2)
    )

    def take_it():
        # What another dispatch holds between its read and its update.
        return list(OutgoingMail.objects.select_for_update().filter(pk=taken.pk))

    held, queued = _first_then_second(take_it, services.mail_dispatch)
    assert held == [taken]
    # The free row is queued; the taken one is not waited for: the other dispatch queues it.
    assert queued == 1
    assert OutgoingMail.objects.get(pk=free.pk).queued_at is not None
    assert OutgoingMail.objects.get(pk=taken.pk).queued_at is None


def test_two_sign_ups_with_one_address_at_once_keep_one_and_mail_its_owner():
    """Both pass the address check side by side (shared lock); the constraint keeps the first,
    and the second is told, as after the check, while the owner is mailed their link."""
    event = EventFactory(capacity=100)

    def again():
        return _sign_up(event, "Same@Example.org")

    first, second = _first_then_second(lambda: _sign_up(event, "same@example.org"), again)
    assert isinstance(second, services.RegistrationError)
    assert (second.code, str(second.message)) == ("duplicate", "Already registered.")
    assert list(event.registrations.values_list("pk", flat=True)) == [first.pk]
    kinds = list(first.mails.order_by("pk").values_list("kind", flat=True))
    assert kinds == [OutgoingMail.Kind.APPROVED, OutgoingMail.Kind.ALREADY_REGISTERED]


def test_re_registering_after_cancelling_waits_for_the_event_to_itself():
    event = EventFactory(capacity=100)
    back = RegistrationFactory(
        event=event, email="back@example.org", status=Registration.Status.CANCELLED
    )

    def reactivate_then_count():
        registration = _sign_up(event, "BACK@example.org")
        return registration.pk, registration.status, event.registrations.count()

    first, second = _first_then_second(
        lambda: _sign_up(event, "first@example.org"), reactivate_then_count
    )
    assert first.status == Registration.Status.APPROVED
    assert second == (back.pk, Registration.Status.APPROVED, 2)
