"""Signing up: one transaction decides the status under the event lock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models import Answer, Question, Registration
from registration.services.common import (
    _STATUS_MAIL,
    SEAT_HOLDING,
    Kind,
    RegistrationError,
    _initial_status,
)
from registration.services.outbox import mail_queue
from webinar.models import Event

logger = logging.getLogger(__name__)


def _save_answers(
    *, registration: Registration, answers: Mapping[Question, str | list[str]]
) -> None:
    for question, value in answers.items():
        Answer.objects.update_or_create(
            registration=registration, question=question, defaults={"value": _answer_text(value)}
        )


def _answer_text(value) -> str:
    return "\n".join(value) if isinstance(value, list | tuple) else str(value or "")


def _reactivate_locked(*, registration: Registration, event: Event) -> Registration:
    """A cancelled registration counts again, as a newcomer would: a free seat, else the
    waiting list (or "full"). Its row, details and answers stay as they were. The event must
    be locked and registration open."""
    registration.status = _initial_status(event=event)
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


def _lock_event_for_signup(*, event_id: int) -> Event:
    """The event row, locked, with only what the rules read (its texts in three languages
    stay in the database)."""
    return (
        Event.objects.select_for_update()
        .only("pk", "capacity", "has_waitlist", "approval_mode")
        .get(pk=event_id)
    )


def _signup_checks(*, event_id: int, email: str) -> tuple[int, int | None, str | None]:
    """Seats taken, and the id and status of a registration with this address (any case).

    Must run after the event is locked, as a statement of its own: a statement sees the rows
    committed before it starts, so checks made in the locking statement itself would miss a
    sign-up committed while it waited for the lock. One round trip for both checks, in SQL
    because it runs on every sign-up (the ORM spent ~2 ms of CPU compiling these subqueries,
    twenty times what the database needs). Each follows an index (``registration_event_status``;
    ``registration_one_per_email_per_event`` on (event, lower(email))), so the cost does not
    grow with the event's size.
    """
    table = connection.ops.quote_name(Registration._meta.db_table)
    seat_holding = ", ".join(["%s"] * len(SEAT_HOLDING))
    same_address = f"FROM {table} r WHERE r.event_id = %s AND LOWER(r.email) = LOWER(%s) LIMIT 1"
    # Only a quoted table name and placeholders go into the text; the values are parameters.
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {table} r WHERE r.event_id = %s "  # noqa: S608
        f"AND r.status IN ({seat_holding})), "
        f"(SELECT r.id {same_address}), (SELECT r.status {same_address})"
    )
    params = [event_id, *SEAT_HOLDING, event_id, email, event_id, email]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        seats_taken, existing_id, existing_status = cursor.fetchone()
    return seats_taken, existing_id, existing_status


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
    user=None,
) -> Registration:
    """Register a participant for an event, in one transaction, and queue their mail.

    Capacity is counted while the event row is locked, so concurrent sign-ups never exceed
    it. A second registration with the same email (any case) is refused, by the check here
    and by the database constraint, and the first registrant is mailed their link.
    """
    email = email.strip()
    if not event.registration_is_open():
        raise RegistrationError(_("Registration for this event is closed."), code="closed")
    if not consent_processing:
        raise RegistrationError(
            _("Registration needs your consent to the processing of your data."), code="consent"
        )
    try:
        with transaction.atomic():
            # One round trip locks the event and makes both checks. Each subquery follows an
            # index, so its cost does not grow with the event's size: the address through the
            # unique (event, lower(email)) index, the seats through (event, status). A single
            # FILTERed count would read every registration.
            locked = _lock_event_for_signup(event_id=event.pk)
            seats_taken, existing_id, existing_status = _signup_checks(
                event_id=event.pk, email=email
            )
            if existing_id is not None:
                if existing_status == Registration.Status.CANCELLED:
                    # Cancelled by mistake: the same row counts again, its details and answers
                    # as they were (a stranger typing the address changes nothing else, and its
                    # owner is mailed the new status).
                    return _reactivate_locked(
                        registration=Registration.objects.select_for_update().get(pk=existing_id),
                        event=locked,
                    )
                raise RegistrationError(_("Already registered."), code="duplicate")
            registration = Registration.objects.create(
                event=locked,
                user=user,
                email=email,
                honorific=honorific,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                phone=phone.strip(),
                country=country,
                organization=organization.strip(),
                category=category,
                position=position.strip(),
                language=language,
                sex=sex,
                interpretation_language=interpretation_language,
                accessibility_needs=accessibility_needs.strip(),
                consent_processing=True,
                consent_listing=consent_listing,
                status=_initial_status(event=locked, seats_taken=seats_taken),
            )
            Answer.objects.bulk_create(
                Answer(registration=registration, question=question, value=_answer_text(value))
                for question, value in (answers or {}).items()
            )
            mail_queue(registration=registration, kind=_STATUS_MAIL[registration.status])
    except IntegrityError as exc:
        # Two sign-ups with one address raced past the check; the constraint kept one.
        _duplicate(event, email)
        raise RegistrationError(_("Already registered."), code="duplicate") from exc
    except RegistrationError as exc:
        if exc.code == "duplicate":
            _duplicate(event, email)
        raise
    return registration


def _duplicate(event: Event, email: str) -> None:
    with transaction.atomic():
        _remind_existing(event=event, email=email)
