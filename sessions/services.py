"""Writes of the agenda: cloning an event with its programme, people's photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
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


def _shift_local(value: dt.datetime, *, tz: dt.tzinfo, days: int) -> dt.datetime:
    """Move a moment by whole days keeping its wall-clock time in the event's zone, so a
    10:00 session stays at 10:00 even across a daylight-saving change."""
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
        registration_closes_at=(
            _shift_local(event.registration_closes_at, tz=tz, days=days)
            if event.registration_closes_at
            else None
        ),
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


def sessions_mark_changed(*, session_ids: Iterable[int]) -> int:
    """Record a change of these sessions (their texts, times, roles...): calendar clients see a
    higher SEQUENCE and replace the entry. One ``sequence + 1`` in the database per call, so
    two organisers saving at the same time raise it by two. Returns the rows changed."""
    return Session.objects.filter(pk__in=list(session_ids)).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )


def sessions_set_published(*, sessions: Iterable[Session], published: bool) -> list[Session]:
    """Publish or unpublish sessions. Only those whose state changes are changed (each then
    gets a new calendar revision, in the database); returns them."""
    changed = [session for session in sessions if session.is_published != published]
    Session.objects.filter(pk__in=[session.pk for session in changed]).exclude(
        is_published=published
    ).update(is_published=published, sequence=F("sequence") + 1, updated_at=timezone.now())
    for session in changed:
        session.is_published = published
    return changed


def person_photo_normalise(*, person: Person, upload: UploadedFile) -> None:
    """Store a resized, re-encoded copy of an uploaded photo (drops metadata such as GPS)."""
    resized = photo_resized(upload, name=upload.name or "photo")
    person.photo.save(resized.name or "photo", resized, save=False)
