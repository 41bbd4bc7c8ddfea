"""Attendance reports as Zoom and Teams write them, read against an independent count.

Each fixture in ``fixtures/`` is written from the documented shape of one layout, with fictional
people; the expected minutes beside each test are counted by hand from the file (the union of a
person's join intervals, or the report's own per-person total where it gives only that).
"""

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registration import importers
from registration.importers import layouts
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
CAIRO_10AM = dt.datetime(2020, 8, 12, 8, 0, tzinfo=dt.UTC)  # 10:00 in Cairo (UTC+2 in 2020)

EXPECTED_LAYOUTS = (
    "Upload one of: the Zoom webinar attendee report, the Zoom meeting participants export "
    "(with or without the meeting block), the Microsoft Teams attendance report (CSV or XLSX, "
    "in any language) or Teams' older attendance list (Full Name, User Action, Timestamp)."
)


@pytest.fixture
def event():
    """Three hours, 10:00-13:00 in Cairo on 12 August 2020, the fixtures' day."""
    event = EventFactory(
        starts_at=CAIRO_10AM, ends_at=CAIRO_10AM + dt.timedelta(hours=3), time_zone="Africa/Cairo"
    )
    people = [
        ("amina@example.org", "Amina", "Example"),
        ("Moussa@Example.org", "Moussa", "Sample"),
        ("fatima@example.org", "Fatima", "Placeholder"),
        ("aissata.diallo@example.org", "Aïssata", "Diallo"),
        ("lucja.nowak@example.org", "Łucja", "Nowak"),
        ("joao@example.org", "João", "Pereira"),
        ("karim@example.org", "Karim", "Haddad"),
    ]
    for email, first, last in people:
        RegistrationFactory(event=event, email=email, first_name=first, last_name=last)
    return event


def _plan(event, name):
    return importers.attendance_plan(event=event, data=(FIXTURES / name).read_bytes())


def _matched(plan):
    return sorted((row.registration.email, row.minutes, row.matched_by) for row in plan.matched)


def _unmatched(plan):
    return sorted((row.attendee.name, row.attendee.email, row.minutes) for row in plan.unmatched)


def test_zoom_webinar_report_unions_joins_and_skips_absentees(event):
    plan = _plan(event, "zoom_webinar_attendees.csv")
    assert plan.layout == layouts.ZOOM_WEBINAR
    # Amina 10:01:33-10:46:33 (45) and 11:00-11:30 (30) = 75; Fatima "Attended: No" is absent.
    assert _matched(plan) == [
        ("Moussa@Example.org", 120, "email"),
        ("amina@example.org", 75, "email"),
    ]
    assert _unmatched(plan) == [
        ("Panelist Sample", "panelist@example.org", 60),
        ("Walk In (not registered)", "walkin@example.org", 20),
        ("Webinar Host (fictional)", "host@example.org", 180),  # 182 min, capped at 3 h
    ]


def test_zoom_current_export_uses_per_person_totals_and_skips_the_meeting_block(event):
    plan = _plan(event, "zoom_participants_current.csv")
    assert plan.layout == layouts.ZOOM_TOTALS
    assert _matched(plan) == [
        ("Moussa@Example.org", 121, "email"),
        ("aissata.diallo@example.org", 64, "name"),  # "Diallo, Aïssata", no e-mail: by name
        ("amina@example.org", 75, "email"),  # AMINA@example.org
    ]
    # The host's "Name (email)" in the meeting block is not an attendee row; their own row is.
    assert _unmatched(plan) == [
        ("Dial-in 0020", "", 12),
        ("Webinar Host", "host@example.org", 180),
    ]


def test_zoom_meeting_export_info_row_is_not_an_attendee_and_overlaps_count_once(event):
    plan = _plan(event, "zoom_meeting_with_info.csv")
    assert plan.layout == layouts.ZOOM_MEETING
    assert _matched(plan) == [
        # 10:05-10:35 (30) and 11:00-12:10 (70).
        ("Moussa@Example.org", 100, "email"),
        # 10:00-11:54 (114) and, on a tablet, 10:02-11:53 (111) inside it: 114, not 225.
        ("amina@example.org", 114, "email"),
        # The host (the info row's User Email, 187 min meeting): only her own row, 20 min.
        ("fatima@example.org", 20, "email"),
    ]
    assert plan.rows_read == 5


def test_teams_report_in_english_utf16_le(event):
    plan = _plan(event, "teams_attendance.csv")
    assert plan.layout == layouts.TEAMS_REPORT
    # Amina's activities 45 min + 30 min 30 s = 75.5 -> 76 (the Participants total says 1h 15m 30s).
    assert _matched(plan) == [
        ("Moussa@Example.org", 120, "email"),  # no e-mail, the UPN
        ("amina@example.org", 76, "email"),
    ]
    assert _unmatched(plan) == [("Guest User (Unverified)", "", 20)]  # 20m 5s, its total


def test_teams_report_in_polish_by_structure(event):
    plan = _plan(event, "teams_attendance_pl.csv")
    assert plan.layout == layouts.TEAMS_REPORT
    assert _matched(plan) == [
        ("amina@example.org", 76, "email"),  # Amina@Example.org
        ("lucja.nowak@example.org", 138, "email"),  # 2 godz. 18 min 8 s
    ]
    assert _unmatched(plan) == [("Gość Zewnętrzny (Gość)", "", 5)]


def test_teams_report_with_unknown_headers_and_dates_falls_back_on_its_totals(event):
    """A language whose column names and dates are not known here: the e-mail shaped columns
    and the durations still say which table is which, and the per-person totals count."""
    text = (FIXTURES / "teams_attendance_pl.csv").read_bytes().decode("utf-16")
    for polish, other in [
        ("Imię i nazwisko", "Ad"),
        ("Pierwsze dołączenie", "İlk katılma"),
        ("Ostatnie wyjście", "Son ayrılma"),
        ("Czas udziału w spotkaniu", "Toplantı süresi"),
        ("Adres e-mail", "E-posta"),
        ("Identyfikator uczestnika (UPN)", "Katılımcı kimliği (UPN)"),
        ("Godzina dołączenia", "Katılma saati"),
        ("Godzina wyjścia", "Ayrılma saati"),
        ("Czas trwania", "Süre"),
        ("12.08.2020, ", "12 Ağustos 2020 "),
    ]:
        text = text.replace(polish, other)
    plan = importers.attendance_plan(event=event, data=text.encode("utf-16"))
    assert _matched(plan) == [
        ("amina@example.org", 76, "email"),  # her total, 1 godz. 15 min 30 s
        ("lucja.nowak@example.org", 138, "email"),
    ]
    assert _unmatched(plan) == [("Gość Zewnętrzny (Gość)", "", 5)]


def test_teams_report_in_french_utf16_be_email_wins_over_upn(event):
    plan = _plan(event, "teams_attendance_fr_utf16be.csv")
    assert plan.layout == layouts.TEAMS_REPORT
    assert _matched(plan) == [
        # E-mail Aissata.Diallo@Example.org, UPN adiallo@tenant.example.net: the e-mail wins.
        ("aissata.diallo@example.org", 65, "email"),
        # 10:00-11:00 and 10:30-12:30 overlap: 10:00-12:30 = 150 (the total says 2 h 30 min).
        ("karim@example.org", 150, "email"),
    ]


def test_teams_report_in_arabic_with_totals_only(event):
    plan = _plan(event, "teams_attendance_ar.csv")
    assert plan.layout == layouts.TEAMS_REPORT
    assert _matched(plan) == [
        ("fatima@example.org", 130, "email"),  # 2 h 10 min written in Arabic-Indic digits
        ("karim@example.org", 65, "email"),  # 1 ساعة 5 دقيقة
    ]


def test_teams_older_list_pairs_joins_and_leaves_by_name_us_dates(event):
    plan = _plan(event, "teams_attendance_list_us.csv")
    assert plan.layout == layouts.TEAMS_LIST
    assert _matched(plan) == [
        # 10:05, never left: to the end of the meeting, 13:00 (the event's end) = 175.
        ("Moussa@Example.org", 175, "name"),
        # 10:00-11:00 and 11:30-12:15 = 105.
        ("amina@example.org", 105, "name"),
        # 10:00-10:40 ("Joined before", then Left).
        ("karim@example.org", 40, "name"),
    ]
    assert _unmatched(plan) == [("Walk In (Guest)", "", 5)]
    assert all(row.needs_confirmation for row in plan.matched)


def test_teams_older_list_surname_first_accents_and_day_first_dates(event):
    plan = _plan(event, "teams_attendance_list_gb.csv")
    assert _matched(plan) == [
        # "Diallo, Aïssata" 10:00-10:45 and "Diallo, Aissata" 11:00-12:00: one person, 105.
        ("aissata.diallo@example.org", 105, "name"),
        ("joao@example.org", 40, "name"),  # "PEREIRA João" 10:30-11:10
        ("lucja.nowak@example.org", 150, "name"),  # "NOWAK,   łucja" 10:15-12:45
    ]


def test_teams_report_as_xlsx_in_portuguese(event):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Relatório de presença"
    start = dt.datetime(2020, 8, 12, 10, 0)
    rows = [
        ["1. Resumo"],
        ["Título da reunião", "Reunião de teste (fictícia)"],
        ["Hora de início", dt.datetime(2020, 8, 12, 9, 58, 1)],
        ["Hora de término", dt.datetime(2020, 8, 12, 13, 0, 12)],
        [],
        ["2. Participantes"],
        [
            "Nome",
            "Primeira entrada",
            "Última saída",
            "Duração na reunião",
            "Email",
            "ID do participante (UPN)",
            "Função",
        ],
        [
            "João Pereira",
            start,
            start + dt.timedelta(minutes=65),
            "1 h 5 min",
            "joao@example.org",
            "joao@example.org",
            "Participante",
        ],
        [],
        ["3. Atividades na reunião"],
        ["Nome", "Hora de entrada", "Hora de saída", "Duração", "Email", "Função"],
        [
            "João Pereira",
            start,
            start + dt.timedelta(minutes=40),
            "40 min",
            "joao@example.org",
            "Participante",
        ],
        [
            "João Pereira",
            start + dt.timedelta(minutes=35),
            start + dt.timedelta(minutes=65),
            "30 min",
            "joao@example.org",
            "Participante",
        ],
    ]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = importers.attendance_plan(event=event, data=buffer.getvalue())
    assert plan.layout == layouts.TEAMS_REPORT
    # 10:00-10:40 and 10:35-11:05 overlap: 65.
    assert _matched(plan) == [("joao@example.org", 65, "email")]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45),
        ("45.5", 45.5),
        ("1h 27m 51s", 87 + 51 / 60),  # en
        ("2h", 120),
        ("30s", 0.5),
        ("01:27:30", 87.5),
        ("1 h 5 min", 65),  # fr, es, pt
        ("1 h 5 min 30 s", 65.5),
        ("2 godz. 18 min 8 s", 138 + 8 / 60),  # pl
        ("1 Std. 5 Min. 3 Sek.", 65 + 3 / 60),  # de
        ("1 hora 5 minutos", 65),  # es, pt
        ("3 horas e 2 minutos", 182),  # pt
        ("1 heure 5 minutes", 65),  # fr
        ("1 ساعة 5 دقيقة", 65),  # ar
        ("١ ساعة ٥ دقائق ٣٠ ثانية", 65.5),  # ar, Arabic-Indic digits
        ("1 ساعة و5 دقائق", 65),
        ("--", None),
        ("", None),
        ("soon", None),
        ("5 parsecs", None),
        ("1 2 min", None),
        ("-5", None),
        ("9" * 40_000, None),  # longer than any duration: refused without being scanned
    ],
)
def test_parse_minutes(text, minutes):
    assert importers.parse_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("08/12/2020 10:01:33 AM", False, dt.datetime(2020, 8, 12, 10, 1, 33)),
        ("8/12/20, 1:05:00 PM", False, dt.datetime(2020, 8, 12, 13, 5)),
        ("12/08/2020, 13:05:00", True, dt.datetime(2020, 8, 12, 13, 5)),
        ("12.08.2020, 13:05:00", True, dt.datetime(2020, 8, 12, 13, 5)),
        ("2020-08-12 13:05:00", True, dt.datetime(2020, 8, 12, 13, 5)),
        ("12/08/2020 01:05:00 م", True, dt.datetime(2020, 8, 12, 13, 5)),
        ("Aug 12, 2020 10:01:33 AM", False, dt.datetime(2020, 8, 12, 10, 1, 33)),
        ("12 août 2020 10:01", True, dt.datetime(2020, 8, 12, 10, 1)),
    ],
)
def test_parse_timestamp(text, day_first, expected):
    assert importers.parse_timestamp(text).resolve(day_first=day_first) == expected


def test_forty_thousand_digit_duration_cell_is_refused_quickly():
    rows = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    row = "Amina,amina@example.org,08/12/2020 10:00:00 AM,08/12/2020 10:10:00 AM,{},No"
    rows += [row.format(10)] * 5 + [row.format("9" * 40_000)]
    data = "\n".join(rows).encode()
    assert 40_000 < len(data) < 41_000
    started = time.monotonic()
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.read_attendance(data)
    assert time.monotonic() - started < 5
    assert str(excinfo.value) == (
        "Row 7 has a cell of 40,000 characters; an attendance report has none longer than "
        "1,000. This file is not an attendance report."
    )


def test_long_cells_under_the_cap_stay_linear():
    """5 MB of rows whose cells are just under the cap: read in well under the time limit."""
    header = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    long = "1" * 999
    row = f"{long},a@example.org,{long},{long},{long},No\n"
    count = (importers.MAX_UPLOAD_BYTES - len(header)) // len(row)
    data = (header + row * count).encode()
    started = time.monotonic()
    with pytest.raises(importers.ImportFileError):
        importers.read_attendance(data)  # no readable time in any row
    assert time.monotonic() - started < 5


def test_many_small_cells_stay_linear():
    """5 MB of 60 two-letter cells a row, the most cells a file can hold: still seconds."""
    row = ",".join(["ab"] * 60) + "\n"
    data = (row * (importers.MAX_UPLOAD_BYTES // len(row))).encode()
    started = time.monotonic()
    with pytest.raises(importers.ImportFileError):
        importers.read_attendance(data)
    assert time.monotonic() - started < 10


def test_a_file_cut_into_hundreds_of_tables_is_refused():
    data = b"Email,Duration (Minutes)\na@example.org,5\n\n" * 201
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.read_attendance(data)
    assert str(excinfo.value) == ("The file has more than 200 separate tables; a report has a few.")


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(name, content):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\r\n ", "The file is empty."),
        (
            b"name,colour\nAmina,blue\n",
            f"No table of attendees with their times was found in this file. {EXPECTED_LAYOUTS}",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            f"This file is not text (nor an XLSX workbook). {EXPECTED_LAYOUTS}",
        ),
        (
            bytes(range(256)) * 8,
            f"This file is not text (nor an XLSX workbook). {EXPECTED_LAYOUTS}",
        ),
        (
            # Odd-length UTF-16: the truncated last character is dropped, the rest is read.
            b"\xff\xfe" + "Full Name\tColour\nAmina\tblue\n".encode("utf-16-le") + b"\x00",
            f"No table of attendees with their times was found in this file. {EXPECTED_LAYOUTS}",
        ),
        (
            b"\xff\xfe\x00",
            f"No table of attendees with their times was found in this file. {EXPECTED_LAYOUTS}",
        ),
        (
            b"Email,Duration (Minutes)\nnot-an-address,\n",
            f"No table of attendees with their times was found in this file. {EXPECTED_LAYOUTS}",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "This is an old Excel (.xls) file: save it as .xlsx or CSV first. " + EXPECTED_LAYOUTS,
        ),
        (b"%PDF-1.7\n...", f"This is a PDF file. {EXPECTED_LAYOUTS}"),
        (b"PK\x03\x04garbage", f"This file is a damaged ZIP archive. {EXPECTED_LAYOUTS}"),
        (
            _zip("word/document.xml", "<w/>"),
            f"This file is a ZIP archive but not an XLSX workbook. {EXPECTED_LAYOUTS}",
        ),
        (
            _zip("xl/workbook.xml", "<not a workbook"),
            f"This XLSX workbook cannot be read. {EXPECTED_LAYOUTS}",
        ),
        (
            _zip("xl/workbook.xml", " " * (importers.decoding.MAX_XLSX_UNPACKED_BYTES + 1)),
            "The workbook unpacks to more than 60 MB; an attendance report is smaller.",
        ),
        (
            _xlsx([["Name", "Colour"], ["Amina", "blue"]]),
            f"No table of attendees with their times was found in this file. {EXPECTED_LAYOUTS}",
        ),
        (
            _xlsx([["Email", "Duration"], ["a@example.org", "x" * 1001]]),
            "Row 4 has a cell of 1,001 characters; an attendance report has none longer than "
            "1,000. This file is not an attendance report.",
        ),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(event, data, message):
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.attendance_plan(event=event, data=data)
    assert str(excinfo.value) == message


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(importers.decoding, "MAX_ROWS", 10)
    data = b"Email,Duration (Minutes)\n" + b"a@example.org,5\n" * 10
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.read_attendance(data)
    assert str(excinfo.value) == "The file has more than 10 rows; an attendance report has fewer."
    xlsx = _xlsx([["Email", "Duration"]] + [["a@example.org", 5]] * 10)
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.read_attendance(xlsx)
    assert str(excinfo.value) == "The file has more than 10 rows; an attendance report has fewer."


def test_trailing_separators_and_no_final_newline_read_the_same(event):
    plain = (
        b"Name (Original Name),User Email,Total Duration (Minutes),Guest\n"
        b"Amina,amina@example.org,42,No"
    )
    padded = plain.replace(b"\n", b",,,\n") + b",,,"
    semicolons = plain.replace(b",", b";")
    for data in (plain, padded, semicolons, plain + b"\r\n"):
        plan = importers.attendance_plan(event=event, data=data)
        assert _matched(plan) == [("amina@example.org", 42, "email")]


def test_the_same_file_twice_is_refused(event):
    from registration import services

    data = (FIXTURES / "zoom_meeting_with_info.csv").read_bytes()
    plan = importers.attendance_plan(event=event, data=data, file_name="zoom.csv")
    services.event_apply_attendance(
        event=event,
        people=plan.people(),
        file_name="zoom.csv",
        file_sha256=plan.file_sha256,
        layout=plan.layout,
    )
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.attendance_plan(event=event, data=data)
    assert str(excinfo.value).startswith("This file was already imported for this event on ")


def test_second_file_preview_adds_by_union(event):
    from registration import services

    first = _plan(event, "zoom_meeting_with_info.csv")
    services.event_apply_attendance(
        event=event,
        people=first.people(),
        file_name="zoom.csv",
        file_sha256=first.file_sha256,
        layout=first.layout,
    )
    second = _plan(event, "teams_attendance.csv")
    assert (second.first_import, len(second.earlier_imports)) == (False, 1)
    after = sorted((r.registration.email, r.minutes, r.minutes_after) for r in second.matched)
    assert after == [
        # Zoom 10:05-10:35 and 11:00-12:10, Teams 10:00-12:00: union 10:00-12:10 = 130.
        ("Moussa@Example.org", 120, 130),
        # Zoom 10:00-11:54, Teams 10:01:33-10:46:33 and 11:00-11:30:30, inside it: 114.
        ("amina@example.org", 76, 114),
    ]


def test_ambiguous_names_are_not_matched(event):
    RegistrationFactory(
        event=event, email="other.amina@example.org", first_name="Amina", last_name="Example"
    )
    plan = _plan(event, "teams_attendance_list_us.csv")
    assert "Amina Example" in [row.attendee.name for row in plan.unmatched]


def test_oversized_upload_is_refused():
    upload = SimpleUploadedFile("big.csv", b"x" * (importers.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.read_upload(upload)
    assert str(excinfo.value) == "The file is too large; the limit is 5 MB."
