from __future__ import annotations

from django.db.models import QuerySet

from sessions.models import Session
from webinar.models import Event


def event_published_sessions(*, event: Event) -> QuerySet[Session]:
    return Session.objects.filter(event=event, is_published=True).order_by(
        "starts_at", "order", "pk"
    )
