"""Mails to registrants, rendered in their own language from an outbox row."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from registration.calendar import registration_ics
from registration.links import manage_url
from registration.models import STATUS_WORDING, OutgoingMail, Registration
from webinar import locale

# The status a mail announces, where its kind is not named like the status.
MAIL_STATUS = {OutgoingMail.Kind.RECEIVED: Registration.Status.PENDING}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_LINE_SPACE = re.compile(r"[ \t\r\n]+")


def placeholder_values(*, registration: Registration) -> dict[str, str]:
    event = registration.event
    return {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "full_name": registration.full_name,
        "event": event.title,
        "start": locale.format_when(
            event.starts_at,
            event.ends_at,
            language=translation.get_language(),
            zone=event.time_zone,
        ),
        "status": registration.status_wording,
        "link": manage_url(registration=registration),
    }


def _mail_status_wording(kind: str) -> str:
    """The status a mail of this kind announces, worded as the personal page words it."""
    status = str(MAIL_STATUS.get(OutgoingMail.Kind(kind), kind))
    if status not in Registration.Status.values:
        return ""
    return str(STATUS_WORDING[Registration.Status(status)])


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace {name} for known names only; anything else is left as written (no format())."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render_mail(*, mail: OutgoingMail) -> tuple[str, str]:
    """Subject and body of an outbox row, in the registrant's language."""
    registration = mail.registrant
    with translation.override(registration.language):
        values = placeholder_values(registration=registration)
        if mail.kind == OutgoingMail.Kind.CUSTOM:
            subject = fill_placeholders(mail.subject, values)
            body = fill_placeholders(mail.body, values)
            body += "\n\n-- \n" + _("Your registration: %(url)s") % {"url": values["link"]}
        else:
            context = {
                "registration": registration,
                "event": registration.event,
                "start": values["start"],
                "link": values["link"],
                "mail": mail,
                # The status this mail announces, worded as the personal page words it.
                "status": _mail_status_wording(mail.kind),
            }
            subject = render_to_string(f"registration/email/{mail.kind}_subject.txt", context)
            body = render_to_string(f"registration/email/{mail.kind}.txt", context)
    # Template line breaks become single spaces; no-break spaces (French "Inscription
    # confirmée : ...") are typography and stay.
    return _LINE_SPACE.sub(" ", subject).strip(), body


def build_message(*, mail: OutgoingMail) -> EmailMultiAlternatives:
    if mail.delegation_id:
        # A focal point's mail: same outbox, its own templates (they are not registrants).
        from delegations.emails import build_delegation_message

        return build_delegation_message(mail=mail)
    subject, body = render_mail(mail=mail)
    registration = mail.registrant
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
        headers={"Content-Language": registration.language},
    )
    kinds_with_ics = (
        OutgoingMail.Kind.APPROVED,
        OutgoingMail.Kind.PROMOTED,
        OutgoingMail.Kind.NOMINATED,
    )
    if mail.kind in kinds_with_ics and (registration.status == Registration.Status.APPROVED):
        with translation.override(registration.language):
            ics = registration_ics(registration=registration)
        message.attach("webinar.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    elif mail.kind == OutgoingMail.Kind.CANCELLED and (
        registration.status == Registration.Status.CANCELLED
    ):
        # Removes the webinar from the calendar the approval mail's file added it to.
        with translation.override(registration.language):
            ics = registration_ics(registration=registration)
        message.attach("webinar-cancelled.ics", ics, "text/calendar; charset=utf-8; method=CANCEL")
    return message
