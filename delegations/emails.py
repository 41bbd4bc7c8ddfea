"""Mails to focal points, rendered in their language from an outbox row."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from delegations.links import delegation_url
from delegations.models import Delegation
from registration.models import OutgoingMail
from webinar.locale import format_date, format_time, zone_name


def deadline_text(*, delegation: Delegation, language: str) -> str:
    """The deadline in the event's time zone: "12 August 2020, 17:00 (Egypt Time)"."""
    event = delegation.event
    at = delegation.nomination_deadline
    with translation.override(language):
        return _deadline_text(at, event.time_zone, language)


def _deadline_text(at: dt.datetime, zone_code: str, language: str) -> str:
    date = format_date(at, language=language, zone=zone_code)
    time = format_time(at, language=language, zone=zone_code)
    zone = zone_name(zone_code, language=language, at=at)
    # Translated for its punctuation: Arabic writes "،" between the date and the time.
    return _("%(date)s, %(time)s (%(zone)s)") % {"date": date, "time": time, "zone": zone}


def _focal_point(mail: OutgoingMail) -> Delegation:
    if mail.delegation is None:
        raise ValueError(f"mail {mail.pk} goes to a registrant, not a focal point")
    return mail.delegation


def render_delegation_mail(*, mail: OutgoingMail) -> tuple[str, str]:
    delegation = _focal_point(mail)
    language = delegation.focal_point_language
    with translation.override(language):
        event = delegation.event
        context = {
            "delegation": delegation,
            "event": event,
            "start": format_date(event.starts_at, language=language, zone=event.time_zone),
            "deadline": deadline_text(delegation=delegation, language=language),
            "link": delegation_url(delegation=delegation),
            "mail": mail,
        }
        subject = render_to_string(f"delegations/email/{mail.kind}_subject.txt", context)
        body = render_to_string(f"delegations/email/{mail.kind}.txt", context)
    return " ".join(subject.split()), body


def build_delegation_message(*, mail: OutgoingMail) -> EmailMultiAlternatives:
    subject, body = render_delegation_mail(mail=mail)
    delegation = _focal_point(mail)
    return EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delegation.focal_point_email],
        headers={"Content-Language": delegation.focal_point_language},
    )
