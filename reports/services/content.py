"""Report content: the report row of an event."""

from __future__ import annotations

import logging

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
