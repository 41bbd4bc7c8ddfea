"""Reads for the focal point's page, the organisers' list and the seat arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from delegations.models import Delegation
from registration.models import Registration
from registration.services.common import SEAT_HOLDING
from webinar.models import Event

Status = Registration.Status
_SEAT = Q(nominees__status__in=SEAT_HOLDING)


def delegation_count(delegation: Delegation, name: str) -> int:
    """A count annotated by ``delegations_with_counts`` ("nominated", "confirmed", "attended")."""
    return int(getattr(delegation, name))


def delegations_with_counts(queryset: QuerySet[Delegation] | None = None) -> QuerySet[Delegation]:
    """Each delegation with ``nominated`` (seat-holding nominees), ``confirmed`` (approved)
    and ``attended``: one query whatever the number of delegations."""
    queryset = Delegation.objects.all() if queryset is None else queryset
    return queryset.select_related("event").annotate(
        nominated=Count("nominees", filter=_SEAT, distinct=True),
        confirmed=Count("nominees", filter=Q(nominees__status=Status.APPROVED), distinct=True),
        attended=Count(
            "nominees",
            filter=Q(nominees__status=Status.APPROVED, nominees__attended=True),
            distinct=True,
        ),
    )


def delegation_seats_used(*, delegation: Delegation) -> int:
    return delegation.nominees.filter(status__in=SEAT_HOLDING).count()


def delegation_holds_seats(*, delegation: Delegation, now: dt.datetime | None = None) -> bool:
    """A delegation holds its unfilled quota until its deadline, unless it was revoked."""
    return delegation.revoked_at is None and delegation.nomination_deadline > (
        now or timezone.now()
    )


def delegation_unfilled_quota(*, delegation: Delegation, now: dt.datetime | None = None) -> int:
    """Seats this delegation still holds for nominees it has not named."""
    if not delegation_holds_seats(delegation=delegation, now=now):
        return 0
    return max(delegation.quota - delegation_seats_used(delegation=delegation), 0)


def event_unfilled_quotas(*, event: Event, now: dt.datetime | None = None) -> int:
    """Seats the event's delegations hold for nominees not named yet (one query)."""
    rows = (
        Delegation.objects.filter(
            event=event, revoked_at=None, nomination_deadline__gt=now or timezone.now()
        )
        .annotate(used=Count("nominees", filter=_SEAT))
        .values_list("quota", "used")
    )
    return sum(max(quota - used, 0) for quota, used in rows)


def delegation_nominees(*, delegation: Delegation) -> list[Registration]:
    """Every nominee, the replaced and cancelled ones too, in the order they were named."""
    return list(delegation.nominees.order_by("created_at", "pk"))


def registration_needs_details(*, registration: Registration) -> bool:
    """The nominee has yet to complete what their focal point could not give."""
    return not (registration.country and registration.category and registration.consent_processing)


@dataclass(frozen=True)
class NomineeRow:
    registration: Registration
    holds_seat: bool
    needs_details: bool


@dataclass(frozen=True)
class DelegationPage:
    delegation: Delegation
    nominees: list[NomineeRow]
    seats_used: int
    seats_left: int
    open: bool


def delegation_page(*, delegation: Delegation, now: dt.datetime | None = None) -> DelegationPage:
    """What the focal point's page shows: two queries."""
    from delegations.services import delegation_accepts_changes

    nominees = [
        NomineeRow(
            registration=nominee,
            holds_seat=nominee.status in SEAT_HOLDING,
            needs_details=registration_needs_details(registration=nominee),
        )
        for nominee in delegation_nominees(delegation=delegation)
    ]
    used = sum(1 for row in nominees if row.holds_seat)
    return DelegationPage(
        delegation=delegation,
        nominees=nominees,
        seats_used=used,
        seats_left=max(delegation.quota - used, 0),
        open=delegation_accepts_changes(delegation=delegation, now=now),
    )


def event_delegations_without_registrations(*, event: Event) -> list[Delegation]:
    """Invited delegations (not revoked) with no one registered for them: nobody nominated,
    or every nominee cancelled or rejected. One query."""
    holding = Registration.objects.filter(delegation=OuterRef("pk"), status__in=SEAT_HOLDING)
    return list(
        Delegation.objects.filter(event=event, revoked_at=None)
        .exclude(Exists(holding))
        .order_by("country", "organisation", "pk")
    )


def events_delegations_without_registrations() -> list[tuple[Event, list[Delegation]]]:
    """The same for every event that has delegations and has not ended, in two queries."""
    holding = Registration.objects.filter(delegation=OuterRef("pk"), status__in=SEAT_HOLDING)
    rows = (
        Delegation.objects.filter(revoked_at=None, event__ends_at__gt=timezone.now())
        .exclude(Exists(holding))
        .select_related("event")
        .order_by("event__starts_at", "event_id", "country", "organisation", "pk")
    )
    grouped: dict[int, tuple[Event, list[Delegation]]] = {}
    for delegation in rows:
        grouped.setdefault(delegation.event_id, (delegation.event, []))[1].append(delegation)
    return list(grouped.values())
