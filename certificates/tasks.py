"""Thin Celery adapters: take ids, call a service, log."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from certificates import services

logger = logging.getLogger(__name__)


@shared_task(
    name="certificates.render_certificates",
    soft_time_limit=settings.CERTIFICATE_BATCH_SOFT_TIME_LIMIT,
    time_limit=settings.CERTIFICATE_BATCH_TIME_LIMIT,
)
def render_certificates(*, batch_id: int) -> None:
    try:
        batch = services.batch_run(batch_id=batch_id)
    except SoftTimeLimitExceeded:
        services.batch_fail(batch_id=batch_id, reason="The batch took too long.")
        logger.warning("certificate batch %s hit its time limit", batch_id)
        return
    except Exception:
        # Recorded on the row by the service; issuing again renders what is left.
        logger.exception("certificate batch %s failed", batch_id)
        return
    if batch is not None:
        logger.info("certificate batch %s: %d rendered", batch_id, batch.done)


@shared_task(name="certificates.sweep_batches")
def sweep_batches() -> None:
    result = services.batches_sweep()
    if any(result.values()):
        logger.info("certificate batch sweep: %s", result)
