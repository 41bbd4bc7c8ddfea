"""Attendance recorded from imported platform reports, one report or several.

Each applied report is kept (``AttendanceImport``) with each matched registrant's intervals
(``AttendanceRecord``), so a second report for the same event (a webinar run on two platforms,
or in two parts) adds to the first by the same rule as within one report: a registrant's minutes
are the union of all their intervals, plus minutes that came without times, at most the event's
length. Whether those minutes count as attending is the event's rule (see
``registration.selectors.event_attendance_minutes_required``).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from registration.models import AttendanceImport, AttendanceRecord, Registration
from webinar.models import Event, User

logger = logging.getLogger(__name__)


class AttendanceApplyError(Exception):
    """The import cannot be applied as previewed; nothing was written."""


# A preview is signed so that what the organiser confirms is exactly what they were shown,
# without keeping the upload on the server; it is good for an hour.
PLAN_SALT = "registration.attendance-plan"
PLAN_MAX_AGE = 3600


class AttendancePlanExpired(AttendanceApplyError):
    """The signed preview is too old, altered, or of an older layout: upload the file again."""


def attendance_plan_sign(*, payload: dict) -> str:
    """The preview's plan as a tamper-proof token for the confirmation form."""
    return signing.dumps(payload, salt=PLAN_SALT, compress=True)


def attendance_plan_read(*, token: str) -> dict:
    """The plan a confirmation carries back, refused when expired, altered or outdated."""
    try:
        plan = signing.loads(token, salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
    except signing.BadSignature as exc:
        raise AttendancePlanExpired(_("The preview has expired; upload the file again.")) from exc
    if not isinstance(plan, dict) or "rows" not in plan or "event" not in plan:
        raise AttendancePlanExpired(_("The preview has expired; upload the file again."))
    return plan


@dataclass(frozen=True)
class PersonTime:
    """A registrant's time in one report: intervals in Unix seconds, and untimed minutes."""

    registration_id: int
    intervals: tuple[tuple[int, int], ...]
    untimed_minutes: float
    matched_by: str = AttendanceRecord.MatchedBy.EMAIL


@dataclass(frozen=True)
class AttendanceApplied:
    people: int
    first_import: bool
    attendance_import: AttendanceImport


def union_seconds(intervals: Iterable[Sequence[float]]) -> float:
    """Seconds covered by (start, end) pairs, overlaps counted once (two devices at once)."""
    total = 0.0
    current_start = current_end = None
    for start, end in sorted((float(s), float(e)) for s, e in intervals):
        if current_end is None or start > current_end:
            if current_end is not None and current_start is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_end is not None and current_start is not None:
        total += current_end - current_start
    return total


def event_length_minutes(*, event: Event) -> int:
    return math.ceil((event.ends_at - event.starts_at).total_seconds() / 60)


def attendance_minutes(
    *, intervals: Iterable[Sequence[float]], untimed_minutes: float, cap_minutes: int
) -> int:
    """Whole minutes (half up) of the union plus the untimed minutes, at most the cap."""
    minutes = union_seconds(intervals) / 60 + untimed_minutes
    return min(cap_minutes, math.floor(minutes + 0.5))


def _merge(people: Sequence[PersonTime]) -> dict[int, PersonTime]:
    merged: dict[int, PersonTime] = {}
    for person in people:
        earlier = merged.get(person.registration_id)
        if earlier is None:
            merged[person.registration_id] = person
            continue
        merged[person.registration_id] = PersonTime(
            registration_id=person.registration_id,
            intervals=earlier.intervals + person.intervals,
            untimed_minutes=earlier.untimed_minutes + person.untimed_minutes,
            # One row matched by address is enough to say how the registrant was found.
            matched_by=min(earlier.matched_by, person.matched_by),
        )
    return merged


def event_apply_attendance(
    *,
    event: Event,
    people: Sequence[PersonTime],
    file_name: str,
    file_sha256: str,
    layout: str,
    imported_by: User | None = None,
) -> AttendanceApplied:
    """Record one report's attendance, all or nothing.

    The first report of an event marks every registrant it does not list as absent; a later one
    changes only the registrants it lists, whose minutes become the union over all reports.
    """
    with transaction.atomic():
        # Imports of one event one at a time: each sees the ones before it.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        earlier = AttendanceImport.objects.filter(event=event)
        if earlier.filter(file_sha256=file_sha256).exists():
            raise AttendanceApplyError(_("This file has already been imported for this event."))
        first = not earlier.exists()
        registrations = {
            r.pk: r for r in Registration.objects.select_for_update().filter(event=event)
        }
        merged = _merge(people)
        gone = [
            pk
            for pk in merged
            if pk not in registrations or registrations[pk].anonymised_at is not None
        ]
        if gone:
            raise AttendanceApplyError(
                _(
                    "Registrations changed since the preview (%(n)s no longer there); nothing "
                    "was recorded. Upload the file again."
                )
                % {"n": len(gone)}
            )
        attendance_import = AttendanceImport.objects.create(
            event=event,
            file_name=file_name[:255],
            file_sha256=file_sha256,
            layout=layout,
            imported_by=imported_by,
        )
        AttendanceRecord.objects.bulk_create(
            [
                AttendanceRecord(
                    attendance_import=attendance_import,
                    registration_id=person.registration_id,
                    intervals=[list(pair) for pair in person.intervals],
                    untimed_minutes=person.untimed_minutes,
                    matched_by=person.matched_by,
                )
                for person in merged.values()
            ],
            batch_size=500,
        )
        affected = list(registrations.values()) if first else [registrations[pk] for pk in merged]
        _recompute(event=event, registrations=affected)
    logger.info(
        "attendance import %s for event %s: %s registrants",
        attendance_import.pk,
        event.pk,
        len(merged),
    )
    return AttendanceApplied(
        people=len(merged), first_import=first, attendance_import=attendance_import
    )


def _recompute(*, event: Event, registrations: list[Registration]) -> None:
    """Minutes from every record of these registrants; none means absent."""
    records: dict[int, list[AttendanceRecord]] = defaultdict(list)
    for record in AttendanceRecord.objects.filter(
        registration__in=[r.pk for r in registrations]
    ).only("registration_id", "intervals", "untimed_minutes"):
        records[record.registration_id].append(record)
    cap = event_length_minutes(event=event)
    for registration in registrations:
        own = records.get(registration.pk)
        if own:
            registration.attended = True
            registration.minutes_attended = attendance_minutes(
                intervals=[pair for record in own for pair in record.intervals],
                untimed_minutes=sum(record.untimed_minutes for record in own),
                cap_minutes=cap,
            )
        else:
            registration.attended = False
            registration.minutes_attended = None
    Registration.objects.bulk_update(
        registrations, ["attended", "minutes_attended"], batch_size=500
    )


def event_clear_attendance(*, event: Event) -> int:
    """Forget every import of the event and mark its registrants absent: a fresh start."""
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        imports = AttendanceImport.objects.filter(event=event)
        count = imports.count()
        imports.delete()
        Registration.objects.filter(event=event).update(attended=False, minutes_attended=None)
    return count
