import logging

from celery import shared_task

from registration import services

logger = logging.getLogger(__name__)


@shared_task(
    name="registration.send_confirmation",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_confirmation(*, registration_id: int) -> None:
    if services.registration_send_confirmation(registration_id=registration_id):
        logger.info("confirmation sent for registration %s", registration_id)


@shared_task(name="registration.sweep_outbox")
def sweep_outbox() -> None:
    queued = services.registration_sweep_outbox()
    if queued:
        logger.info("re-queued %s overdue confirmation mails", queued)
