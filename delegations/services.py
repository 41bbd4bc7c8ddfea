"""Delegation rules: invitations, nominations within the quota, replacements, reminders.

Every nomination and replacement runs in one transaction holding two row locks, in this order:
the event (the same ``_lock_event`` as the public sign-up, so seats are counted by one rule)
and then the delegation (so two nominations for one delegation are counted one after the
other and the quota is never exceeded). Other delegations' rows are not locked: they nominate
in parallel, limited only by the event's lock.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from delegations.models import Delegation, new_access_key
from delegations.selectors import delegation_seats_used
from registration.models import Category, OutgoingMail, Registration
from registration.services import RegistrationError, event_is_over, event_seats_taken
from registration.services.common import SEAT_HOLDING, _lock_event, event_seats_held
from registration.services.outbox import mail_queue, mail_queue_once
from registration.services.signup import register
from webinar.models import Event

logger = logging.getLogger(__name__)

Kind = OutgoingMail.Kind
Status = Registration.Status


class DelegationError(Exception):
    """A refusal the focal point or the organiser can be told."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def delegation_accepts_changes(*, delegation: Delegation, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        delegation.revoked_at is None
        and now < delegation.nomination_deadline
        and not event_is_over(event=delegation.event, now=now)
    )


def _refuse_if_closed(delegation: Delegation, now: dt.datetime) -> None:
    if delegation.revoked_at is not None:
        raise DelegationError(_("This invitation has been withdrawn."), code="revoked")
    if not delegation_accepts_changes(delegation=delegation, now=now):
        raise DelegationError(
            _("The nomination deadline has passed: the list can no longer be changed."),
            code="deadline",
        )


def _quota_full(delegation: Delegation) -> DelegationError:
    return DelegationError(
        ngettext_lazy(
            "Your delegation's %(quota)s seat is nominated.",
            "Your delegation's %(quota)s seats are all nominated.",
            "quota",
        )
        % {"quota": delegation.quota},
        code="quota",
    )


def event_room_to_reserve(*, event: Event, exclude: Delegation | None = None) -> int | None:
    """Seats an organiser may still give to delegations (None: no limit). Event locked."""
    if event.capacity is None or event.admission == Event.Admission.OPEN:
        return None
    held = event_seats_held(event=event)
    if exclude is not None:
        from delegations.selectors import delegation_unfilled_quota

        held -= delegation_unfilled_quota(delegation=exclude)
    return max(event.capacity - event_seats_taken(event=event) - held, 0)


def _refuse_if_no_room(*, event: Event, seats: int, exclude: Delegation | None = None) -> None:
    room = event_room_to_reserve(event=event, exclude=exclude)
    if room is not None and seats > room:
        raise DelegationError(
            _(
                "The event has %(room)s seats left to reserve (capacity %(capacity)s, counting "
                "the seats taken and those other delegations hold)."
            )
            % {"room": room, "capacity": event.capacity},
            code="capacity",
        )


def delegation_invite(
    *,
    event: Event,
    country: str = "",
    organisation: str = "",
    focal_point_name: str,
    focal_point_email: str,
    focal_point_language: str = "en",
    quota: int,
    nomination_deadline: dt.datetime,
    created_by=None,
) -> Delegation:
    """Invite a delegation and mail its focal point their personal link (on commit).

    On a mixed or invitation-only event with a capacity, the quota must fit in the seats not
    taken and not held by other delegations: reserved seats count against the capacity.
    """
    if bool(country) == bool(organisation.strip()):
        raise DelegationError(_("Give either a country or an organisation, not both."), code="who")
    if quota < 1:
        raise DelegationError(_("The quota must be at least one seat."), code="quota")
    try:
        with transaction.atomic():
            locked = _lock_event(event.pk)
            _refuse_if_no_room(event=locked, seats=quota)
            delegation = Delegation.objects.create(
                event=locked,
                country=country,
                organisation=organisation.strip(),
                focal_point_name=focal_point_name.strip(),
                focal_point_email=focal_point_email.strip(),
                focal_point_language=focal_point_language,
                quota=quota,
                nomination_deadline=nomination_deadline,
                created_by=created_by,
            )
            _mail_focal_point(delegation=delegation, kind=Kind.INVITATION)
    except IntegrityError as exc:
        raise DelegationError(
            _("This country or organisation is already invited to the event."), code="duplicate"
        ) from exc
    return delegation


def delegation_update(
    *,
    delegation: Delegation,
    quota: int,
    nomination_deadline: dt.datetime,
    focal_point_name: str,
    focal_point_email: str,
    focal_point_language: str,
) -> Delegation:
    """The organiser changes an invitation; the quota never drops below the nominees."""
    with transaction.atomic():
        event = _lock_event(delegation.event_id)
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        used = delegation_seats_used(delegation=locked)
        if quota < max(used, 1):
            raise DelegationError(
                _("The quota cannot be lower than the %(used)s people already nominated.")
                % {"used": used},
                code="quota",
            )
        if quota > locked.quota:
            _refuse_if_no_room(event=event, seats=quota - used, exclude=locked)
        locked.quota = quota
        locked.nomination_deadline = nomination_deadline
        locked.focal_point_name = focal_point_name.strip()
        locked.focal_point_email = focal_point_email.strip()
        locked.focal_point_language = focal_point_language
        locked.save()
    return locked


def _mail_focal_point(*, delegation: Delegation, kind: str, dedupe_key: str = "") -> bool:
    """A row in the outbox (the registrants' one), sent once the transaction commits.

    False when a mail with the same ``dedupe_key`` already exists for the delegation.
    """
    if not dedupe_key:
        mail_queue(delegation=delegation, kind=kind)
        return True
    return mail_queue_once(delegation=delegation, kind=kind, dedupe_key=dedupe_key) is not None


def delegation_nominate(
    *,
    delegation: Delegation,
    email: str,
    first_name: str,
    last_name: str,
    position: str = "",
    organization: str = "",
    language: str = "en",
    now: dt.datetime | None = None,
) -> Registration:
    """The focal point names a person: a registration marked as this delegation's.

    Never beyond the quota, also when many nominations arrive at once: the seat-holding
    nominees are counted while the event and the delegation rows are locked. The nominee is
    mailed their own personal link to complete their details and answer the event's questions.
    """
    with transaction.atomic():
        return _nominate_locked(
            delegation=delegation,
            person={
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "position": position,
                "organization": organization,
                "language": language,
            },
            now=now or timezone.now(),
        )


def _lock(delegation: Delegation) -> tuple[Event, Delegation]:
    event = _lock_event(delegation.event_id)
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    locked.event = event
    return event, locked


def _nominate_locked(*, delegation: Delegation, person: dict, now: dt.datetime) -> Registration:
    event, locked = _lock(delegation)
    _refuse_if_closed(locked, now)
    if delegation_seats_used(delegation=locked) >= locked.quota:
        raise _quota_full(locked)
    try:
        return register(
            event=event,
            delegation=locked,
            email=person["email"],
            first_name=person["first_name"],
            last_name=person["last_name"],
            position=person.get("position", ""),
            organization=person.get("organization", "") or locked.name,
            language=person.get("language", "en"),
            country=str(locked.country or ""),
            # Officials of a state are its government's; an institution's nominee chooses.
            category=Category.NATIONAL_GOVERNMENT if locked.country else "",
            consent_processing=False,
        )
    except RegistrationError as exc:
        if exc.code == "duplicate":
            raise DelegationError(
                _("%(email)s is already registered for this event.") % {"email": person["email"]},
                code="duplicate",
            ) from exc
        raise DelegationError(exc.message, code=exc.code) from exc


def delegation_replace(
    *,
    delegation: Delegation,
    registration: Registration,
    email: str,
    first_name: str,
    last_name: str,
    position: str = "",
    organization: str = "",
    language: str = "en",
    now: dt.datetime | None = None,
) -> Registration:
    """Cancel one nominee and give their seat to a new person, in one transaction.

    If the new person cannot be registered (e.g. already registered), nothing changes: the
    old nominee keeps the seat. The freed seat is never offered to the waiting list.
    """
    now = now or timezone.now()
    person = {
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "position": position,
        "organization": organization,
        "language": language,
    }
    with transaction.atomic():
        _event, locked = _lock(delegation)
        _refuse_if_closed(locked, now)
        old = (
            Registration.objects.select_for_update()
            .filter(pk=registration.pk, delegation=locked, status__in=SEAT_HOLDING)
            .first()
        )
        if old is None:
            raise DelegationError(
                _("This person no longer holds one of your delegation's seats."), code="gone"
            )
        old.status = Status.CANCELLED
        old.save(update_fields=["status", "updated_at"])
        new = _nominate_locked(delegation=locked, person=person, now=now)
        mail_queue(registration=old, kind=Kind.CANCELLED)
    return new


def delegation_resend(*, delegation: Delegation) -> None:
    """Mail the focal point their invitation and link again."""
    with transaction.atomic():
        _mail_focal_point(delegation=delegation, kind=Kind.INVITATION)


def delegations_revoke(*, delegation_ids: list[int], now: dt.datetime | None = None) -> int:
    """Withdraw invitations: their links answer 404 and their unfilled seats are released.

    People already nominated keep their registrations (an organiser cancels them if need be).
    """
    now = now or timezone.now()
    return Delegation.objects.filter(pk__in=delegation_ids, revoked_at=None).update(
        revoked_at=now, access_key=new_access_key(), updated_at=now
    )


def reminder_offsets() -> list[dt.timedelta]:
    hours = getattr(settings, "DELEGATION_REMINDER_OFFSETS_HOURS", [72, 24])
    return [dt.timedelta(hours=h) for h in hours]


def _reminder_key(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"nominate-{minutes // 60}h" if minutes % 60 == 0 else f"nominate-{minutes}m"


def delegations_schedule_reminders(*, now: dt.datetime | None = None) -> int:
    """Record reminders to focal points whose quota is not filled as their deadline nears.

    One per delegation and offset (a unique key), however often beat runs; a delegation
    invited after an offset's time does not get that reminder; a full one gets none.
    """
    from delegations.selectors import delegation_count, delegations_with_counts

    now = now or timezone.now()
    created = 0
    with transaction.atomic():
        for offset in reminder_offsets():
            key = _reminder_key(offset)
            candidates = delegations_with_counts(
                Delegation.objects.filter(
                    revoked_at=None,
                    nomination_deadline__gt=now,
                    nomination_deadline__lte=now + offset,
                    created_at__lt=F("nomination_deadline") - offset,
                    event__ends_at__gt=now,
                ).exclude(mails__dedupe_key=key)
            )
            for delegation in candidates:
                if delegation_count(delegation, "nominated") >= delegation.quota:
                    continue
                created += _mail_focal_point(
                    delegation=delegation, kind=Kind.NOMINATION_REMINDER, dedupe_key=key
                )
    return created
