from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registration import importers
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def event():
    event = EventFactory()  # three hours long
    for email in ("amina@example.org", "Moussa@Example.org", "fatima@example.org"):
        RegistrationFactory(event=event, email=email)
    return event


def _summary(plan):
    return (
        plan.source,
        sorted((r.email, a.minutes, a.rows) for r, a in plan.matched),
        sorted((a.email, a.name, a.minutes) for a in plan.unmatched),
    )


def test_zoom_webinar_report_merges_joins_per_person(event):
    plan = importers.attendance_plan(
        event=event, data=(FIXTURES / "zoom_webinar_attendees.csv").read_bytes()
    )
    assert _summary(plan) == (
        "zoom",
        [("Moussa@Example.org", 120, 1), ("amina@example.org", 75, 2)],
        [
            ("host@example.org", "Webinar Host (fictional)", 180),  # capped at the event length
            ("panelist@example.org", "Panelist Sample", 60),
            ("walkin@example.org", "Walk In (not registered)", 20),
        ],
    )


def test_teams_report_uses_per_person_totals_and_upn(event):
    plan = importers.attendance_plan(
        event=event, data=(FIXTURES / "teams_attendance.csv").read_bytes()
    )
    assert _summary(plan) == (
        "teams",
        [("Moussa@Example.org", 120, 1), ("amina@example.org", 76, 1)],
        [("", "Guest User (Unverified)", 20)],
    )


def test_zoom_meeting_participants_shape(event):
    data = (
        b"Meeting ID,Topic,Start Time\n"
        b"999,Test,08/12/2020 10:00:00 AM\n"
        b"\n"
        b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        b"Amina,amina@example.org,08/12/2020 10:00:00 AM,08/12/2020 10:10:00 AM,10,Yes\n"
        b"Amina,amina@example.org,08/12/2020 10:20:00 AM,08/12/2020 10:25:00 AM,5,Yes\n"
    )
    plan = importers.attendance_plan(event=event, data=data)
    assert _summary(plan) == ("zoom", [("amina@example.org", 15, 2)], [])


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45),
        ("45.5", 45.5),
        ("1h 27m 51s", 87 + 51 / 60),
        ("2h", 120),
        ("30s", 0.5),
        ("01:27:30", 87.5),
        ("--", None),
        ("", None),
        ("soon", None),
    ],
)
def test_parse_minutes(text, minutes):
    assert importers.parse_minutes(text) == minutes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (
            b"name,colour\nAmina,blue\n",
            "No table with an email column and a duration column was found. Upload the "
            "attendee report from Zoom or the attendance report from Microsoft Teams.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "No table with an email column and a duration column was found. Upload the "
            "attendee report from Zoom or the attendance report from Microsoft Teams.",
        ),
        (
            b"Email,Duration (Minutes)\nnot-an-address,10\n",
            "The report lists no attendee with an email address.",
        ),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(event, data, message):
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.attendance_plan(event=event, data=data)
    assert str(excinfo.value) == message


def test_oversized_upload_is_refused():
    upload = SimpleUploadedFile("big.csv", b"x" * (importers.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(importers.ImportFileError) as excinfo:
        importers.read_upload(upload)
    assert str(excinfo.value) == "The file is too large; the limit is 5 MB."
