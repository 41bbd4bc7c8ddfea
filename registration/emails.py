"""Mails to registrants, rendered in their own language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from registration.models import Registration


def send_registration_mail(*, registration: Registration) -> None:
    context = {"registration": registration, "event": registration.event}
    with translation.override(registration.language):
        subject = render_to_string("registration/email/confirmation_subject.txt", context)
        body = render_to_string("registration/email/confirmation.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
    )
    message.send()
