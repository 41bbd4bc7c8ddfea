"""Status changes by organisers and participants, and the waiting list."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from registration.models import Question, Registration
from registration.services.common import (
    _STATUS_MAIL,
    EDITABLE_FIELDS,
    EVENT_OVER_MESSAGE,
    SEAT_HOLDING,
    BulkResult,
    Kind,
    RegistrationError,
    Status,
    _has_free_seat,
    _lock_event,
    event_is_over,
)
from registration.services.outbox import mail_queue
from registration.services.signup import _reactivate_locked, _save_answers
from webinar.models import Event

logger = logging.getLogger(__name__)


# action: (statuses it applies to, new status)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": ((Status.PENDING, Status.WAITLISTED, Status.REJECTED), Status.APPROVED),
    "promote": ((Status.WAITLISTED,), Status.APPROVED),
    "reject": ((Status.PENDING, Status.WAITLISTED, Status.APPROVED), Status.REJECTED),
    "waitlist": ((Status.PENDING, Status.APPROVED), Status.WAITLISTED),
    "cancel": ((Status.PENDING, Status.WAITLISTED, Status.APPROVED), Status.CANCELLED),
}


def _promote_waitlisted(*, event: Event, exclude: Iterable[int] = ()) -> list[Registration]:
    """Give freed seats to the waiting list in arrival order. The event must be locked.

    Nobody is promoted once the event is over: a seat freed then is of no use to anyone.
    """
    promoted: list[Registration] = []
    if event_is_over(event=event):
        return promoted
    waiting = event.registrations.filter(status=Status.WAITLISTED, anonymised_at=None).exclude(
        pk__in=list(exclude)
    )
    while _has_free_seat(event):
        nxt = waiting.order_by("created_at", "pk").first()
        if nxt is None:
            break
        nxt.status = (
            Status.APPROVED
            if event.approval_mode == Event.ApprovalMode.AUTOMATIC
            else Status.PENDING
        )
        nxt.save(update_fields=["status", "updated_at"])
        mail_queue(registration=nxt, kind=Kind.PROMOTED)
        promoted.append(nxt)
    return promoted


def event_fill_free_seats(*, event_id: int) -> int:
    """Give any free seats to the waiting list (e.g. after the capacity was raised)."""
    with transaction.atomic():
        event = _lock_event(event_id)
        return len(_promote_waitlisted(event=event))


def _apply(registration: Registration, event: Event, action: str) -> bool:
    sources, target = ACTIONS[action]
    if registration.status not in sources or registration.anonymised_at:
        return False
    needs_seat = target == Status.APPROVED and registration.status not in SEAT_HOLDING
    if needs_seat and not _has_free_seat(event):
        raise RegistrationError(
            _("No seat is free: %(name)s stays where they are.") % {"name": registration.full_name},
            code="full",
        )
    was_waitlisted = registration.status == Status.WAITLISTED
    registration.status = target
    registration.save(update_fields=["status", "updated_at"])
    kind = Kind.PROMOTED if (was_waitlisted and target == Status.APPROVED) else _STATUS_MAIL[target]
    mail_queue(registration=registration, kind=kind)
    return True


def registrations_apply(*, registration_ids: Iterable[int], action: str) -> BulkResult:
    """Apply an organiser's action (approve, promote, reject, waitlist, cancel) to many.

    Registrations the action does not apply to are skipped; approving beyond capacity stops
    at the last free seat. Freed seats go to the waiting list.
    """
    if action not in ACTIONS:
        raise ValueError(action)
    changed = skipped = full_waitlisted = full_other = 0
    changed_ids: list[int] = []
    promoted_ids: list[int] = []
    ids = list(registration_ids)
    event_ids = (
        Registration.objects.filter(pk__in=ids).values_list("event_id", flat=True).distinct()
    )
    for event_id in sorted(set(event_ids)):
        with transaction.atomic():
            event = _lock_event(event_id)
            rows = Registration.objects.filter(pk__in=ids, event=event).order_by("created_at", "pk")
            for registration in rows:
                was = registration.status
                try:
                    done = _apply(registration, event, action)
                except RegistrationError:
                    done = False
                    full_waitlisted += was == Status.WAITLISTED
                    full_other += was != Status.WAITLISTED
                changed += done
                skipped += not done
                if done:
                    changed_ids.append(registration.pk)
            if action in ("reject", "waitlist", "cancel"):
                promoted = _promote_waitlisted(
                    event=event, exclude=ids if action == "waitlist" else ()
                )
                promoted_ids.extend(p.pk for p in promoted)
    return BulkResult(
        changed=changed,
        skipped=skipped,
        changed_ids=tuple(changed_ids),
        promoted_ids=tuple(promoted_ids),
        full_waitlisted=full_waitlisted,
        full_other=full_other,
    )


def registration_cancel(*, registration: Registration) -> bool:
    """The participant cancels; their seat goes to the waiting list.

    Refused with RegistrationError (code ``over``) once the event is over.
    """
    if event_is_over(event=registration.event):
        raise RegistrationError(EVENT_OVER_MESSAGE, code="over")
    result = registrations_apply(registration_ids=[registration.pk], action="cancel")
    registration.refresh_from_db()
    return result.changed == 1


def registration_reactivate(*, registration: Registration) -> Registration:
    """The participant registers again after cancelling, while registration is open.

    Raises RegistrationError ("closed", "full", or "not_cancelled" when there is nothing to
    reactivate)."""
    with transaction.atomic():
        event = _lock_event(registration.event_id)
        if not event.registration_is_open():
            raise RegistrationError(_("Registration for this event is closed."), code="closed")
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status != Status.CANCELLED or current.anonymised_at:
            raise RegistrationError(_("This registration is not cancelled."), code="not_cancelled")
        _reactivate_locked(registration=current, event=event)
    registration.refresh_from_db()
    return registration


def registrations_resend(*, registration_ids: Iterable[int]) -> list[int]:
    """Queue again the mail that matches each registrant's current status; returns the ids
    of the registrations a mail was queued for."""
    queued = []
    with transaction.atomic():
        for registration in Registration.objects.filter(pk__in=list(registration_ids)):
            if registration.anonymised_at:
                continue
            mail_queue(registration=registration, kind=_STATUS_MAIL[registration.status])
            queued.append(registration.pk)
    return queued


def registrations_message(*, registration_ids: Iterable[int], subject: str, body: str) -> list[int]:
    """Queue an organiser's own message to each registrant; placeholders filled at sending.
    Returns the ids of the registrations a message was queued for."""
    queued = []
    with transaction.atomic():
        for registration in Registration.objects.filter(
            pk__in=list(registration_ids), anonymised_at=None
        ):
            mail_queue(registration=registration, kind=Kind.CUSTOM, subject=subject, body=body)
            queued.append(registration.pk)
    return queued


def registration_update_details(
    *,
    registration: Registration,
    answers: Mapping[Question, str | list[str]] | None = None,
    consent_processing: bool = False,
    **fields: Any,
) -> Registration:
    """A participant corrects their details (not their email, not their status).

    ``consent_processing=True`` records the consent of a participant registered without it
    (a delegation's nominee); consent once given is not taken back here (erasure does that).
    Refused with RegistrationError (code ``over``) once the event is over.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if event_is_over(event=registration.event):
        raise RegistrationError(EVENT_OVER_MESSAGE, code="over")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(registration, name, value.strip() if isinstance(value, str) else value)
        update = [*fields, "updated_at"]
        if consent_processing and not registration.consent_processing:
            registration.consent_processing = True
            update.append("consent_processing")
        registration.save(update_fields=update)
        _save_answers(registration=registration, answers=answers or {})
    return registration
