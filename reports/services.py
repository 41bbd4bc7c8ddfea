"""Report builds: queue, claim, render, store, and sweep what got stuck."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from reports.models import ReportBuild
from reports.pdf import render_pdf
from sessions.selectors import event_published_sessions
from webinar.models import Event

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def report_build_request(*, event: Event, language: str, requested_by=None) -> ReportBuild:
    """Record a build request and queue it once the row is committed."""
    with transaction.atomic():
        build = ReportBuild.objects.create(
            event=event, language=language, requested_by=requested_by
        )
        transaction.on_commit(lambda: _queue_build(build.pk), robust=True)
    return build


def _queue_build(build_id: int) -> None:
    from reports.tasks import build_report

    build_report.delay(build_id=build_id)


def report_build_claim(*, build_id: int) -> bool:
    """queued → running, exactly once, whichever worker gets there first."""
    return bool(
        ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.QUEUED).update(
            status=ReportBuild.Status.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            progress=5,
            error="",
        )
    )


def report_html(*, event: Event, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "reports/report.html",
            {
                "event": event,
                "series": event.series,
                "sessions": list(event_published_sessions(event=event)),
                "language": language,
                "rtl": language == "ar",
            },
        )


def report_build_run(*, build_id: int) -> ReportBuild | None:
    """Render and store a claimed build. Returns None if the build was not ours to run."""
    if not report_build_claim(build_id=build_id):
        logger.info("report build %s was not queued; nothing to do", build_id)
        return None
    build = ReportBuild.objects.select_related("event__series").get(pk=build_id)
    try:
        html = report_html(event=build.event, language=build.language)
        ReportBuild.objects.filter(pk=build.pk).update(progress=30)
        rendered = render_pdf(html=html, language=build.language)
        name = build.storage_name()
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(rendered.content))
    except Exception as exc:
        report_build_fail(build_id=build.pk, reason=f"{type(exc).__name__}: {exc}")
        raise
    ReportBuild.objects.filter(pk=build.pk, status=ReportBuild.Status.RUNNING).update(
        status=ReportBuild.Status.SUCCEEDED,
        progress=100,
        finished_at=timezone.now(),
        file=stored,
        size=len(rendered.content),
        pages=rendered.pages,
        sha256=hashlib.sha256(rendered.content).hexdigest(),
    )
    build.refresh_from_db()
    return build


def report_build_fail(*, build_id: int, reason: str) -> None:
    ReportBuild.objects.filter(
        pk=build_id, status__in=[ReportBuild.Status.QUEUED, ReportBuild.Status.RUNNING]
    ).update(status=ReportBuild.Status.FAILED, error=reason[:2000], finished_at=timezone.now())


def report_builds_sweep(*, now=None) -> dict[str, int]:
    """Fail builds running past the hard time limit; re-queue queued ones nobody picked up."""
    now = now or timezone.now()
    stale_running = now - timezone.timedelta(seconds=settings.REPORT_BUILD_TIME_LIMIT + 60)
    failed = ReportBuild.objects.filter(
        status=ReportBuild.Status.RUNNING, started_at__lt=stale_running
    ).update(
        status=ReportBuild.Status.FAILED,
        error="The build stopped without finishing (worker lost or time limit exceeded).",
        finished_at=now,
    )
    stale_queued = now - timezone.timedelta(minutes=2)
    requeue = list(
        ReportBuild.objects.filter(
            status=ReportBuild.Status.QUEUED, created_at__lt=stale_queued
        ).values_list("pk", flat=True)[:100]
    )
    for pk in requeue:
        _queue_build(pk)
    return {"failed": failed, "requeued": len(requeue)}
