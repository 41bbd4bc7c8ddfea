"""Reads: who may have a certificate, and certificates as the pages show them."""

from __future__ import annotations

from django.db.models import QuerySet

from certificates.models import Certificate, CertificateBatch
from registration.models import Registration
from registration.selectors import event_attendees
from sessions.models import Person, SessionRole
from webinar.models import Event

# Agenda roles that earn a "participated as ..." certificate, the first one found winning.
SPEAKING_ROLES = {
    SessionRole.Role.SPEAKER: Certificate.Kind.SPEAKER,
    SessionRole.Role.MODERATOR: Certificate.Kind.MODERATOR,
}


def event_certificate_registrations(*, event: Event) -> QuerySet[Registration]:
    """Registrants who attended by the event's attendance rule; erased ones are no one."""
    return event_attendees(event=event).filter(anonymised_at=None).order_by("pk")


def event_certificate_speakers(*, event: Event) -> list[tuple[Person, str]]:
    """(person, certificate kind) for the speakers and moderators of the event's sessions.

    A person who both spoke and moderated gets one certificate, as speaker.
    """
    roles = (
        SessionRole.objects.filter(session__event=event, role__in=list(SPEAKING_ROLES))
        .select_related("person")
        .order_by("person_id", "pk")
    )
    kinds: dict[int, tuple[Person, str]] = {}
    for role in roles:
        kind = SPEAKING_ROLES[SessionRole.Role(role.role)]
        current = kinds.get(role.person_id)
        if current is None or (
            current[1] == Certificate.Kind.MODERATOR and kind == Certificate.Kind.SPEAKER
        ):
            kinds[role.person_id] = (role.person, kind)
    return list(kinds.values())


def event_valid_certificates(*, event: Event) -> QuerySet[Certificate]:
    return Certificate.objects.filter(event=event, revoked_at=None).order_by("pk")


def registration_certificates(*, registration: Registration) -> list[Certificate]:
    """The registrant's valid certificates that have their PDF (for the personal page)."""
    return list(
        Certificate.objects.filter(registration=registration, revoked_at=None)
        .exclude(file="")
        .select_related("event")
        .order_by("pk")
    )


def certificate_for_verification(*, number: str) -> Certificate | None:
    return Certificate.objects.select_related("event", "replaced_by").filter(number=number).first()


def event_latest_batch(*, event: Event) -> CertificateBatch | None:
    return CertificateBatch.objects.filter(event=event).order_by("-created_at", "-pk").first()
