"""Thin Celery adapters: take ids, call a service, log."""

import logging

from celery import shared_task

from delegations import services

logger = logging.getLogger(__name__)


@shared_task(name="delegations.schedule_reminders")
def schedule_reminders() -> None:
    created = services.delegations_schedule_reminders()
    if created:
        logger.info("recorded %s reminders to focal points", created)
