"""Registration rules: who gets a seat, who waits, and what must be mailed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models import Registration
from webinar.models import Event

logger = logging.getLogger(__name__)


class RegistrationError(Exception):
    """A registration refused for a reason the participant can be told."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool


SEAT_HOLDING = (Registration.Status.APPROVED, Registration.Status.PENDING)


def event_seats_taken(*, event: Event) -> int:
    return event.registrations.filter(status__in=SEAT_HOLDING).count()


def _initial_status(*, event: Event) -> str:
    """Status for a newcomer. Must run while the event row is locked."""
    if event.capacity is not None and event_seats_taken(event=event) >= event.capacity:
        if not event.has_waitlist:
            raise RegistrationError(_("Sorry, this event is full."), code="full")
        return Registration.Status.WAITLISTED
    if event.approval_mode == Event.ApprovalMode.AUTOMATIC:
        return Registration.Status.APPROVED
    return Registration.Status.PENDING


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
) -> Registration:
    """Register a participant for an event, in one transaction.

    Capacity is counted while the event row is locked (PostgreSQL ``SELECT ... FOR UPDATE``;
    on SQLite the IMMEDIATE transaction already serialises writers), so concurrent sign-ups
    never exceed it. A second registration with the same email (any case) is refused by the
    database constraint as well as by the check here.
    """
    email = email.strip()
    if not event.registration_is_open():
        raise RegistrationError(_("Registration for this event is closed."), code="closed")
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if locked.registrations.filter(email__iexact=email).exists():
                raise RegistrationError(
                    _("This email address is already registered for this event."),
                    code="duplicate",
                )
            registration = Registration.objects.create(
                event=locked,
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                country=country,
                organization=organization.strip(),
                category=category,
                language=language,
                status=_initial_status(event=locked),
            )
            transaction.on_commit(lambda: _queue_confirmation(registration.pk), robust=True)
    except IntegrityError as exc:
        # Two sign-ups with one address raced past the check; the constraint kept one.
        raise RegistrationError(
            _("This email address is already registered for this event."), code="duplicate"
        ) from exc
    return registration


def _queue_confirmation(registration_id: int) -> None:
    from registration.tasks import send_confirmation

    send_confirmation.delay(registration_id=registration_id)


def registration_send_confirmation(*, registration_id: int) -> bool:
    """Send the confirmation mail once. Returns False when there was nothing to send."""
    from registration.emails import send_registration_mail

    with transaction.atomic():
        claimed = Registration.objects.filter(pk=registration_id, confirmation_due=True).update(
            confirmation_due=False, confirmation_sent_at=timezone.now()
        )
        if not claimed:
            return False
        registration = Registration.objects.select_related("event").get(pk=registration_id)
        # If sending fails, the transaction rolls back and the row stays due for the sweeper.
        send_registration_mail(registration=registration)
    return True


def registration_sweep_outbox(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Re-queue confirmations that are still due; returns how many were queued."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    due = list(
        Registration.objects.filter(confirmation_due=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        _queue_confirmation(pk)
    return len(due)
