"""Data protection: anonymisation, erasure and revoking personal links."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from registration.models import Answer, OutgoingMail, Registration, new_access_key
from registration.services.status import registrations_apply
from webinar.models import Event

logger = logging.getLogger(__name__)


def _anonymise_rows(queryset: QuerySet[Registration]) -> list[int]:
    """Wipe what identifies a person; keep what the statistics need. Returns the ids wiped."""
    now = timezone.now()
    done = []
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
        done.append(pk)
    # The admin's history named the person (each entry keeps the row's text of the day).
    registration_type = ContentType.objects.get_for_model(Registration)
    for registration in Registration.objects.filter(pk__in=done):
        LogEntry.objects.filter(
            content_type=registration_type, object_id=str(registration.pk)
        ).update(object_repr=str(registration)[:200])
    return done


def registrations_anonymise(*, queryset: QuerySet[Registration]) -> list[int]:
    """Anonymise the given registrations (an organiser's action); returns the ids wiped
    (those already anonymised are left as they are)."""
    with transaction.atomic():
        return _anonymise_rows(queryset)


def event_anonymise_registrations(*, event: Event) -> int:
    """Anonymise an event's registrations (after its retention period)."""
    with transaction.atomic():
        return len(_anonymise_rows(event.registrations.all()))


def events_anonymise_expired(*, retention_days: int, now: dt.datetime | None = None) -> int:
    """Anonymise every event that ended more than ``retention_days`` ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days)
    total = 0
    for event in Event.objects.filter(ends_at__lt=cutoff):
        total += event_anonymise_registrations(event=event)
    return total


def registrations_revoke_links(*, registration_ids: Iterable[int]) -> list[int]:
    """Stop every personal link already sent to these registrants (a forwarded or leaked mail).

    Each registrant gets a new key, so old links open nothing; the next mail carries a new link.
    Returns the ids of the registrations whose links were revoked.
    """
    revoked = []
    for pk in registration_ids:
        if Registration.objects.filter(pk=pk).update(access_key=new_access_key()):
            revoked.append(pk)
    return revoked


def registration_erase(*, registration: Registration) -> None:
    """A participant asks to be erased: cancel (freeing the seat), then anonymise."""
    registrations_apply(registration_ids=[registration.pk], action="cancel")
    with transaction.atomic():
        _anonymise_rows(Registration.objects.filter(pk=registration.pk))
