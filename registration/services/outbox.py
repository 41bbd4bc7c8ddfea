"""The outbox: every mail is a row first, sent by the worker, re-queued by the sweeper.

A transaction that records mails wakes the dispatcher once it commits (``outbox_wake``); the
dispatcher, in the worker, queues one sending task per due row (``mail_dispatch``). The
request pays for one Redis command, not for a Celery message per mail: while a dispatch is
queued and has not started, a burst of sign-ups queues nothing more, since that dispatch will
find their rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from registration.models import OutgoingMail, Registration
from registration.services.common import (
    Kind,
    Status,
)
from webinar.models import Event

if TYPE_CHECKING:
    from delegations.models import Delegation

logger = logging.getLogger(__name__)


def mail_queue(
    *,
    registration: Registration | None = None,
    kind: str,
    subject: str = "",
    body: str = "",
    delegation: Delegation | None = None,
) -> OutgoingMail:
    """Record a mail to send now, and queue its sending once the transaction commits.

    The recipient is a registrant, or a delegation's focal point (``delegation``): one outbox,
    so one claim, lease, retry and sweep for every mail. (Reminders, which are keyed to be
    recorded once, are written by ``reminders_schedule`` and ``mail_queue_once``.)
    """
    mail = mail_row(
        registration=registration, kind=kind, subject=subject, body=body, delegation=delegation
    )
    mail.save(force_insert=True)
    mail_recorded()
    return mail


def mail_row(
    *,
    registration: Registration | None = None,
    kind: str,
    subject: str = "",
    body: str = "",
    delegation: Delegation | None = None,
) -> OutgoingMail:
    """The outbox row of a mail to send now, not saved yet: for a caller that inserts it with
    other rows (``registration.services.signup``), then calls ``mail_recorded``."""
    return OutgoingMail(
        registration=registration,
        delegation=delegation,
        kind=kind,
        subject=subject,
        body=body,
        due_at=timezone.now(),
    )


def mail_recorded() -> None:
    """A mail row was written in this transaction: wake the dispatcher once it commits. A
    broker that is down is logged, and the sweeper sends the mails later (the row is the
    truth)."""
    transaction.on_commit(outbox_wake, robust=True)


def mail_queue_once(
    *,
    kind: str,
    dedupe_key: str,
    registration: Registration | None = None,
    delegation: Delegation | None = None,
) -> OutgoingMail | None:
    """``mail_queue`` for a mail that exists at most once per recipient and key; None when it
    already does. The savepoint keeps the caller's transaction usable after the collision."""
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.create(
                registration=registration,
                delegation=delegation,
                kind=kind,
                dedupe_key=dedupe_key,
                due_at=timezone.now(),
            )
    except IntegrityError:
        return None
    mail_recorded()
    return mail


def _queue_send(mail_id: int) -> None:
    from registration.tasks import send_mail

    send_mail.delay(mail_id=mail_id)


# Set while a dispatch is queued and has not started; it expires in case that task is lost (the
# sweeper sends what a lost dispatch left, and the next commit after expiry wakes another).
WAKE_KEY = "registration:outbox-wake"
WAKE_SECONDS = 60


def outbox_wake() -> None:
    """Have the dispatcher queue what is due, unless a dispatch is already queued.

    With a cache every process shares (``settings.OUTBOX_WAKE_SHARED``), the flag says that a
    dispatch is queued and has not yet cleared it: that dispatch starts after this commit, so
    it will see this transaction's rows. With a per-process cache, each commit queues one.
    """
    from registration.tasks import dispatch_outbox

    if settings.OUTBOX_WAKE_SHARED and not cache.add(WAKE_KEY, 1, WAKE_SECONDS):
        return
    try:
        dispatch_outbox.delay()
    except Exception:
        # Nothing is queued: the next commit must try again (and the sweeper has the rows).
        if settings.OUTBOX_WAKE_SHARED:
            cache.delete(WAKE_KEY)
        raise


DISPATCH_BATCH = 500


def mail_dispatch(*, batch: int = DISPATCH_BATCH) -> int:
    """Queue the sending of every due mail that was not queued yet; returns how many.

    The wake flag is cleared first, so a transaction that commits from here on wakes another
    dispatch. Each row is queued once (``queued_at``, set by a conditional update): two
    dispatches running at once share the rows between them. A queued task that is lost leaves
    an unsent row, which the sweeper queues again after its grace period.
    """
    if settings.OUTBOX_WAKE_SHARED:
        cache.delete(WAKE_KEY)
    queued = 0
    while True:
        now = timezone.now()
        with transaction.atomic():
            # Rows another dispatch is taking right now are skipped, not waited for.
            due = list(
                OutgoingMail.objects.filter(
                    _claimable(now), queued_at=None, due_at__lte=now, attempts__lt=MAX_ATTEMPTS
                )
                .order_by("due_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            OutgoingMail.objects.filter(pk__in=due).update(queued_at=now)
        for pk in due:
            _queue_send(pk)
        queued += len(due)
        if len(due) < batch:
            return queued


MAX_ATTEMPTS = 8
# Longer than any SMTP exchange can last (EMAIL_TIMEOUT per socket operation, a few of them).
LEASE_SECONDS = 300


def _claimable(now: dt.datetime) -> Q:
    return Q(sent_at=None) & (Q(claimed_until=None) | Q(claimed_until__lt=now))


def mail_send(*, mail_id: int) -> bool:
    """Send one outbox row. Returns False when there was nothing to send.

    Three short steps, none holding a transaction across the SMTP exchange (on SQLite a
    transaction would hold the database's write lock, and every sign-up would wait for a slow
    mail server):

    1. claim: a conditional update takes the row for ``LEASE_SECONDS`` if it is unsent and not
       claimed by a live lease; a second worker finds it claimed and does nothing;
    2. send, outside any transaction;
    3. record: ``sent_at`` on success; on failure the lease is released and the error kept, so
       the sweeper tries again later (``MAX_ATTEMPTS`` in all).

    Delivery is therefore at least once, not exactly once: a worker that dies after the mail
    server accepted the message and before step 3 leaves a claimed, unsent row, and once its
    lease has run out the sweeper sends it again. Duplicates are limited to that window (a
    crash between the server's answer and one UPDATE).
    """
    from registration.emails import build_message

    now = timezone.now()
    lease = now + dt.timedelta(seconds=LEASE_SECONDS)
    claimed = (
        OutgoingMail.objects.filter(_claimable(now), pk=mail_id)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    try:
        mail = OutgoingMail.objects.select_related(
            "registration__event", "registration__delegation", "delegation__event"
        ).get(pk=mail_id)
        build_message(mail=mail).send()
    except Exception as exc:
        OutgoingMail.objects.filter(pk=mail_id, sent_at=None, claimed_until=lease).update(
            claimed_until=None, last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    OutgoingMail.objects.filter(pk=mail_id, sent_at=None).update(
        sent_at=timezone.now(), claimed_until=None
    )
    return True


def mails_retry_failed(*, event: Event, mail_ids: Iterable[int] | None = None) -> int:
    """Send again an event's mails that failed (the organiser fixed the address or the server):
    their error is cleared, they are due now, and they are queued after commit."""
    # Not one a worker is sending right now (a live lease): it would go twice.
    failed = OutgoingMail.objects.filter(
        _claimable(timezone.now()), registration__event=event
    ).exclude(last_error="")
    if mail_ids is not None:
        failed = failed.filter(pk__in=list(mail_ids))
    with transaction.atomic():
        ids = list(failed.select_for_update(of=("self",)).values_list("pk", flat=True))
        OutgoingMail.objects.filter(pk__in=ids, sent_at=None).update(
            attempts=0, last_error="", due_at=timezone.now(), claimed_until=None, queued_at=None
        )
        if ids:
            mail_recorded()
    return len(ids)


def mail_sweep(*, grace_seconds: int = 60, limit: int = 500) -> int:
    """Re-queue mails still unsent after their due time, and claims whose lease ran out;
    returns how many were queued."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=grace_seconds)
    due = list(
        OutgoingMail.objects.filter(_claimable(now), due_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        _queue_send(pk)
    return len(due)


def reminder_offsets() -> list[dt.timedelta]:
    hours = settings.REGISTRATION_REMINDER_OFFSETS_HOURS
    return [dt.timedelta(hours=h) for h in hours]


def _offset_key(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"reminder-{minutes // 60}h" if minutes % 60 == 0 else f"reminder-{minutes}m"


def reminders_schedule(*, now: dt.datetime | None = None) -> int:
    """Record the reminders whose time has come; each exists once per registrant and offset.

    Safe to run any number of times (beat twice, two beats): the unique key keeps one row.
    Whoever registered after a reminder's time does not get that reminder.
    """
    now = now or timezone.now()
    created = 0
    for offset in reminder_offsets():
        key = _offset_key(offset)
        events = Event.objects.filter(starts_at__gt=now, starts_at__lte=now + offset)
        for event in events:
            registrations = event.registrations.filter(
                status=Status.APPROVED,
                anonymised_at=None,
                created_at__lt=event.starts_at - offset,
            ).exclude(mails__dedupe_key=key)
            rows = [
                OutgoingMail(
                    registration=registration,
                    kind=Kind.REMINDER,
                    dedupe_key=key,
                    due_at=now,
                )
                for registration in registrations.only("pk")
            ]
            OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(rows)
    if created:
        mail_recorded()
    return created
