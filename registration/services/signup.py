"""Signing up: one transaction decides the status under the event lock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models import Answer, Question, Registration
from registration.services.common import (
    _STATUS_MAIL,
    SEAT_HOLDING,
    Kind,
    RegistrationError,
    Status,
    _initial_status,
    _lock_event,
    event_seats_held,
)
from registration.services.outbox import mail_queue
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
) -> Registration:
    """Register a participant for an event, in one transaction, and queue their mail.

    Capacity is counted while the event row is locked, so concurrent sign-ups never exceed
    it. A second registration with the same email (any case) is refused, by the check here
    and by the database constraint, and the first registrant is mailed their link.

    With ``delegation`` (a locked ``delegations.Delegation`` whose quota the caller checked,
    see ``delegations.services.delegation_nominate``) the person is that delegation's
    nominee: the public opening dates and the "by invitation only" rule do not apply, the seat
    is one of those the delegation holds, there is no waiting list for them, and consent is
    given later, when they complete their details from their own link.
    """
    email = email.strip()
    if delegation is None:
        _check_public_sign_up(event=event, consent_processing=consent_processing)
    try:
        with transaction.atomic():
            locked = _lock_event(event.pk)
            # Both checks follow an index, so their cost does not grow with the event's size:
            # the address through the unique (event, lower(email)) index, the seats through
            # (event, status). A single FILTERed count would read every registration.
            if (
                locked.registrations.alias(email_lower=Lower("email"))
                .filter(email_lower=Lower(Value(email)))
                .exists()
            ):
                raise RegistrationError(_("Already registered."), code="duplicate")
            seats_taken = locked.registrations.filter(status__in=SEAT_HOLDING).count()
            if delegation is None:
                status = _initial_status(event=locked, seats_taken=seats_taken)
            else:
                status = _nominee_status(event=locked, delegation=delegation, taken=seats_taken)
            registration = Registration.objects.create(
                event=locked,
                user=user,
                delegation=delegation,
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
                consent_processing=consent_processing,
                consent_listing=consent_listing,
                status=status,
            )
            Answer.objects.bulk_create(
                Answer(registration=registration, question=question, value=_answer_text(value))
                for question, value in (answers or {}).items()
            )
            kind = Kind.NOMINATED if delegation is not None else _STATUS_MAIL[status]
            mail_queue(registration=registration, kind=kind)
    except IntegrityError as exc:
        # Two sign-ups with one address raced past the check; the constraint kept one.
        _duplicate(event, email)
        raise RegistrationError(_("Already registered."), code="duplicate") from exc
    except RegistrationError as exc:
        if exc.code == "duplicate":
            _duplicate(event, email)
        raise
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
