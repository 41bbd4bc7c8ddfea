"""Issuing, revoking and reissuing certificates: who gets one, and what it says."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates import selectors
from certificates.models import Certificate, CertificateBatch, CertificateLog
from registration.models import Registration
from sessions.models import Person
from webinar.languages import LANGUAGE_CODES
from webinar.models import Event, User

logger = logging.getLogger(__name__)

# The fields whose change makes the certificate say something else: it is reissued.
STATED_FIELDS = ("honorific", "name", "institution", "language", "minutes", "kind")


@dataclass
class IssueResult:
    created: list[Certificate] = field(default_factory=list)
    reissued: list[Certificate] = field(default_factory=list)
    unchanged: int = 0
    batch: CertificateBatch | None = None

    @property
    def issued(self) -> int:
        return len(self.created) + len(self.reissued)


def event_length_minutes(event: Event) -> int:
    return round((event.ends_at - event.starts_at).total_seconds() / 60)


def _language(code: str) -> str:
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE[:2]


def registration_statement(*, registration: Registration) -> dict:
    """What a registrant's certificate says, in their language."""
    language = _language(registration.language)
    with translation.override(language):
        honorific = str(registration.get_honorific_display()) if registration.honorific else ""
    return {
        "kind": Certificate.Kind.ATTENDANCE,
        "honorific": honorific,
        "name": f"{registration.first_name} {registration.last_name}".strip(),
        "institution": registration.organization,
        "language": language,
        "minutes": registration.minutes_attended or event_length_minutes(registration.event),
    }


def person_statement(*, person: Person, kind: str, event: Event, language: str) -> dict:
    """What a speaker's or moderator's certificate says: the event's length."""
    return {
        "kind": kind,
        "honorific": person.honorific,
        "name": person.name,
        "institution": person.organisation,
        "language": _language(language),
        "minutes": event_length_minutes(event),
    }


def _differs(certificate: Certificate, statement: dict) -> bool:
    return any(getattr(certificate, name) != statement[name] for name in STATED_FIELDS)


def _log(certificates: list[Certificate], action: str, detail: str, user: User | None) -> None:
    CertificateLog.objects.bulk_create(
        CertificateLog(certificate=c, action=action, detail=detail[:300], user=user)
        for c in certificates
    )


def _speaker_languages(event: Event) -> dict[str, str]:
    """A speaker who also registered gets their certificate in the registration's language."""
    return {
        email.lower(): language
        for email, language in event.registrations.exclude(email="").values_list(
            "email", "language"
        )
    }


def certificates_issue(*, event: Event, requested_by: User | None = None) -> IssueResult:
    """Give every eligible person of ``event`` one valid certificate; render the new ones.

    Idempotent: a person whose certificate still says the right thing keeps it; one whose
    name, honorific, institution, language or hours changed gets a new number, and the old
    certificate is revoked and points to the new one. People who are no longer eligible keep
    theirs (the organisers revoke a certificate explicitly).
    """
    result = IssueResult()
    with transaction.atomic():
        # Two organisers pressing the button at once: the second waits, then finds all issued.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        valid = list(selectors.event_valid_certificates(event=event))
        by_registration = {c.registration_id: c for c in valid if c.registration_id}
        by_person = {(c.person_id, c.kind): c for c in valid if c.person_id}

        wanted: list[tuple[Certificate | None, dict]] = []
        for registration in selectors.event_certificate_registrations(event=event).select_related(
            "event"
        ):
            statement = registration_statement(registration=registration)
            statement["registration"] = registration
            wanted.append((by_registration.get(registration.pk), statement))
        languages = _speaker_languages(event)
        for person, kind in selectors.event_certificate_speakers(event=event):
            language = languages.get(person.email.lower(), settings.LANGUAGE_CODE[:2])
            statement = person_statement(person=person, kind=kind, event=event, language=language)
            statement["person"] = person
            wanted.append((by_person.get((person.pk, kind)), statement))

        now = timezone.now()
        to_revoke: list[Certificate] = []
        for current, statement in wanted:
            if current is not None and not _differs(current, statement):
                result.unchanged += 1
                continue
            if current is not None:
                to_revoke.append(current)
            certificate = Certificate(event=event, **statement)
            (result.reissued if current else result.created).append(certificate)
            if current is not None:
                current._replacement = certificate  # type: ignore[attr-defined]

        if to_revoke:
            # Revoked first: the unique constraints allow one valid certificate per person.
            Certificate.objects.filter(pk__in=[c.pk for c in to_revoke], revoked_at=None).update(
                revoked_at=now, revoked_reason=_("The details on the certificate changed.")
            )
        new = result.created + result.reissued
        # A clash of random numbers (one in ~10^11 per pair) would fail the whole issue; the
        # organiser presses the button again and gets other numbers.
        Certificate.objects.bulk_create(new)
        for old in to_revoke:
            Certificate.objects.filter(pk=old.pk).update(replaced_by=old._replacement)  # type: ignore[attr-defined]
        _log(result.created, CertificateLog.Action.ISSUED, "", requested_by)
        for old in to_revoke:
            replacement = old._replacement  # type: ignore[attr-defined]
            _log(
                [old],
                CertificateLog.Action.REVOKED,
                _("Details changed; reissued as %(number)s.") % {"number": replacement.number},
                requested_by,
            )
            _log(
                [replacement],
                CertificateLog.Action.ISSUED,
                _("Replaces %(number)s.") % {"number": old.number},
                requested_by,
            )
        result.batch = certificates_render_pending(event=event, requested_by=requested_by)
    logger.info(
        "certificates of %s: %d new, %d reissued, %d unchanged",
        event.slug,
        len(result.created),
        len(result.reissued),
        result.unchanged,
    )
    return result


def certificates_render_pending(
    *, event: Event, requested_by: User | None = None
) -> CertificateBatch | None:
    """A batch for the event's valid certificates without a PDF (the active one if any)."""
    from certificates.services.batches import batch_request

    return batch_request(event=event, requested_by=requested_by)


def certificate_revoke(*, certificate: Certificate, reason: str, user: User | None = None) -> bool:
    """Revoke once; False when it was already revoked. The verification page says so."""
    with transaction.atomic():
        revoked = Certificate.objects.filter(pk=certificate.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_reason=reason[:300]
        )
        if revoked:
            _log([certificate], CertificateLog.Action.REVOKED, reason, user)
    certificate.refresh_from_db()
    return bool(revoked)


def certificate_reissue(
    *, certificate: Certificate, user: User | None = None
) -> Certificate | None:
    """Revoke a valid certificate and issue a new number with the person's current details.

    Returns the new certificate, or None when ``certificate`` was already revoked.
    """
    with transaction.atomic():
        old = Certificate.objects.select_for_update().select_related("event").get(pk=certificate.pk)
        if old.revoked_at is not None:
            return None
        event = old.event
        if old.registration_id:
            registration = Registration.objects.select_related("event").get(pk=old.registration_id)
            statement = registration_statement(registration=registration)
        elif old.person_id:
            person = Person.objects.get(pk=old.person_id)
            statement = person_statement(
                person=person, kind=old.kind, event=event, language=old.language
            )
        else:
            statement = {name: getattr(old, name) for name in STATED_FIELDS}
        reason = _("Reissued by the organisers.")
        Certificate.objects.filter(pk=old.pk).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )
        new = Certificate.objects.create(
            event=event,
            registration_id=old.registration_id,
            person_id=old.person_id,
            **statement,
        )
        Certificate.objects.filter(pk=old.pk).update(replaced_by=new)
        _log(
            [old],
            CertificateLog.Action.REVOKED,
            _("Reissued as %(number)s.") % {"number": new.number},
            user,
        )
        _log(
            [new],
            CertificateLog.Action.ISSUED,
            _("Replaces %(number)s.") % {"number": old.number},
            user,
        )
        certificates_render_pending(event=event, requested_by=user)
    certificate.refresh_from_db()
    return new
