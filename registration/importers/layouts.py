"""Recognising the tables of an attendance report and reading each person's time from them.

A report is cut into tables at blank rows and at one-cell rows (section titles such as
"Attendee Details" or "2. Participants"). Each table's columns are named from its header in any
of the languages below, and where a header is not understood (Teams writes them in the
organiser's language) from the structure: Teams' numbered sections and column order, e-mail
shaped values, timestamps, durations with units. Then each table is one of:

- meeting information (Zoom's meeting or webinar block, Teams' summary): start and end, never an
  attendee, even though Zoom's block has a "User Email" (the host's);
- one row per join (Zoom webinar and meeting reports, Teams' "In-Meeting Activities"): join and
  leave times give intervals, whose union is the person's time;
- one row per person with a total (Zoom's current export, Teams' "Participants"): used when the
  report has no times for that person;
- one row per join or leave event (Teams' older attendance list): events are paired into
  intervals; a join without a leave lasts to the end of the meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from registration.importers.decoding import ImportFileError
from registration.importers.values import (
    RawTimestamp,
    fold,
    looks_like_email,
    name_key,
    parse_minutes,
    parse_timestamp,
)
from registration.services.attendance import union_seconds

ZOOM_WEBINAR = "zoom-webinar"
ZOOM_MEETING = "zoom-meeting"
ZOOM_TOTALS = "zoom-totals"
TEAMS_REPORT = "teams-report"
TEAMS_LIST = "teams-list"

_EPOCH = dt.datetime(1970, 1, 1)
_NO = {"no", "non", "false", "0", "nein", "nie", "nao", "لا"}


def _words(text: str) -> list[str]:
    words, current = [], []
    for char in fold(text):
        if char.isalnum():
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


@lru_cache(maxsize=2048)
def column_role(header: str) -> str | None:
    """What a column holds, from its header in en, fr, ar, es, pt, de or pl; None if unknown."""
    h = " ".join(_words(header))
    if not h:
        return None

    def has(*parts: str) -> bool:
        return any(part in h for part in parts)

    if has("upn"):
        return "upn"
    if has("country", "pays", "pais", "land", "kraj", "region", "بلد", "دولة", "registration"):
        return None
    if has("mail", "courriel", "correo", "البريد"):
        return "email"
    if h in {"attended", "a assiste", "asistio", "compareceu", "teilgenommen", "حضر"}:
        return "attended"
    if has("user action", "action", "accion", "acao", "aktion", "akcja", "إجراء", "الإجراء"):
        return "action"
    if has("timestamp", "horodatage", "marca de tiempo", "carimbo", "zeitstempel", "sygnatura"):
        return "timestamp"
    if has("topic", "meeting id", "webinar id") or h in {"id", "sujet", "tema", "temat"}:
        return "topic"
    if has("total", "in meeting duration", "attendance duration", "gesamt", "laczny", "udzialu"):
        return "total"
    if has("duration", "time in session", "duree", "duracion", "duracao", "dauer", "czas", "مدة"):
        return "duration"
    if has("join", "arrivee", "rejoint", "entrada", "ingreso", "beitritt", "dolacz", "انضمام"):
        return "join"
    if has("leave", "depart", "sortie", "salida", "saida", "verlassen", "wyjsc", "مغادرة"):
        return "leave"
    if has("start", "debut", "inicio", "beginn", "rozpocz", "بدء", "بداية"):
        return "start"
    if has("end time", "fin", "fim", "ende", "zakoncz", "انتهاء", "نهاية"):
        return "end"
    if has("first name", "prenom", "vorname", "nombre de pila") or h == "imie":
        return "first_name"
    if has("last name", "nom de famille", "apellido", "sobrenome", "nachname") or h == "nazwisko":
        return "last_name"
    if has("name", "nom", "nombre", "nome", "imie", "الاسم", "اسم"):
        return "name"
    if has("role", "rol", "funcao", "papel", "الدور"):
        return "role"
    if has("guest", "invite", "invitado", "convidado", "gast", "gosc", "ضيف"):
        return "guest"
    return None


def _is_numbered(title: str) -> bool:
    """'2. Participants', '2) Uczestnicy', '٢. المشاركون'."""
    text = title.strip()
    digits = 0
    while digits < len(text) and text[digits].isdigit():
        digits += 1
    return 0 < digits <= 2 and text[digits : digits + 1] in {".", ")"}


@dataclass
class Table:
    section: str
    numbered: bool
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _header_roles(cells: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells[:_CLASSIFIED_COLUMNS]):
        if len(cell) > 80:
            continue
        role = column_role(cell)
        if role and role not in roles:
            roles[role] = index
    return roles


def _is_header(cells: list[str]) -> bool:
    cells = cells[:_CLASSIFIED_COLUMNS]
    if any(looks_like_email(c) or parse_timestamp(c) for c in cells):
        return False
    return len(_header_roles(cells)) >= 2


# Columns looked at to recognise a table (Zoom adds one per registration question after these).
_CLASSIFIED_COLUMNS = 30


# A report has a handful of tables; a file cut into more is not one (and each table costs a look
# at its columns, so this also bounds the work).
MAX_TABLES = 200
# A header follows a blank row or a section title, or comes within the first rows after one
# (Zoom's webinar report: "Report Generated:" then the "Topic" header; a meeting block's one row
# then the participants' header). Later rows of a table are data: checked no further.
_HEADER_WITHIN = 3


def split_tables(rows: list[list[str]]) -> list[Table]:
    tables: list[Table] = []
    section, numbered = "", False
    current: Table | None = None
    for cells in rows:
        filled = [c for c in cells if c]
        if not filled:
            current = None
        elif len(filled) == 1 and cells[0]:
            section, numbered, current = filled[0], _is_numbered(filled[0]), None
        elif current is None or (len(current.rows) < _HEADER_WITHIN and _is_header(cells)):
            if len(tables) >= MAX_TABLES:
                raise ImportFileError(
                    _("The file has more than %(limit)s separate tables; a report has a few.")
                    % {"limit": MAX_TABLES}
                )
            current = Table(section=section, numbered=numbered, header=cells)
            tables.append(current)
        else:
            current.rows.append(cells)
    return tables


@dataclass
class Join:
    start: RawTimestamp | None
    end: RawTimestamp | None
    minutes: float | None


@dataclass
class Attendee:
    """One person in a report, with their time once the report has been read."""

    key: str
    email: str
    name: str
    other_emails: set[str] = field(default_factory=set)
    rows: int = 0
    joins: list[Join] = field(default_factory=list)
    totals: list[float] = field(default_factory=list)
    events: list[tuple[RawTimestamp, bool]] = field(default_factory=list)
    intervals: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    untimed_minutes: float = 0.0

    @property
    def minutes(self) -> float:
        """The union of the intervals plus what the report gives without times."""
        pairs = [
            ((s - _EPOCH).total_seconds(), (e - _EPOCH).total_seconds()) for s, e in self.intervals
        ]
        return union_seconds(pairs) / 60 + self.untimed_minutes


@dataclass
class Report:
    layout: str
    attendees: dict[str, Attendee]
    rows_read: int
    meeting_start: dt.datetime | None = None
    meeting_end: dt.datetime | None = None


_JOIN_ACTIONS = ("join", "rejoint", "se unio", "entrou", "beigetreten", "dolaczyl", "انضم")
_LEAVE_ACTIONS = ("left", "quitt", "parti", "salio", "saiu", "verlassen", "opuscil", "غادر")


class _Reader:
    def __init__(self, *, hint_start: dt.datetime | None, hint_end: dt.datetime | None):
        self.hint_start, self.hint_end = hint_start, hint_end
        self.attendees: dict[str, Attendee] = {}
        self.aliases: dict[str, str] = {}
        self.timestamps: list[RawTimestamp] = []
        self.rows_read = 0
        self.kinds: set[str] = set()
        self.meeting: dict[str, RawTimestamp] = {}
        self.meeting_minutes: float | None = None

    # --- cells ---

    def _time(self, value: str) -> RawTimestamp | None:
        raw = parse_timestamp(value)
        if raw is not None:
            self.timestamps.append(raw)
        return raw

    def _person(self, *, email: str, other: str, name: str) -> Attendee:
        email, other = email.lower(), other.lower()
        if email and other and other != email:
            self.aliases.setdefault(other, email)
        key = self.aliases.get(email, email) if email else "~" + " ".join(name_key(name))
        attendee = self.attendees.get(key)
        if attendee is None:
            attendee = self.attendees[key] = Attendee(key=key, email=email, name=name)
        if other and other != email:
            attendee.other_emails.add(other)
        attendee.name = attendee.name or name
        return attendee

    # --- tables ---

    def _columns(self, table: Table) -> dict[str, int]:
        """Column roles from the header's names, completed from the values where unknown."""
        roles = _header_roles(table.header)
        sample = table.rows[:50]
        width = min(
            _CLASSIFIED_COLUMNS, max([len(table.header), *(len(r) for r in sample)], default=0)
        )
        cache: dict[str, list[int]] = {}

        def columns(key: str, test, threshold: float) -> list[int]:
            if key not in cache:
                found = []
                for index in range(width):
                    values = [r[index] for r in sample if index < len(r) and r[index]]
                    if values and sum(1 for v in values if test(v)) >= threshold * len(values):
                        found.append(index)
                cache[key] = found
            return cache[key]

        def emails() -> list[int]:
            return columns("email", looks_like_email, 0.5)

        def times() -> list[int]:
            return columns("time", parse_timestamp, 0.6)

        known = set(roles)
        identity = {"email", "upn"} & known
        timed = {"join", "leave", "timestamp", "duration", "total"} & known
        if table.numbered and width >= 5 and {1, 2} <= set(times()):
            if width >= 7 and 5 in emails():
                # Teams' "Participants", whatever its language: Name, First join, Last leave,
                # In-meeting duration, Email, Participant ID (UPN), Role.
                return {"name": 0, "join": 1, "leave": 2, "total": 3, "email": 4, "upn": 5}
            if 4 in emails():
                # Teams' "In-Meeting Activities": Name, Join, Leave, Duration, Email, Role.
                return {"name": 0, "join": 1, "leave": 2, "duration": 3, "email": 4}
        if not identity and emails():
            roles["email"] = emails()[0]
            if len(emails()) > 1:
                roles["upn"] = emails()[1]
        if not timed:
            if len(times()) >= 2:
                roles["join"], roles["leave"] = times()[0], times()[1]
            durations = [
                i
                for i in columns("duration", lambda v: not v.isdigit() and parse_minutes(v), 0.6)
                if i not in times()
            ]
            if durations:
                roles["duration"] = durations[0]
        if "name" not in roles and "first_name" not in roles and sample:
            taken = set(roles.values())
            for index in range(width):
                if index not in taken and index not in emails() and index not in times():
                    roles["name"] = index
                    break
        return roles

    def read_table(self, table: Table) -> None:
        roles = self._columns(table)
        if table.numbered:
            self.kinds.add("numbered")
        if len(table.header) <= 2 and all(len(r) <= 2 for r in table.rows):
            self._read_pairs(table)
        elif "topic" in roles and len(table.rows) <= 3:
            # A meeting block has one row; a table of people with a "Topic" column is not one.
            self._read_meeting_block(table, roles)
        elif {"action", "timestamp"} <= set(roles) and "name" in roles:
            self._read_events(table, roles)
        elif ({"email", "upn", "name", "first_name"} & set(roles)) and (
            {"duration", "total"} & set(roles) or {"join", "leave"} <= set(roles)
        ):
            self._read_attendance(table, roles)

    def _read_pairs(self, table: Table) -> None:
        """Teams' summary ("Start time / 8/12/20, 9:58:01 AM"), in whatever language."""
        found = []
        for label, *value in [table.header, *table.rows]:
            raw = self._time(value[0]) if value else None
            if raw is None:
                continue
            words = _words(label)
            if any(w.startswith(("start", "debut", "inicio", "beginn", "rozpocz")) for w in words):
                self.meeting.setdefault("start", raw)
            elif any(w in {"end", "fin", "fim", "ende"} or w.startswith("zakoncz") for w in words):
                self.meeting.setdefault("end", raw)
            found.append(raw)
        if table.numbered and len(found) >= 2:
            self.meeting.setdefault("start", found[0])
            self.meeting.setdefault("end", found[1])

    def _read_meeting_block(self, table: Table, roles: dict[str, int]) -> None:
        """Zoom's meeting or webinar block: its start, end or length; the host is no attendee."""
        self.kinds.add("meeting-block")
        for row in table.rows[:1]:
            for role in ("start", "end"):
                raw = self._time(_cell(row, roles.get(role)))
                if raw is not None:
                    self.meeting.setdefault(role, raw)
            length = parse_minutes(_cell(row, roles.get("duration")))
            if length is not None:
                self.meeting_minutes = length

    def _read_events(self, table: Table, roles: dict[str, int]) -> None:
        self.kinds.add("events")
        for row in table.rows:
            name = _cell(row, roles["name"])
            action = " ".join(_words(_cell(row, roles["action"])))
            raw = self._time(_cell(row, roles["timestamp"]))
            if not name or raw is None:
                continue
            if action.startswith(_JOIN_ACTIONS) or "join" in action:
                joined = True
            elif action.startswith(_LEAVE_ACTIONS) or "left" in action:
                joined = False
            else:
                continue
            self.rows_read += 1
            attendee = self._person(email="", other="", name=name)
            attendee.rows += 1
            attendee.events.append((raw, joined))

    def _read_attendance(self, table: Table, roles: dict[str, int]) -> None:
        # A participant ID (UPN) column is Teams' one-row-per-person table, whatever its names.
        is_total = "total" in roles or "upn" in roles
        duration_column = roles.get("total", roles.get("duration"))
        if "attended" in roles or fold(table.section).endswith("details"):
            self.kinds.add("zoom-webinar")
        self.kinds.add("totals" if is_total else "joins")
        for row in table.rows:
            email = _cell(row, roles.get("email"))
            upn = _cell(row, roles.get("upn"))
            name = _cell(row, roles.get("name")) or " ".join(
                part
                for part in (
                    _cell(row, roles.get("first_name")),
                    _cell(row, roles.get("last_name")),
                )
                if part
            )
            identity = email if looks_like_email(email) else upn if looks_like_email(upn) else ""
            other = upn if identity == email and looks_like_email(upn) else ""
            if not identity and not name:
                continue
            if fold(_cell(row, roles.get("attended"))) in _NO:
                continue
            minutes = parse_minutes(_cell(row, duration_column))
            if is_total:
                start = end = None
            else:
                start = self._time(_cell(row, roles.get("join")))
                end = self._time(_cell(row, roles.get("leave")))
            if minutes is None and start is None:
                continue
            self.rows_read += 1
            attendee = self._person(email=identity, other=other, name=name)
            attendee.rows += 1
            if is_total:
                if minutes is not None:
                    attendee.totals.append(minutes)
            else:
                attendee.joins.append(Join(start=start, end=end, minutes=minutes))

    # --- the whole file ---

    def _day_first(self) -> bool:
        plain = [t for t in self.timestamps if not (t.year_first or t.month_named)]
        if any(t.dotted for t in plain):
            return True
        if any(t.first > 12 for t in plain):
            return True
        if any(t.second > 12 for t in plain):
            return False
        if plain and self.hint_start is not None:
            # 08/12/2020 reads both ways: take the reading nearest the event, if it is near.
            options = {}
            for day_first in (False, True):
                when = plain[0].resolve(day_first=day_first)
                if when is not None:
                    options[day_first] = abs((when - self.hint_start).total_seconds())
            if options and min(options.values()) <= 3 * 86400:
                return min(options, key=lambda k: options[k])
        # Month first with AM/PM (Zoom, Teams in US English); day first on a 24-hour clock.
        return bool(plain) and not any(t.twelve_hour for t in plain)

    def finish(self) -> Report:
        day_first = self._day_first()

        def when(raw: RawTimestamp | None) -> dt.datetime | None:
            return raw.resolve(day_first=day_first) if raw is not None else None

        resolved = [w for w in (when(t) for t in self.timestamps) if w is not None]
        start = when(self.meeting.get("start"))
        end = when(self.meeting.get("end"))
        if end is None and start is not None and self.meeting_minutes is not None:
            end = start + dt.timedelta(minutes=self.meeting_minutes)
        if end is None and resolved:
            end = max(resolved)
            if self.hint_end is not None and end < self.hint_end <= end + dt.timedelta(hours=12):
                end = self.hint_end
        for attendee in self.attendees.values():
            self._settle(attendee, when, end)
        if "events" in self.kinds:
            layout = TEAMS_LIST
        elif "numbered" in self.kinds:
            layout = TEAMS_REPORT
        elif "zoom-webinar" in self.kinds:
            layout = ZOOM_WEBINAR
        elif "totals" in self.kinds:
            layout = ZOOM_TOTALS
        else:
            layout = ZOOM_MEETING
        return Report(
            layout=layout,
            attendees=self.attendees,
            rows_read=self.rows_read,
            meeting_start=start,
            meeting_end=end,
        )

    def _settle(self, attendee: Attendee, when, meeting_end: dt.datetime | None) -> None:
        """The person's intervals and untimed minutes, from the best the report gives."""
        intervals: list[tuple[dt.datetime, dt.datetime]] = []
        untimed = 0.0
        complete = bool(attendee.joins)
        for join in attendee.joins:
            start, end = when(join.start), when(join.end)
            if start is not None and end is None:
                # No leave time: the row's own duration, else to the end of the meeting.
                if join.minutes is not None:
                    end = start + dt.timedelta(minutes=join.minutes)
                else:
                    end = meeting_end
            if start is not None and end is not None and end >= start:
                intervals.append((start, end))
            else:
                complete = False
                untimed += join.minutes or 0.0
        open_since: dt.datetime | None = None
        for raw, joined in sorted(attendee.events, key=lambda e: when(e[0]) or dt.datetime.min):
            moment = when(raw)
            if moment is None:
                continue
            if joined:
                open_since = open_since or moment
            elif open_since is not None:
                intervals.append((open_since, moment))
                open_since = None
        if open_since is not None and meeting_end is not None and meeting_end >= open_since:
            intervals.append((open_since, meeting_end))
        if attendee.totals and not (complete and intervals) and not attendee.events:
            # The report's own total, where it has no times of its own for the person.
            intervals, untimed = [], sum(attendee.totals)
        attendee.intervals, attendee.untimed_minutes = intervals, untimed


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index]


def read_rows(
    rows: list[list[str]],
    *,
    hint_start: dt.datetime | None = None,
    hint_end: dt.datetime | None = None,
) -> Report:
    reader = _Reader(hint_start=hint_start, hint_end=hint_end)
    for table in split_tables(rows):
        reader.read_table(table)
    return reader.finish()
