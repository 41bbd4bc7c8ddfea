"""The outbox: every mail is a row first, sent by the worker, re-queued by the sweeper."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
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
    mail = OutgoingMail.objects.create(
        registration=registration,
        delegation=delegation,
        kind=kind,
        subject=subject,
        body=body,
        due_at=timezone.now(),
    )
    mail_id = mail.pk
    _send_after_commit(mail_id)
    return mail


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
    mail_id = mail.pk
    _send_after_commit(mail_id)
    return mail


def _queue_send(mail_id: int) -> None:
    from registration.tasks import send_mail

    send_mail.delay(mail_id=mail_id)


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
            attempts=0, last_error="", due_at=timezone.now(), claimed_until=None
        )
        for pk in ids:
            _send_after_commit(pk)
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
        ids = list(
            OutgoingMail.objects.filter(
                kind=Kind.REMINDER, sent_at=None, due_at__lte=now
            ).values_list("pk", flat=True)
        )

        def queue_all() -> None:
            for pk in ids:
                _queue_send(pk)

        transaction.on_commit(queue_all, robust=True)
    return created


def _send_after_commit(mail_id: int) -> None:
    """Queue the mail's sending once the transaction commits; a broker that is down is logged,
    and the sweeper sends the mail later (the row is the truth)."""
    transaction.on_commit(lambda: _queue_send(mail_id), robust=True)
