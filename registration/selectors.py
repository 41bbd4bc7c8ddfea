"""Reads for the registration desk, written to run a fixed number of queries."""

from __future__ import annotations

import math

from django.db.models import Count, Q, QuerySet

from registration.models import Question, Registration
from webinar.models import Event, User


def event_questions(*, event: Event) -> list[Question]:
    return list(event.questions.order_by("order", "pk"))


def event_seats_left(*, event: Event) -> int | None:
    """Free seats for the public, or None when the event has no limit.

    Seats that delegations hold for their nominees (mixed events) are not free.
    """
    from registration.services.common import event_seats_held

    if event.capacity is None:
        return None
    taken = event.registrations.filter(status__in=("approved", "pending")).count()
    return max(event.capacity - taken - event_seats_held(event=event), 0)


def registration_waitlist_position(*, registration: Registration) -> int:
    """1 for the first on the waiting list: seats go in arrival order."""
    ahead = (
        Registration.objects.filter(
            event_id=registration.event_id, status=Registration.Status.WAITLISTED
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


def registration_status_counts(*, registrations: QuerySet[Registration]) -> dict[str, int]:
    """Counts per status of a (possibly filtered) queryset, in one query."""
    counts = dict.fromkeys(Registration.Status.values, 0)
    for row in registrations.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def interpretation_plans() -> list[dict]:
    """Every event with at least one request, with its per-language counts (two queries)."""
    rows = (
        Registration.objects.filter(status=Registration.Status.APPROVED)
        .exclude(interpretation_language="")
        .values("event_id", "interpretation_language")
        .annotate(participants=Count("pk"))
        .order_by("event_id", "interpretation_language")
    )
    by_event: dict[int, dict[str, int]] = {}
    for row in rows:
        by_event.setdefault(row["event_id"], {})[row["interpretation_language"]] = row[
            "participants"
        ]
    events = Event.objects.filter(pk__in=by_event).annotate(
        approved=Count("registrations", filter=Q(registrations__status="approved"))
    )
    return [
        {"event": event, "approved": event.approved, "languages": by_event[event.pk]}
        for event in events
    ]


def user_registrations(*, user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(anonymised_at=None)
        .filter(Q(user=user) | Q(email__iexact=user.email))
        .select_related("event")
        .order_by("-event__starts_at")
    )


def event_attendance_minutes_required(*, event: Event) -> int:
    """Minutes a registrant must have attended to count, by the event's rule."""
    if event.attendance_rule == Event.AttendanceRule.MINUTES:
        return event.attendance_threshold
    length = (event.ends_at - event.starts_at).total_seconds() / 60
    return math.ceil(length * event.attendance_threshold / 100)


def attended_condition(*, event: Event) -> Q:
    """Registrations that count as having attended: enough minutes by the event's rule, or
    marked attended by an organiser without minutes (a phone-in, a room of colleagues)."""
    required = event_attendance_minutes_required(event=event)
    return Q(minutes_attended__gte=required) | Q(attended=True, minutes_attended=None)


def event_attendees(*, event: Event) -> QuerySet[Registration]:
    """Who attended the event by its rule: for the desk, the report's figures, certificates."""
    return Registration.objects.filter(attended_condition(event=event), event=event)


def registration_attended(*, registration: Registration) -> bool:
    event = registration.event
    if registration.minutes_attended is None:
        return registration.attended
    return registration.minutes_attended >= event_attendance_minutes_required(event=event)
