"""Thin Celery adapters: take ids, call a service, log."""

import logging

from celery import shared_task
from django.conf import settings

from registration import services

logger = logging.getLogger(__name__)


@shared_task(
    name="registration.send_mail",
    autoretry_for=(OSError,),  # SMTP and connection errors; anything else waits for the sweeper
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_mail(*, mail_id: int) -> None:
    if services.mail_send(mail_id=mail_id):
        logger.info("mail %s sent", mail_id)


@shared_task(name="registration.dispatch_outbox")
def dispatch_outbox() -> None:
    queued = services.mail_dispatch()
    if queued:
        logger.info("queued %s mails", queued)


@shared_task(name="registration.sweep_outbox")
def sweep_outbox() -> None:
    queued = services.mail_sweep()
    if queued:
        logger.info("re-queued %s overdue mails", queued)


@shared_task(name="registration.schedule_reminders")
def schedule_reminders() -> None:
    created = services.reminders_schedule()
    if created:
        logger.info("recorded %s reminders", created)


@shared_task(name="registration.anonymise_expired")
def anonymise_expired() -> None:
    days = settings.REGISTRATION_RETENTION_DAYS
    count = services.events_anonymise_expired(retention_days=days)
    if count:
        logger.info("anonymised %s registrations past retention", count)
