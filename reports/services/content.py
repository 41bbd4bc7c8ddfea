"""Report content: the report row of an event."""

from __future__ import annotations

import logging

from django.utils import timezone

from reports.models import Report
from webinar.models import Event

logger = logging.getLogger(__name__)


def report_get_or_create(*, event: Event) -> Report:
    """The event's report; a new one's background starts as the event's concept.

    The title is not copied: an empty title prints the event's own title.
    """
    report, _created = Report.objects.get_or_create(
        event=event, defaults={"background_en": event.description}
    )
    return report


def report_mark_final(*, report: Report) -> bool:
    """Draft → final: builds from now on carry no DRAFT mark. False if it was already final."""
    changed = Report.objects.filter(pk=report.pk, status=Report.Status.DRAFT).update(
        status=Report.Status.FINAL, finalised_at=timezone.now()
    )
    report.refresh_from_db(fields=["status", "finalised_at"])
    return bool(changed)


def report_mark_draft(*, report: Report) -> bool:
    """Final → draft (the report is being revised): builds are marked DRAFT again."""
    changed = Report.objects.filter(pk=report.pk, status=Report.Status.FINAL).update(
        status=Report.Status.DRAFT, finalised_at=None
    )
    report.refresh_from_db(fields=["status", "finalised_at"])
    return bool(changed)
