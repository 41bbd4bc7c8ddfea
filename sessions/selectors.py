"""Reads of the agenda, query-optimised: a fixed number of queries whatever the agenda's size."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Max, Model, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from sessions.models import Material, Person, Session, SessionRole
from webinar.models import Event


def event_published_sessions(*, event: Event) -> QuerySet[Session]:
    return Session.objects.filter(event=event, is_published=True).order_by(
        "starts_at", "order", "pk"
    )


def event_agenda(*, event: Event) -> list[Session]:
    """Published sessions with their people (ordered) and published materials: 3 queries."""
    roles = SessionRole.objects.select_related("person").order_by("order", "pk")
    materials = Material.objects.filter(is_published=True).order_by("order", "pk")
    sessions = event_published_sessions(event=event).prefetch_related(
        Prefetch("roles", queryset=roles), Prefetch("materials", queryset=materials)
    )
    result = list(sessions)
    for session in result:
        session.event = event  # avoid a query per session for the event
    return result


@dataclass
class AgendaDay:
    day: dt.date
    sessions: list[Session] = field(default_factory=list)


def agenda_by_day(*, event: Event, sessions: list[Session]) -> list[AgendaDay]:
    """Sessions grouped by their day in the event's time zone."""
    tz = event.tzinfo
    return [
        AgendaDay(day=day, sessions=list(items))
        for day, items in groupby(sessions, key=lambda s: s.starts_at.astimezone(tz).date())
    ]


def session_published(*, event: Event, pk: int) -> Session | None:
    roles = SessionRole.objects.select_related("person").order_by("order", "pk")
    materials = Material.objects.filter(is_published=True).order_by("order", "pk")
    session = (
        Session.objects.filter(event=event, pk=pk, is_published=True)
        .prefetch_related(
            Prefetch("roles", queryset=roles), Prefetch("materials", queryset=materials)
        )
        .first()
    )
    if session is not None:
        session.event = event
    return session


def event_speakers(*, event: Event) -> list[Person]:
    """People with a role in a published session of the event, each with their roles there."""
    roles = (
        SessionRole.objects.filter(session__event=event, session__is_published=True)
        .select_related("session")
        .order_by("session__starts_at", "session__order", "order", "pk")
    )
    people = (
        Person.objects.filter(
            session_roles__session__event=event, session_roles__session__is_published=True
        )
        .distinct()
        .prefetch_related(Prefetch("session_roles", queryset=roles, to_attr="event_roles"))
        .order_by("name", "pk")
    )
    result: list[Person] = []
    for person in people:
        for role in person.event_roles:
            role.session.event = event
        result.append(person)
    return result


def agenda_summary(*, event: Event) -> dict:
    """Latest changes and counts of the event's agenda rows (one query): the basis of the
    HTTP validators. Counts catch deletions, which leave no timestamp behind."""
    return Session.objects.filter(event=event).aggregate(
        sessions_updated=Max("updated_at"),
        published_count=Count("pk", filter=Q(is_published=True), distinct=True),
        role_count=Count("roles", distinct=True),
        people_updated=Max("roles__person__updated_at"),
        materials_updated=Max("materials__updated_at"),
        material_count=Count("materials", distinct=True),
    )


def agenda_last_modified(*, event: Event, summary: dict | None = None) -> dt.datetime | None:
    """When anything shown on the event's public agenda last changed."""
    summary = summary if summary is not None else agenda_summary(event=event)
    stamps = [
        summary[key]
        for key in ("sessions_updated", "people_updated", "materials_updated")
        if summary[key] is not None
    ]
    return max(stamps) if stamps else None


def _row_values(instance: Model) -> tuple:
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def agenda_etag(*, event: Event, extra: str = "", summary: dict | None = None) -> str:
    """A validator that changes when sessions, their people or materials change, including
    deletions, the event's own shown fields and the language of the page."""
    summary = summary if summary is not None else agenda_summary(event=event)
    # Every stored field of the event and its series (translations included), so any text
    # shown beside the agenda invalidates the page when it changes.
    event_part = [_row_values(event), _row_values(event.series)]
    raw = repr((sorted(summary.items()), event_part, get_language(), extra))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def event_overlapping_sessions(*, event: Event) -> list[tuple[Session, Session]]:
    """Pairs of sessions of the event that overlap in time, except working groups running in
    parallel with each other: breakout rooms are meant to (a person in two of them is still
    reported by ``person_double_bookings``)."""
    sessions = list(Session.objects.filter(event=event).order_by("starts_at", "pk"))
    parallel = Session.Kind.WORKING_GROUP
    pairs = []
    for index, first in enumerate(sessions):
        for second in sessions[index + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            if first.kind == parallel and second.kind == parallel:
                continue
            pairs.append((first, second))
    return pairs


def person_double_bookings(*, event: Event) -> list[tuple[Person, Session, Session]]:
    """A person with roles in two overlapping sessions of the event."""
    roles = list(
        SessionRole.objects.filter(session__event=event)
        .select_related("person", "session")
        .order_by("person_id", "session__starts_at", "session_id")
    )
    found = []
    for _person_id, items in groupby(roles, key=lambda role: role.person_id):
        sessions: dict[int, tuple[Person, Session]] = {}
        for role in items:
            sessions.setdefault(role.session.pk, (role.person, role.session))
        entries = sorted(sessions.values(), key=lambda pair: pair[1].starts_at)
        for index, (person, first) in enumerate(entries):
            for _, second in entries[index + 1 :]:
                if second.starts_at >= first.ends_at:
                    break
                found.append((person, first, second))
    return found
