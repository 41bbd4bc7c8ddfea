"""Attendance reports from the webinar platforms: Zoom (webinar or meeting) and Microsoft Teams.

``decoding`` turns any bytes into rows of cells or a clear refusal (sizes and cell lengths
bounded, so every step after it is linear in the file); ``layouts`` recognises the report's
tables and reads each person's intervals; here the people are matched to the event's
registrants, by e-mail address first and by name where the report has none (those matches are
shown for the organiser to confirm), for a preview that ``services.event_apply_attendance``
records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registration.importers import layouts
from registration.importers.decoding import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    expected_layouts,
    rows_from_bytes,
)
from registration.importers.layouts import Attendee, Report
from registration.importers.values import name_key, name_keys, parse_minutes, parse_timestamp
from registration.models import AttendanceImport, AttendanceRecord, Registration
from registration.selectors import event_attendance_minutes_required
from registration.services.attendance import PersonTime, attendance_minutes, event_length_minutes
from webinar.models import Event

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "AttendancePlan",
    "Attendee",
    "ImportFileError",
    "PlanRow",
    "Report",
    "attendance_plan",
    "parse_minutes",
    "parse_timestamp",
    "payload_people",
    "read_attendance",
    "read_report",
    "read_upload",
]

LAYOUT_LABELS = {
    layouts.ZOOM_WEBINAR: gettext_lazy("Zoom webinar attendee report"),
    layouts.ZOOM_MEETING: gettext_lazy("Zoom meeting participants (one row per join)"),
    layouts.ZOOM_TOTALS: gettext_lazy("Zoom participants (one total per person)"),
    layouts.TEAMS_REPORT: gettext_lazy("Microsoft Teams attendance report"),
    layouts.TEAMS_LIST: gettext_lazy("Microsoft Teams attendance list (joined / left)"),
}


def read_report(
    data: bytes,
    *,
    hint_start: dt.datetime | None = None,
    hint_end: dt.datetime | None = None,
) -> Report:
    """The people of a report and their time, or ImportFileError saying what is read.

    ``hint_start`` / ``hint_end`` are the event's times as the report would write them (local,
    naive): they settle dates like 08/12/2020 that read both ways, and end the joins of a Teams
    list that has no leave.
    """
    rows = rows_from_bytes(data)
    report = layouts.read_rows(rows, hint_start=hint_start, hint_end=hint_end)
    if not report.attendees:
        raise ImportFileError(
            _("No table of attendees with their times was found in this file.")
            + " "
            + expected_layouts()
        )
    return report


def read_attendance(data: bytes) -> tuple[str, dict[str, Attendee], int]:
    """(layout, attendees by key, rows read): the report without an event."""
    report = read_report(data)
    return report.layout, report.attendees, report.rows_read


@dataclass
class PlanRow:
    """One person of the report and the registrant they were matched to, if any."""

    attendee: Attendee
    registration: Registration | None
    matched_by: str  # "email", "name" or ""
    intervals: list[tuple[int, int]]
    minutes: int  # this report alone, at most the event's length
    minutes_after: int | None = None  # the registrant's total once applied
    counts: bool = False

    @property
    def needs_confirmation(self) -> bool:
        return self.matched_by == AttendanceRecord.MatchedBy.NAME


@dataclass
class AttendancePlan:
    layout: str
    rows_read: int
    file_name: str
    file_sha256: str
    minutes_required: int
    earlier_imports: list[AttendanceImport] = field(default_factory=list)
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def layout_label(self) -> str:
        return str(LAYOUT_LABELS.get(self.layout, self.layout))

    @property
    def matched(self) -> list[PlanRow]:
        return [row for row in self.rows if row.registration is not None]

    def pairs(self) -> list[tuple[PlanRow, Registration]]:
        return [(row, row.registration) for row in self.rows if row.registration is not None]

    @property
    def unmatched(self) -> list[PlanRow]:
        return [row for row in self.rows if row.registration is None]

    @property
    def first_import(self) -> bool:
        return not self.earlier_imports

    @property
    def earlier_files(self) -> str:
        return ", ".join(str(attendance_import) for attendance_import in self.earlier_imports)

    def people(self, *, confirmed: set[int] | None = None) -> list[PersonTime]:
        """What applying records; name matches only where confirmed (indexes in ``matched``),
        all of them when ``confirmed`` is None."""
        return [
            PersonTime(
                registration_id=registration.pk,
                intervals=tuple(row.intervals),
                untimed_minutes=row.attendee.untimed_minutes,
                matched_by=row.matched_by,
            )
            for index, (row, registration) in enumerate(self.pairs())
            if not row.needs_confirmation or confirmed is None or index in confirmed
        ]

    def payload(self, *, event: Event) -> dict:
        """What the preview's form carries (signed) to the apply step: no names, no addresses."""
        return {
            "event": event.pk,
            "file": self.file_name[:255],
            "sha256": self.file_sha256,
            "layout": self.layout,
            "rows": [
                [registration.pk, str(row.matched_by), row.intervals, row.attendee.untimed_minutes]
                for row, registration in self.pairs()
            ],
        }


def payload_people(payload: dict, *, confirmed: set[int]) -> list[PersonTime]:
    """The people of a signed preview: e-mail matches, and the name matches left ticked."""
    return [
        PersonTime(
            registration_id=int(pk),
            intervals=tuple((int(s), int(e)) for s, e in intervals),
            untimed_minutes=float(untimed),
            matched_by=matched_by,
        )
        for index, (pk, matched_by, intervals, untimed) in enumerate(payload["rows"])
        if matched_by != AttendanceRecord.MatchedBy.NAME or index in confirmed
    ]


def _local(value: dt.datetime, event: Event) -> dt.datetime:
    return value.astimezone(event.tzinfo).replace(tzinfo=None)


def _epoch(value: dt.datetime, event: Event) -> int:
    # The report's times are local: read them in the event's time zone.
    return int(value.replace(tzinfo=event.tzinfo).timestamp())


def attendance_plan(*, event: Event, data: bytes, file_name: str = "") -> AttendancePlan:
    """Read a report and match its people to the event's registrants, for a preview."""
    report = read_report(
        data, hint_start=_local(event.starts_at, event), hint_end=_local(event.ends_at, event)
    )
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = list(AttendanceImport.objects.filter(event=event))
    for attendance_import in earlier:
        if attendance_import.file_sha256 == sha256:
            raise ImportFileError(
                _("This file was already imported for this event on %(date)s.")
                % {"date": f"{attendance_import.imported_at:%Y-%m-%d %H:%M} UTC"}
            )
    registrations = list(event.registrations.filter(anonymised_at=None))
    by_email = {r.email.lower(): r for r in registrations}
    by_name: dict[tuple[str, ...], list[Registration]] = defaultdict(list)
    for registrant in registrations:
        by_name[name_key(f"{registrant.first_name} {registrant.last_name}")].append(registrant)
    cap = event_length_minutes(event=event)
    plan = AttendancePlan(
        layout=report.layout,
        rows_read=report.rows_read,
        file_name=file_name,
        file_sha256=sha256,
        minutes_required=event_attendance_minutes_required(event=event),
        earlier_imports=earlier,
    )
    for attendee in sorted(report.attendees.values(), key=lambda a: (a.name.casefold(), a.key)):
        registration: Registration | None = None
        matched_by = ""
        for email in [attendee.email, *sorted(attendee.other_emails)]:
            if email and email in by_email:
                registration, matched_by = by_email[email], AttendanceRecord.MatchedBy.EMAIL
                break
        if registration is None:
            for key in name_keys(attendee.name):
                candidates = by_name.get(key, [])
                if len(candidates) == 1:  # two registrants of that name: nobody can tell
                    registration, matched_by = candidates[0], AttendanceRecord.MatchedBy.NAME
                    break
        intervals = [(_epoch(s, event), _epoch(e, event)) for s, e in attendee.intervals]
        plan.rows.append(
            PlanRow(
                attendee=attendee,
                registration=registration,
                matched_by=matched_by,
                intervals=intervals,
                minutes=attendance_minutes(
                    intervals=intervals,
                    untimed_minutes=attendee.untimed_minutes,
                    cap_minutes=cap,
                ),
            )
        )
    _totals_after(plan=plan, cap=cap)
    return plan


def _totals_after(*, plan: AttendancePlan, cap: int) -> None:
    """Each matched registrant's minutes once applied: with this report and the earlier ones."""
    intervals: dict[int, list[tuple[int, int]]] = defaultdict(list)
    untimed: dict[int, float] = defaultdict(float)
    ids = {registration.pk for _row, registration in plan.pairs()}
    for record in AttendanceRecord.objects.filter(
        attendance_import__in=plan.earlier_imports, registration_id__in=ids
    ):
        intervals[record.registration_id] += [tuple(pair) for pair in record.intervals]
        untimed[record.registration_id] += record.untimed_minutes
    for row, registration in plan.pairs():
        intervals[registration.pk] += row.intervals
        untimed[registration.pk] += row.attendee.untimed_minutes
    for row, registration in plan.pairs():
        pk = registration.pk
        row.minutes_after = attendance_minutes(
            intervals=intervals[pk], untimed_minutes=untimed[pk], cap_minutes=cap
        )
        row.counts = row.minutes_after >= plan.minutes_required


def read_upload(upload) -> bytes:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is too large; the limit is 5 MB."))
    return upload.read(MAX_UPLOAD_BYTES + 1)
