"""Attendance reports from the webinar platform: Zoom (webinar or meeting) and Microsoft Teams.

The files vary: a UTF-8 BOM or UTF-16, commas or tabs, summary sections before the tables,
localised section titles, several rows per person (one per join). So the importer decodes by
BOM, tries the delimiters, recognises header rows by their column names (case-insensitive),
reads every table that has an email and a duration column, and adds up each person's minutes.
Where a report gives a per-person total (Teams' "In-Meeting Duration"), only that table counts,
so joins are not counted twice.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registration.models import Registration
from webinar.models import Event

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

EMAIL_COLUMNS = ("email", "user email", "email address", "e-mail", "courriel")
UPN_COLUMNS = ("participant id (upn)", "upn")
NAME_COLUMNS = ("user name (original name)", "name (original name)", "name", "full name")
TOTAL_DURATION_COLUMNS = ("in-meeting duration", "attendance duration")
JOIN_DURATION_COLUMNS = ("time in session (minutes)", "duration (minutes)", "duration")
ATTENDED_COLUMNS = ("attended",)
NO_VALUES = {"no", "non", "false", "0"}
_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?|s|sec|secs)\b"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportFileError(Exception):
    """The upload is not an attendance report we can read; the message says why."""


@dataclass
class Attendee:
    email: str
    name: str
    minutes: float  # summed as read; whole minutes once the plan is made
    rows: int


@dataclass
class AttendancePlan:
    source: str
    rows_read: int
    matched: list[tuple[Registration, Attendee]] = field(default_factory=list)
    unmatched: list[Attendee] = field(default_factory=list)

    def minutes_by_registration(self) -> dict[int, int]:
        return {registration.pk: round(attendee.minutes) for registration, attendee in self.matched}


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data[:200].count(b"\x00") > 20:  # UTF-16 without a BOM
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_minutes(value: str) -> float | None:
    """Minutes from '45', '45.5', '1h 27m 51s', '27 min 5 sec' or '01:27:51'."""
    text = (value or "").strip().lower()
    if not text or text in {"--", "-"}:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    if re.fullmatch(r"\d+:\d{1,2}(:\d{1,2})?", text):
        parts = [int(p) for p in text.split(":")]
        if len(parts) == 2:
            parts = [0, *parts]
        return parts[0] * 60 + parts[1] + parts[2] / 60
    total, found = 0.0, False
    for number, unit in _DURATION_PART.findall(text):
        found = True
        amount = float(number.replace(",", "."))
        total += (
            amount * 60 if unit.startswith("h") else amount / 60 if unit.startswith("s") else amount
        )
    return total if found else None


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _header_for(cells: list[str]) -> dict | None:
    header = [c.strip().strip('"').lower() for c in cells]
    email = _find(header, EMAIL_COLUMNS)
    upn = _find(header, UPN_COLUMNS)
    total = _find(header, TOTAL_DURATION_COLUMNS)
    join = _find(header, JOIN_DURATION_COLUMNS)
    if (email is None and upn is None) or (total is None and join is None):
        return None
    return {
        "email": email,
        "upn": upn,
        "name": _find(header, NAME_COLUMNS),
        "duration": total if total is not None else join,
        "is_total": total is not None,
        "attended": _find(header, ATTENDED_COLUMNS),
        "width": len(header),
    }


def read_attendance(data: bytes) -> tuple[str, dict[str, Attendee], int]:
    """(source, attendees by lower-case email, rows read) from a report's bytes."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    text = decode(data)
    lines = text.splitlines()
    delimiter = None
    for candidate in ("\t", ",", ";"):
        if any(_header_for(_split(line, candidate)) for line in lines[:400]):
            delimiter = candidate
            break
    if delimiter is None:
        raise ImportFileError(
            _(
                "No table with an email column and a duration column was found. Upload the "
                "attendee report from Zoom or the attendance report from Microsoft Teams."
            )
        )
    per_join: dict[str, Attendee] = {}
    totals: dict[str, Attendee] = {}
    header = None
    rows_read = 0
    for line in lines:
        cells = _split(line, delimiter)
        if not any(c.strip() for c in cells):
            continue
        new_header = _header_for(cells)
        if new_header:
            header = new_header
            continue
        if header is None or len(cells) < 2:
            continue  # a section title or a summary line
        rows_read += 1
        email = _cell(cells, header["email"])
        if not _EMAIL.match(email):
            email = _cell(cells, header["upn"])
        name = _cell(cells, header["name"])
        if not _EMAIL.match(email):
            if not name:
                continue
            email = ""  # a guest without an address: shown as unmatched, by name
        if _cell(cells, header["attended"]).lower() in NO_VALUES:
            continue
        minutes = parse_minutes(_cell(cells, header["duration"]))
        if minutes is None:
            continue
        target = totals if header["is_total"] else per_join
        key = email.lower() or f"~{name}"
        attendee = target.get(key) or Attendee(email=email, name=name, minutes=0, rows=0)
        attendee.minutes += minutes
        attendee.rows += 1
        target[key] = attendee
    attendees = totals or per_join
    source = "teams" if delimiter == "\t" else "zoom"
    if not any(a.email for a in attendees.values()):
        raise ImportFileError(_("The report lists no attendee with an email address."))
    return source, attendees, rows_read


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def attendance_plan(*, event: Event, data: bytes) -> AttendancePlan:
    """Match a report's attendees to the event's registrants by email, for a preview."""
    source, attendees, rows_read = read_attendance(data)
    length = math.ceil((event.ends_at - event.starts_at).total_seconds() / 60)
    for attendee in attendees.values():
        # Two devices at once would count twice; nobody attends longer than the event.
        attendee.minutes = min(round(attendee.minutes), length)
    registrations = defaultdict(list)
    for registration in event.registrations.filter(anonymised_at=None):
        registrations[registration.email.lower()].append(registration)
    plan = AttendancePlan(source=source, rows_read=rows_read)
    for key, attendee in sorted(attendees.items()):
        if key in registrations:
            plan.matched.append((registrations[key][0], attendee))
        else:
            plan.unmatched.append(attendee)
    return plan


def read_upload(upload) -> bytes:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("The file is too large; the limit is 5 MB."))
    data = upload.read()
    return data
