"""Mails to registrants, rendered in their own language from an outbox row."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from registration.calendar import registration_ics
from registration.links import manage_url
from registration.models import OutgoingMail, Registration

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholder_values(*, registration: Registration) -> dict[str, str]:
    event = registration.event
    start = event.starts_at.astimezone(event.tzinfo)
    return {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "full_name": registration.full_name,
        "event": event.title,
        "start": f"{formats.date_format(start, 'DATETIME_FORMAT')} ({event.time_zone})",
        "status": str(registration.get_status_display()),
        "link": manage_url(registration=registration),
    }


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
            }
            subject = render_to_string(f"registration/email/{mail.kind}_subject.txt", context)
            body = render_to_string(f"registration/email/{mail.kind}.txt", context)
    return " ".join(subject.split()), body


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
    return message
