"""Signing up: one transaction decides the status under the event lock (shared when it may be)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration import selectors
from registration.models import Answer, Question, Registration
from registration.services.common import (
    _STATUS_MAIL,
    SEAT_HOLDING,
    Kind,
    RegistrationError,
    StaleSignUpReads,
    Status,
    _initial_status,
    event_seats_held,
    event_seats_taken,
)
from registration.services.outbox import mail_queue, mail_recorded, mail_row
from webinar.db import execute_prepared, insert_with_children
from webinar.models import Event, User

if TYPE_CHECKING:
    from delegations.models import Delegation

logger = logging.getLogger(__name__)


def _save_answers(
    *, registration: Registration, answers: Mapping[Question, str | list[str]]
) -> None:
    for question, value in answers.items():
        Answer.objects.update_or_create(
            registration=registration, question=question, defaults={"value": _answer_text(value)}
        )


def _answer_text(value: str | list[str] | tuple[str, ...] | None) -> str:
    return "\n".join(value) if isinstance(value, list | tuple) else str(value or "")


def _reactivate_locked(*, registration: Registration, event: Event) -> Registration:
    """A cancelled registration counts again, as a newcomer would: a free seat, else the
    waiting list (or "full"). Its row, details and answers stay as they were. The event must
    be locked and registration open."""
    registration.status = _initial_status(event=event, seats_taken=event_seats_taken(event=event))
    registration.save(update_fields=["status", "updated_at"])
    mail_queue(registration=registration, kind=_STATUS_MAIL[registration.status])
    return registration


def _remind_existing(*, event: Event, email: str) -> None:
    """Someone signed up again with a registered address: mail its owner their link.

    At most one such mail an hour, so the form cannot be used to flood someone's mailbox.
    """
    # Locked so that concurrent attempts see each other's mail and only one is queued.
    existing = (
        event.registrations.select_for_update()
        .filter(email__iexact=email, anonymised_at=None)
        .first()
    )
    if existing is None:
        return
    recent = existing.mails.filter(
        kind=Kind.ALREADY_REGISTERED, created_at__gte=timezone.now() - dt.timedelta(hours=1)
    )
    if not recent.exists():
        mail_queue(registration=existing, kind=Kind.ALREADY_REGISTERED)


# What the rules read of the locked event, in the model's column order (Model.from_db maps
# values to fields in that order).
LOCKED_EVENT_FIELDS = tuple(
    field.attname
    for field in Event._meta.concrete_fields
    if field.attname in {"id", "capacity", "has_waitlist", "approval_mode", "admission"}
)


# Sign-ups that may hold the event row shared at once: each takes one of this many slots
# (transaction advisory locks). While the seats taken are at least this far from the capacity,
# or the event is already full, concurrent sign-ups cannot change one another's status, so
# they run side by side instead of one at a time; the last seats are given one at a time.
SHARED_SIGN_UPS = 16
# The advisory lock keys of the slots: (this namespace, a number made of the event and slot).
SLOT_NAMESPACE = 0x5149
_SLOT_EVENTS = 2**31 // SHARED_SIGN_UPS


class _EventLockNeeded(Exception):
    """A sign-up begun under the shared lock needs the event to itself: start again."""


def _lock_and_check(
    *, event_id: int, email: str, shared: bool = False, reads_version: str | None = None
) -> tuple[Event, int, int | None, str | None] | None:
    """Lock the event row, then count the seats taken and look for a registration with this
    address (any case): the event (only what the rules read; anything else loads when read),
    the seats taken, and the id and status of that registration, if any.

    ``shared`` (PostgreSQL only) takes the row ``FOR SHARE`` together with one of the
    ``SHARED_SIGN_UPS`` slots, instead of ``FOR UPDATE``; None when every slot is taken. Every
    other change of the seats locks the row ``FOR UPDATE`` and so waits for, and is waited
    for by, the shared sign-ups.

    The checks are statements of their own, after the lock: a statement sees the rows
    committed before it starts, so checks made inside the locking statement would miss a
    sign-up committed while it waited. On PostgreSQL the three statements go in one round
    trip (each still takes its own snapshot): the lock is held from here to the commit, and
    every round trip inside it is time the next sign-up waits. Written in SQL because it runs
    on every sign-up (the ORM spent ~2 ms of CPU compiling the subqueries, twenty times what
    the database needs). The address is looked up through
    ``registration_one_per_email_per_event`` (event, lower(email)); the count reads the
    event's seat-holding entries of ``registration_status_event``, so it grows with the seats
    taken (a counter on the event would not): under a burst of sign-ups it is most of the
    server's time for one (measured with pg_stat_statements).

    ``reads_version`` (PostgreSQL): the version of the event and its questions that the
    caller checked the sign-up against (``selectors.SignUpReads``). The lock statement reads
    the current one; when they differ, or the event is gone, ``StaleSignUpReads`` is raised.
    """
    quote = connection.ops.quote_name
    events = quote(Event._meta.db_table)
    table = quote(Registration._meta.db_table)
    columns = ", ".join(quote(name) for name in LOCKED_EVENT_FIELDS)
    if reads_version is not None:
        columns += f", {selectors.sign_up_version_sql(events)}"
    lock_params: list[int] = [event_id]
    if shared:
        # The first free slot, from one that depends on the process, so that the workers
        # rarely try the same ones. An uncorrelated EXISTS runs once, before the row is read,
        # and stops at the first lock it gets; without one, no row is returned or locked.
        slot = (
            " AND EXISTS (SELECT 1 FROM generate_series(0, %s::integer) AS s WHERE "
            "pg_try_advisory_xact_lock(%s::integer, "
            "(%s::integer * %s::integer + (s + %s::integer) %% %s::integer)))"
        )
        lock_sql = f"SELECT {columns} FROM {events} WHERE id = %s{slot} FOR SHARE"  # noqa: S608
        lock_params += [
            SHARED_SIGN_UPS - 1,
            SLOT_NAMESPACE,
            event_id % _SLOT_EVENTS,
            SHARED_SIGN_UPS,
            os.getpid(),
            SHARED_SIGN_UPS,
        ]
    else:
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        lock_sql = f"SELECT {columns} FROM {events} WHERE id = %s{lock}"  # noqa: S608
    # The registration with this address, through the one-address index: its id and status.
    address_sql = (
        f"SELECT r.id, r.status FROM {table} r "  # noqa: S608
        "WHERE r.event_id = %s AND LOWER(r.email) = LOWER(CAST(%s AS text)) LIMIT 1"
    )
    # Only quoted names and placeholders go into the text; the values are parameters.
    seat_holding = ", ".join(["%s"] * len(SEAT_HOLDING))
    count_sql = (
        f"SELECT COUNT(*) FROM {table} r "  # noqa: S608
        f"WHERE r.event_id = %s AND r.status IN ({seat_holding})"
    )
    count_params: list[int | str] = [event_id, *(str(status) for status in SEAT_HOLDING)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The count is planned for its values every time (see execute_prepared); the lock
            # and the address lookup, by a key and a unique index, are prepared.
            execute_prepared(
                cursor,
                [(lock_sql, lock_params), (address_sql, [event_id, email])],
                then=[(count_sql, count_params)],
            )
            row = cursor.fetchone()
            cursor.cursor.nextset()
            same = cursor.fetchone()
            cursor.cursor.nextset()
        else:  # SQLite: the IMMEDIATE transaction already holds the write lock
            cursor.execute(lock_sql, lock_params)
            row = cursor.fetchone()
            cursor.execute(address_sql, [event_id, email])
            same = cursor.fetchone()
            cursor.execute(count_sql, count_params)
        if row is None:
            if shared:
                return None
            if reads_version is not None:
                raise StaleSignUpReads
            raise Event.DoesNotExist
        (seats_taken,) = cursor.fetchone()
    existing_id, existing_status = same if same is not None else (None, None)
    if reads_version is not None:
        if row[-1] != reads_version:
            raise StaleSignUpReads
        row = row[:-1]
    locked = Event.from_db(connection.alias, list(LOCKED_EVENT_FIELDS), row)
    return locked, seats_taken, existing_id, existing_status


def _shared_lock_suffices(*, event: Event, seats_taken: int, seats_held: int) -> bool:
    """Whether a sign-up holding the event row shared may take its status from this count.

    The count misses at most the ``SHARED_SIGN_UPS - 1`` other shared sign-ups still running,
    each adding at most one seat; nothing else can change the seats while the row is shared.
    A full event stays full, and an event this far from its capacity has a seat for each.
    """
    if event.capacity is None:
        return True
    taken = seats_taken + seats_held
    return taken >= event.capacity or taken + SHARED_SIGN_UPS <= event.capacity


def register(
    *,
    event: Event,
    email: str,
    first_name: str,
    last_name: str,
    country: str,
    organization: str,
    category: str,
    language: str = "en",
    honorific: str = "",
    phone: str = "",
    position: str = "",
    sex: str = "undisclosed",
    interpretation_language: str = "",
    accessibility_needs: str = "",
    consent_processing: bool = True,
    consent_listing: bool = False,
    answers: Mapping[Question, str | list[str]] | None = None,
    user: User | None = None,
    delegation: Delegation | None = None,
    reads_version: str | None = None,
) -> Registration:
    """Register a participant for an event, in one transaction, and queue their mail.

    Capacity is counted while the event row is locked, so concurrent sign-ups never exceed
    it. A second registration with the same email (any case) is refused, by the check here
    and by the database constraint, and the first registrant is mailed their link.

    With ``delegation`` (a locked ``delegations.Delegation`` whose quota the caller checked,
    with the event row locked ``FOR UPDATE`` too: see ``delegations.services._lock``, the only
    caller's lock, which ``_lock_event`` takes as every change of seats does) the person is
    that delegation's
    nominee: the public opening dates and the "by invitation only" rule do not apply, the seat
    is one of those the delegation holds, there is no waiting list for them, and consent is
    given later, when they complete their details from their own link.

    ``reads_version``: the version of the reads (``selectors.SignUpReads``) that the caller
    checked the sign-up against, when they are a copy kept from an earlier request. It is
    compared under the event's lock: ``StaleSignUpReads``, nothing saved, when they changed.
    """
    email = email.strip()
    if delegation is None:
        _check_public_sign_up(event=event, consent_processing=consent_processing)
    fields = {
        "user": user,
        "delegation": delegation,
        "email": email,
        "honorific": honorific,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "phone": phone.strip(),
        "country": country,
        "organization": organization.strip(),
        "category": category,
        "position": position.strip(),
        "language": language,
        "sex": sex,
        "interpretation_language": interpretation_language,
        "accessibility_needs": accessibility_needs.strip(),
        "consent_processing": consent_processing,
        "consent_listing": consent_listing,
    }
    try:
        if delegation is None and connection.vendor == "postgresql":
            # A public sign-up first tries the shared lock. One that finds it does not suffice
            # (the last seats, a cancelled registration to reactivate, every slot taken)
            # starts again, waiting for the event to itself.
            try:
                with transaction.atomic():
                    return _register_locked(
                        event_id=event.pk,
                        shared=True,
                        fields=fields,
                        answers=answers,
                        reads_version=reads_version,
                    )
            except _EventLockNeeded:
                pass
        with transaction.atomic():
            return _register_locked(
                event_id=event.pk,
                shared=False,
                fields=fields,
                answers=answers,
                reads_version=reads_version,
            )
    except IntegrityError as exc:
        # Two sign-ups with one address raced past the check; the constraint kept one.
        _duplicate(event, email)
        raise RegistrationError(_("Already registered."), code="duplicate") from exc
    except RegistrationError as exc:
        if exc.code == "duplicate":
            _duplicate(event, email)
        raise


def _register_locked(
    *,
    event_id: int,
    shared: bool,
    fields: dict[str, Any],
    answers: Mapping[Question, str | list[str]] | None,
    reads_version: str | None = None,
) -> Registration:
    """The sign-up's transaction: the event locked (``shared``: see ``_lock_and_check``),
    the status decided, and the registration of ``fields`` saved with its answers and mail."""
    delegation: Delegation | None = fields["delegation"]
    checked = _lock_and_check(
        event_id=event_id, email=fields["email"], shared=shared, reads_version=reads_version
    )
    if checked is None:
        raise _EventLockNeeded
    locked, seats_taken, existing_id, existing_status = checked
    if existing_id is not None:
        if existing_status != Registration.Status.CANCELLED:
            raise RegistrationError(_("Already registered."), code="duplicate")
        if shared:
            raise _EventLockNeeded
        # Cancelled by mistake: the same row counts again, its details and answers as they
        # were (a stranger typing the address changes nothing else, and its owner is mailed
        # the new status).
        row = Registration.objects.select_for_update().get(pk=existing_id)
        if delegation is not None:
            # Named again by a delegation: its nominee once more, on its quota.
            row.delegation = delegation
            row.status = _nominee_status(event=locked, delegation=delegation, taken=seats_taken)
            row.save(update_fields=["delegation", "status", "updated_at"])
            mail_queue(registration=row, kind=Kind.NOMINATED)
            return row
        if row.delegation_id is not None:
            # A withdrawn nominee signing up themselves: no delegation's seat.
            row.delegation = None
            row.save(update_fields=["delegation", "updated_at"])
        return _reactivate_locked(registration=row, event=locked)
    if delegation is None:
        # Read once for both: on a mixed or invitation-only event it is a query of its own.
        seats_held = event_seats_held(event=locked) if locked.capacity is not None else 0
        if shared and not _shared_lock_suffices(
            event=locked, seats_taken=seats_taken, seats_held=seats_held
        ):
            raise _EventLockNeeded
        status = _initial_status(event=locked, seats_taken=seats_taken, seats_held=seats_held)
    else:
        status = _nominee_status(event=locked, delegation=delegation, taken=seats_taken)
    registration = Registration(event=locked, status=status, **fields)
    kind = Kind.NOMINATED if delegation is not None else _STATUS_MAIL[status]
    # One round trip for the row, its answers and its mail: the event stays locked until the
    # commit, and every round trip is time the next sign-up waits.
    insert_with_children(
        registration,
        [
            (
                "registration",
                [
                    Answer(question=question, value=_answer_text(value))
                    for question, value in (answers or {}).items()
                ],
            ),
            ("registration", [mail_row(registration=registration, kind=kind)]),
        ],
    )
    mail_recorded()
    return registration


INVITATION_ONLY_MESSAGE = _(
    "This event is by invitation only: participants are nominated by their delegations."
)


def _check_public_sign_up(*, event: Event, consent_processing: bool) -> None:
    if not event.registration_is_open():
        raise RegistrationError(_("Registration for this event is closed."), code="closed")
    if event.admission == Event.Admission.INVITATION_ONLY:
        raise RegistrationError(INVITATION_ONLY_MESSAGE, code="invitation_only")
    if not consent_processing:
        raise RegistrationError(
            _("Registration needs your consent to the processing of your data."), code="consent"
        )


def _nominee_status(*, event: Event, delegation: Delegation, taken: int) -> str:
    """A nominee's status: a seat of their delegation's, or a refusal (no waiting list).

    The event and the delegation are locked; the caller checked the delegation's quota. The
    seats other delegations hold stay theirs; this delegation's own unfilled quota is the
    room its nominee takes.
    """
    if event.capacity is not None:
        held_by_others = event_seats_held(event=event) - _unfilled_quota(delegation, event)
        if taken + held_by_others >= event.capacity:
            raise RegistrationError(_("Sorry, this event is full."), code="full")
    if event.approval_mode == Event.ApprovalMode.AUTOMATIC:
        return Status.APPROVED
    return Status.PENDING


def _unfilled_quota(delegation: Delegation, event: Event) -> int:
    """What ``event_seats_held`` counted for this delegation (0 on an open event)."""
    if event.admission == Event.Admission.OPEN:
        return 0
    from delegations.selectors import delegation_unfilled_quota

    return delegation_unfilled_quota(delegation=delegation)


def _duplicate(event: Event, email: str) -> None:
    with transaction.atomic():
        _remind_existing(event=event, email=email)
