"""Registration rules: who gets a seat, who waits, and what must be mailed.

Every change of status happens while the event row is locked (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the IMMEDIATE transaction already serialises writers), so seats are never
given twice and a freed seat goes to the first person on the waiting list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models import Answer, OutgoingMail, Question, Registration, new_access_key
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


class RegistrationError(Exception):
    """A registration refused for a reason the participant or organiser can be told."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class BulkResult:
    changed: int
    skipped: int


def event_seats_taken(*, event: Event) -> int:
    return event.registrations.filter(status__in=SEAT_HOLDING).count()


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _has_free_seat(event: Event) -> bool:
    return event.capacity is None or event_seats_taken(event=event) < event.capacity


def _initial_status(*, event: Event, seats_taken: int | None = None) -> str:
    """Status for a newcomer. Must run while the event row is locked."""
    if seats_taken is None:
        seats_taken = event_seats_taken(event=event)
    if event.capacity is not None and seats_taken >= event.capacity:
        if not event.has_waitlist:
            raise RegistrationError(_("Sorry, this event is full."), code="full")
        return Status.WAITLISTED
    if event.approval_mode == Event.ApprovalMode.AUTOMATIC:
        return Status.APPROVED
    return Status.PENDING


# --- The outbox ------------------------------------------------------------------------------


def mail_queue(
    *,
    registration: Registration,
    kind: str,
    subject: str = "",
    body: str = "",
    dedupe_key: str = "",
    due_at: dt.datetime | None = None,
) -> OutgoingMail | None:
    """Record a mail to send, and queue its sending once the transaction commits.

    Returns None when a mail with the same ``dedupe_key`` already exists for the registrant.
    """
    row = OutgoingMail(
        registration=registration,
        kind=kind,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        due_at=due_at or timezone.now(),
    )
    if dedupe_key:
        # Only a keyed mail can collide; the savepoint keeps the caller's transaction usable.
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            return None
    else:
        row.save(force_insert=True)
    mail = row
    mail_id = mail.pk
    transaction.on_commit(lambda: _queue_send(mail_id), robust=True)
    return mail


def _queue_send(mail_id: int) -> None:
    from registration.tasks import send_mail

    send_mail.delay(mail_id=mail_id)


MAX_ATTEMPTS = 8


def mail_send(*, mail_id: int) -> bool:
    """Send one outbox row exactly once. Returns False when there was nothing to send.

    The row is stamped sent in the same transaction that sends it: a second worker waits on
    the row lock and then finds it sent; if sending fails, the stamp rolls back and the
    sweeper retries later.
    """
    from registration.emails import build_message

    try:
        with transaction.atomic():
            claimed = OutgoingMail.objects.filter(pk=mail_id, sent_at=None).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1
            )
            if not claimed:
                return False
            mail = OutgoingMail.objects.select_related("registration__event").get(pk=mail_id)
            build_message(mail=mail).send()
    except Exception as exc:
        OutgoingMail.objects.filter(pk=mail_id, sent_at=None).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:500]
        )
        raise
    return True


def mail_sweep(*, grace_seconds: int = 60, limit: int = 500) -> int:
    """Re-queue mails still unsent after their due time; returns how many were queued."""
    cutoff = timezone.now() - dt.timedelta(seconds=grace_seconds)
    due = list(
        OutgoingMail.objects.filter(sent_at=None, due_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        _queue_send(pk)
    return len(due)


def reminder_offsets() -> list[dt.timedelta]:
    hours = getattr(settings, "REGISTRATION_REMINDER_OFFSETS_HOURS", [24, 1])
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
        transaction.on_commit(lambda: [_queue_send(pk) for pk in ids], robust=True)
    return created


# --- Signing up ------------------------------------------------------------------------------


def _save_answers(
    *, registration: Registration, answers: Mapping[Question, str | list[str]]
) -> None:
    for question, value in answers.items():
        Answer.objects.update_or_create(
            registration=registration, question=question, defaults={"value": _answer_text(value)}
        )


def _answer_text(value) -> str:
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


_STATUS_MAIL = {
    Status.APPROVED: Kind.APPROVED,
    Status.PENDING: Kind.RECEIVED,
    Status.WAITLISTED: Kind.WAITLISTED,
    Status.REJECTED: Kind.REJECTED,
    Status.CANCELLED: Kind.CANCELLED,
}


# --- Status changes --------------------------------------------------------------------------

# action: (statuses it applies to, new status)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": ((Status.PENDING, Status.WAITLISTED, Status.REJECTED), Status.APPROVED),
    "promote": ((Status.WAITLISTED,), Status.APPROVED),
    "reject": ((Status.PENDING, Status.WAITLISTED, Status.APPROVED), Status.REJECTED),
    "waitlist": ((Status.PENDING, Status.APPROVED), Status.WAITLISTED),
    "cancel": ((Status.PENDING, Status.WAITLISTED, Status.APPROVED), Status.CANCELLED),
}


def _promote_waitlisted(*, event: Event, exclude: Iterable[int] = ()) -> list[Registration]:
    """Give freed seats to the waiting list in arrival order. The event must be locked."""
    promoted = []
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
    changed = skipped = 0
    ids = list(registration_ids)
    event_ids = (
        Registration.objects.filter(pk__in=ids).values_list("event_id", flat=True).distinct()
    )
    for event_id in sorted(set(event_ids)):
        with transaction.atomic():
            event = _lock_event(event_id)
            rows = Registration.objects.filter(pk__in=ids, event=event).order_by("created_at", "pk")
            for registration in rows:
                try:
                    done = _apply(registration, event, action)
                except RegistrationError:
                    done = False
                changed += done
                skipped += not done
            if action in ("reject", "waitlist", "cancel"):
                _promote_waitlisted(event=event, exclude=ids if action == "waitlist" else ())
    return BulkResult(changed=changed, skipped=skipped)


def registration_cancel(*, registration: Registration) -> bool:
    """The participant cancels; their seat goes to the waiting list."""
    result = registrations_apply(registration_ids=[registration.pk], action="cancel")
    registration.refresh_from_db()
    return result.changed == 1


def registrations_resend(*, registration_ids: Iterable[int]) -> int:
    """Queue again the mail that matches each registrant's current status."""
    count = 0
    with transaction.atomic():
        for registration in Registration.objects.filter(pk__in=list(registration_ids)):
            if registration.anonymised_at:
                continue
            mail_queue(registration=registration, kind=_STATUS_MAIL[registration.status])
            count += 1
    return count


def registrations_message(*, registration_ids: Iterable[int], subject: str, body: str) -> int:
    """Queue an organiser's own message to each registrant; placeholders filled at sending."""
    count = 0
    with transaction.atomic():
        for registration in Registration.objects.filter(
            pk__in=list(registration_ids), anonymised_at=None
        ):
            mail_queue(registration=registration, kind=Kind.CUSTOM, subject=subject, body=body)
            count += 1
    return count


def registration_update_details(
    *,
    registration: Registration,
    answers: Mapping[Question, str | list[str]] | None = None,
    **fields,
) -> Registration:
    """A participant corrects their details (not their email, not their status)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(registration, name, value.strip() if isinstance(value, str) else value)
        registration.save(update_fields=[*fields, "updated_at"])
        _save_answers(registration=registration, answers=answers or {})
    return registration


# --- Data protection -------------------------------------------------------------------------


def _anonymise_rows(queryset) -> int:
    """Wipe what identifies a person; keep what the statistics need."""
    now = timezone.now()
    count = 0
    for pk in list(queryset.filter(anonymised_at=None).values_list("pk", flat=True)):
        Answer.objects.filter(registration_id=pk).delete()
        OutgoingMail.objects.filter(registration_id=pk).delete()
        Registration.objects.filter(pk=pk).update(
            email=f"anonymised-{pk}@invalid",
            honorific="",
            first_name="",
            last_name="",
            phone="",
            organization="",
            position="",
            accessibility_needs="",
            consent_listing=False,
            user=None,
            access_key=new_access_key(),
            anonymised_at=now,
            updated_at=now,
        )
        count += 1
    return count


def registrations_anonymise(*, queryset) -> int:
    """Anonymise the given registrations (an organiser's action)."""
    with transaction.atomic():
        return _anonymise_rows(queryset)


def event_anonymise_registrations(*, event: Event) -> int:
    """Anonymise an event's registrations (after its retention period)."""
    with transaction.atomic():
        return _anonymise_rows(event.registrations.all())


def events_anonymise_expired(*, retention_days: int, now: dt.datetime | None = None) -> int:
    """Anonymise every event that ended more than ``retention_days`` ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days)
    total = 0
    for event in Event.objects.filter(ends_at__lt=cutoff):
        total += event_anonymise_registrations(event=event)
    return total


def registrations_revoke_links(*, registration_ids: Iterable[int]) -> int:
    """Stop every personal link already sent to these registrants (a forwarded or leaked mail).

    Each registrant gets a new key, so old links open nothing; the next mail carries a new link.
    """
    count = 0
    for pk in registration_ids:
        count += Registration.objects.filter(pk=pk).update(access_key=new_access_key())
    return count


def registration_erase(*, registration: Registration) -> None:
    """A participant asks to be erased: cancel (freeing the seat), then anonymise."""
    registrations_apply(registration_ids=[registration.pk], action="cancel")
    with transaction.atomic():
        _anonymise_rows(Registration.objects.filter(pk=registration.pk))


# --- Attendance ------------------------------------------------------------------------------


def event_apply_attendance(*, event: Event, minutes_by_registration: Mapping[int, int]) -> int:
    """Record attendance from an import, all or nothing; everyone else did not attend."""
    with transaction.atomic():
        regs = list(event.registrations.select_for_update().only("pk"))
        for registration in regs:
            minutes = minutes_by_registration.get(registration.pk)
            registration.attended = minutes is not None
            registration.minutes_attended = minutes
        Registration.objects.bulk_update(regs, ["attended", "minutes_attended"], batch_size=500)
    return len(minutes_by_registration)
