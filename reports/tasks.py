"""Thin Celery adapters: take ids, call a service, log."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from reports import services
from reports.models import BUILD_TOO_LONG

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="reports.build_report",
    soft_time_limit=settings.REPORT_BUILD_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_BUILD_TIME_LIMIT,
    max_retries=services.MAX_ATTEMPTS - 1,
)
def build_report(self, *, build_id: int) -> None:
    try:
        build = services.report_build_run(build_id=build_id)
    except SoftTimeLimitExceeded:
        # Recorded by the service when the render was cut short; this covers the limit
        # striking before (a no-op when the build is already failed).
        services.report_build_fail(build_id=build_id, reason=BUILD_TOO_LONG)
        logger.warning("report build %s hit its time limit", build_id)
        return
    except services.TransientBuildError as exc:
        # The service put the row back to queued; the sweeper re-queues it if this is lost.
        logger.warning("report build %s: transient error, retrying: %s", build_id, exc)
        raise self.retry(exc=exc, countdown=min(300, 15 * 2**self.request.retries)) from None
    except Exception:
        # Recorded on the row by the service; a rendering error is not worth retrying.
        logger.exception("report build %s failed", build_id)
        return
    if build is not None:
        logger.info("report build %s stored as %s", build_id, build.file.name)


@shared_task(name="reports.sweep_builds")
def sweep_builds() -> None:
    result = services.report_builds_sweep()
    emails = services.report_builds_sweep_share_emails()
    if any(result.values()) or emails:
        logger.info("report build sweep: %s, share emails re-queued: %d", result, emails)


@shared_task(name="reports.send_share_email")
def send_share_email(*, build_id: int) -> None:
    sent = services.report_build_send_share_email(build_id=build_id)
    logger.info("report build %s: share link mailed to %d addresses", build_id, sent)


@shared_task(name="reports.send_share_mail")
def send_share_mail(*, mail_id: int) -> None:
    try:
        sent = services.share_mail_send(mail_id=mail_id)
    except Exception:
        # Recorded on the row (attempts, last error); the sweeper retries it up to its cap.
        logger.warning("share mail %s failed", mail_id, exc_info=True)
        return
    if sent:
        logger.info("share mail %s sent", mail_id)
