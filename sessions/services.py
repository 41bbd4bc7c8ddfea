"""Writes of the agenda: cloning an event with its programme, people's photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from sessions.images import photo_resized
from sessions.models import Person, Session, SessionRole
from webinar.models import Event

# Fields of an event copied to its clone; registration windows move with the dates, private
# links and passcodes are not copied (the next workshop gets its own meeting).
EVENT_COPIED_FIELDS = (
    "series",
    "summary",
    "description",
    "objectives",
    "region",
    "time_zone",
    "capacity",
    "approval_mode",
    "has_waitlist",
)


def _shift_local(value: dt.datetime | None, *, tz, days: int) -> dt.datetime | None:
    """Move a moment by whole days keeping its wall-clock time in the event's zone, so a
    10:00 session stays at 10:00 even across a daylight-saving change."""
    if value is None:
        return None
    local = value.astimezone(tz)
    moved = (local.replace(tzinfo=None) + dt.timedelta(days=days)).replace(tzinfo=tz)
    return moved.astimezone(dt.UTC)


@transaction.atomic
def event_clone(*, event: Event, starts_on: dt.date, title: str, slug: str) -> Event:
    """A copy of the event and its whole agenda (people shared, materials not copied) for the
    next workshop of the series, starting on ``starts_on`` (a day in the event's time zone).

    The clone is unpublished so organisers can review it first; sessions get new calendar UIDs.
    """
    tz = event.tzinfo
    days = (starts_on - event.starts_at.astimezone(tz).date()).days
    clone = Event(
        title=title,
        slug=slug,
        starts_at=_shift_local(event.starts_at, tz=tz, days=days),
        ends_at=_shift_local(event.ends_at, tz=tz, days=days),
        registration_opens_at=None,
        registration_closes_at=_shift_local(event.registration_closes_at, tz=tz, days=days),
        is_published=False,
        **{name: getattr(event, name) for name in EVENT_COPIED_FIELDS},
    )
    clone.full_clean()
    clone.save()
    sessions = list(event.sessions.order_by("starts_at", "order", "pk"))
    new_sessions = Session.objects.bulk_create(
        Session(
            event=clone,
            title=session.title,
            kind=session.kind,
            description=session.description,
            starts_at=_shift_local(session.starts_at, tz=tz, days=days),
            ends_at=_shift_local(session.ends_at, tz=tz, days=days),
            order=session.order,
            languages=session.languages,
            interpretation=session.interpretation,
            is_published=session.is_published,
        )
        for session in sessions
    )
    by_old = {old.pk: new for old, new in zip(sessions, new_sessions, strict=True)}
    roles = SessionRole.objects.filter(session__in=sessions).order_by("pk")
    SessionRole.objects.bulk_create(
        SessionRole(
            session=by_old[role.session_id],
            person_id=role.person_id,
            role=role.role,
            order=role.order,
        )
        for role in roles
    )
    return clone


def sessions_set_published(*, sessions: Iterable[Session], published: bool) -> list[Session]:
    """Publish or unpublish sessions. Only those whose state changes are saved (each then gets
    a new calendar revision); returns them."""
    changed = []
    with transaction.atomic():
        for session in sessions:
            if session.is_published == published:
                continue
            session.is_published = published
            session.save(update_fields=["is_published"])
            changed.append(session)
    return changed


def session_touch(*, session: Session) -> None:
    """Mark the session changed (e.g. its roles were edited) so caches and calendars refresh."""
    Session.objects.filter(pk=session.pk).update(
        updated_at=timezone.now(), sequence=session.sequence + 1
    )
    session.sequence += 1


def person_photo_normalise(*, person: Person, upload) -> None:
    """Store a resized, re-encoded copy of an uploaded photo (drops metadata such as GPS)."""
    resized = photo_resized(upload, name=upload.name)
    person.photo.save(resized.name, resized, save=False)
