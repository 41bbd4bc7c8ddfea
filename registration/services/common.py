"""What every registration rule shares: statuses, errors, seat counting."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models import OutgoingMail, Registration
from webinar.models import Event

logger = logging.getLogger(__name__)

Status = Registration.Status
Kind = OutgoingMail.Kind

SEAT_HOLDING = (Status.APPROVED, Status.PENDING)
# Fields a participant may correct from the self-service page.
EDITABLE_FIELDS = (
    "honorific",
    "first_name",
    "last_name",
    "phone",
    "country",
    "organization",
    "category",
    "position",
    "language",
    "interpretation_language",
    "accessibility_needs",
    "sex",
    "consent_listing",
)


if TYPE_CHECKING:  # a lazy translation, as the stubs name it
    from django.utils.functional import _StrPromise as StrPromise


class RegistrationError(Exception):
    """A registration refused for a reason the participant or organiser can be told."""

    def __init__(self, message: str | StrPromise, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class StaleSignUpReads(Exception):
    """The event or its questions changed since the reads a sign-up was checked against
    (``selectors.SignUpReads``): nothing was saved; check it again from fresh reads."""


@dataclass(frozen=True)
class BulkResult:
    changed: int
    skipped: int  # all left as they were, including the refused ones below
    # Which rows the action changed, and which waiting-list rows took the seats it freed.
    changed_ids: tuple[int, ...] = ()
    promoted_ids: tuple[int, ...] = ()
    full_waitlisted: int = 0  # left on the waiting list: no seat was free
    full_other: int = 0  # others refused for want of a seat (e.g. a rejected one approved)

    @property
    def promoted(self) -> int:
        return len(self.promoted_ids)


EVENT_OVER_MESSAGE = _(
    "This event is over: registrations can no longer be cancelled or changed. "
    "Write to the organisers if something is wrong."
)


def event_is_over(*, event: Event, now: dt.datetime | None = None) -> bool:
    """The event has ended. From then on nobody cancels, edits their details or is promoted
    from the waiting list: the record of who took part is closed."""
    return event.ends_at <= (now or timezone.now())


def event_seats_taken(*, event: Event) -> int:
    return event.registrations.filter(status__in=SEAT_HOLDING).count()


def event_seats_held(*, event: Event, now: dt.datetime | None = None) -> int:
    """Seats that delegations hold for nominees not named yet; none on an open event.

    On a mixed or invitation-only event, each delegation's unfilled quota is kept for it until
    its nomination deadline (or its revocation); the public and the waiting list get the rest.
    """
    if event.admission == Event.Admission.OPEN:
        return 0
    from delegations.selectors import event_unfilled_quotas

    return event_unfilled_quotas(event=event, now=now)


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _has_free_seat(event: Event) -> bool:
    if event.capacity is None:
        return True
    return event_seats_taken(event=event) + event_seats_held(event=event) < event.capacity


def _initial_status(*, event: Event, seats_taken: int, seats_held: int | None = None) -> str:
    """Status for a newcomer from the public form. Must run while the event row is locked.
    ``seats_held``: ``event_seats_held``, where the caller has counted it already."""
    if event.capacity is not None:
        seats_taken += event_seats_held(event=event) if seats_held is None else seats_held
    if event.capacity is not None and seats_taken >= event.capacity:
        if not event.has_waitlist:
            raise RegistrationError(_("Sorry, this event is full."), code="full")
        return Status.WAITLISTED
    if event.approval_mode == Event.ApprovalMode.AUTOMATIC:
        return Status.APPROVED
    return Status.PENDING


_STATUS_MAIL: dict[str, str] = {
    Status.APPROVED: Kind.APPROVED,
    Status.PENDING: Kind.RECEIVED,
    Status.WAITLISTED: Kind.WAITLISTED,
    Status.REJECTED: Kind.REJECTED,
    Status.CANCELLED: Kind.CANCELLED,
}
