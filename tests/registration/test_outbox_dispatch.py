"""The dispatcher: one wake per burst of mails, each due row queued once, nothing left behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from registration import services
from registration.models import OutgoingMail
from registration.services.outbox import WAKE_KEY, outbox_wake
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Kind = OutgoingMail.Kind


def _row(registration, **fields):
    return OutgoingMail.objects.create(
        registration=registration, kind=Kind.APPROVED, due_at=timezone.now(), **fields
    )


def _register(event, email):
    return services.register(
        event=event,
        email=email,
        first_name="Amina",
        last_name="Example",
        country="NE",
        organization="Ministry (fictional)",
        category="national_government",
    )


def test_dispatch_sends_every_due_unqueued_row_once_and_leaves_the_others():
    event = EventFactory()
    people = [RegistrationFactory(event=event, email=f"p{n}@example.org") for n in range(6)]
    now = timezone.now()
    due = [_row(people[n]) for n in range(3)]
    queued = _row(people[3], queued_at=now - dt.timedelta(seconds=5))
    later = _row(people[4])
    OutgoingMail.objects.filter(pk=later.pk).update(due_at=now + dt.timedelta(hours=1))
    leased = _row(people[5], claimed_until=now + dt.timedelta(minutes=5))
    sent = _row(people[0], sent_at=now)
    spent = _row(people[1], attempts=services.MAX_ATTEMPTS)

    assert services.mail_dispatch() == 3  # tasks run eagerly here: queued means sent
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{n}@example.org" for n in range(3)]
    for row in due:
        row.refresh_from_db()
        assert row.sent_at is not None and row.queued_at is not None
    untouched = {row.pk: row for row in (queued, later, leased, sent, spent)}
    for row in OutgoingMail.objects.filter(pk__in=untouched):
        before = untouched[row.pk]
        assert (row.queued_at, row.attempts, row.claimed_until) == (
            before.queued_at,
            before.attempts,
            before.claimed_until,
        )
    assert OutgoingMail.objects.get(pk=later.pk).sent_at is None
    assert services.mail_dispatch() == 0
    assert len(mail.outbox) == 3


def test_dispatch_goes_on_past_one_batch():
    event = EventFactory()
    for n in range(5):
        _row(RegistrationFactory(event=event, email=f"b{n}@example.org"))
    assert services.mail_dispatch(batch=2) == 5
    assert OutgoingMail.objects.filter(sent_at=None).count() == 0


def test_dispatch_queues_in_due_order():
    event = EventFactory()
    now = timezone.now()
    first, second = (RegistrationFactory(event=event, email=e) for e in ("a@x.org", "b@x.org"))
    late = _row(second)
    early = _row(first)
    OutgoingMail.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(seconds=1))
    OutgoingMail.objects.filter(pk=early.pk).update(due_at=now - dt.timedelta(seconds=9))
    services.mail_dispatch()
    assert [m.to for m in mail.outbox] == [["a@x.org"], ["b@x.org"]]


def test_dispatch_queues_a_tie_in_due_time_by_id():
    event = EventFactory()
    first, second = (RegistrationFactory(event=event, email=e) for e in ("a@x.org", "b@x.org"))
    rows = [_row(first), _row(second)]
    # The same due time, written to the second row first: the first now lies after it in the
    # table and in the index.
    now = timezone.now()
    for row in reversed(rows):
        OutgoingMail.objects.filter(pk=row.pk).update(due_at=now)
    services.mail_dispatch()
    assert [m.to for m in mail.outbox] == [["a@x.org"], ["b@x.org"]]


@pytest.fixture
def shared_wake(settings):
    settings.OUTBOX_WAKE_SHARED = True
    cache.delete(WAKE_KEY)
    yield
    cache.delete(WAKE_KEY)


def test_a_commit_while_a_dispatch_is_queued_queues_nothing_more(
    shared_wake, django_capture_on_commit_callbacks
):
    event = EventFactory()
    cache.add(WAKE_KEY, 1, 60)  # a dispatch is queued and has not started
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event, "burst@example.org")
    row = registration.mails.get()
    assert (row.queued_at, row.sent_at, mail.outbox) == (None, None, [])
    # That dispatch starts: it clears the flag first, then finds the row.
    assert services.mail_dispatch() == 1
    assert cache.get(WAKE_KEY) is None
    assert [m.to for m in mail.outbox] == [["burst@example.org"]]
    # With no dispatch queued, the next commit wakes one at once.
    with django_capture_on_commit_callbacks(execute=True):
        _register(event, "next@example.org")
    assert [m.to for m in mail.outbox] == [["burst@example.org"], ["next@example.org"]]


def test_a_wake_the_broker_refuses_leaves_no_flag_behind(shared_wake, broker_down):
    with pytest.raises(OperationalError, match="Connection refused"):
        outbox_wake()
    assert cache.get(WAKE_KEY) is None
