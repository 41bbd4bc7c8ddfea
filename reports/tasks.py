import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from reports import services

logger = logging.getLogger(__name__)


@shared_task(
    name="reports.build_report",
    soft_time_limit=settings.REPORT_BUILD_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_BUILD_TIME_LIMIT,
)
def build_report(*, build_id: int) -> None:
    try:
        build = services.report_build_run(build_id=build_id)
    except SoftTimeLimitExceeded:
        services.report_build_fail(build_id=build_id, reason="The build took too long.")
        logger.warning("report build %s hit its time limit", build_id)
        return
    except Exception:
        # Recorded on the row by the service; a rendering error is not worth retrying.
        logger.exception("report build %s failed", build_id)
        return
    if build is not None:
        logger.info("report build %s stored as %s", build_id, build.file.name)


@shared_task(name="reports.sweep_builds")
def sweep_builds() -> None:
    result = services.report_builds_sweep()
    if any(result.values()):
        logger.info("report build sweep: %s", result)
