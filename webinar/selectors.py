from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from webinar.models import Event


def events_for_home(*, now: dt.datetime | None = None) -> tuple[list[Event], list[Event]]:
    """Published events: upcoming first (soonest first), then past ones (latest first)."""
    now = now or timezone.now()
    events = Event.objects.filter(is_published=True).select_related("series")
    upcoming = list(events.filter(ends_at__gte=now).order_by("starts_at"))
    past = list(events.filter(ends_at__lt=now).order_by("-starts_at"))
    return upcoming, past


def event_published(*, slug: str) -> QuerySet[Event]:
    return Event.objects.filter(slug=slug, is_published=True).select_related("series")
