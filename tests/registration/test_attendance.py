"""Recording attendance: several reports per event, all or nothing, and the event's rule."""

import datetime as dt
import time
from pathlib import Path

import pytest

from registration import importers, selectors, services
from registration.models import AttendanceImport, AttendanceRecord, Registration
from reports.selectors import report_statistics
from tests.factories import EventFactory, RegistrationFactory
from webinar.models import Event

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
START = dt.datetime(2020, 8, 12, 8, 0, tzinfo=dt.UTC)  # 10:00 in Cairo
LIST = "/admin/registration/registration/"
IMPORT = f"{LIST}import-attendance/"


def _at(minutes: float) -> int:
    return int((START + dt.timedelta(minutes=minutes)).timestamp())


@pytest.fixture
def event():
    return EventFactory(starts_at=START, ends_at=START + dt.timedelta(hours=3))


@pytest.fixture
def bystander():
    """Another event's registrant, who no import or clearing may touch."""
    return RegistrationFactory(attended=True, minutes_attended=33)


def _apply(event, people, sha="a" * 64):
    return services.event_apply_attendance(
        event=event, people=people, file_name="report.csv", file_sha256=sha, layout="zoom-meeting"
    )


def _state(*registrations):
    rows = []
    for registration in registrations:
        registration.refresh_from_db()
        rows.append((registration.attended, registration.minutes_attended))
    return rows


def test_first_import_marks_everyone_else_absent(event, bystander):
    came = RegistrationFactory(event=event)
    absent = RegistrationFactory(event=event, attended=True, minutes_attended=10)
    person = services.PersonTime(came.pk, ((_at(0), _at(114)), (_at(2), _at(113))), 0)
    applied = _apply(event, [person])
    assert (applied.people, applied.first_import) == (1, True)
    assert _state(came, absent, bystander) == [(True, 114), (False, None), (True, 33)]


def test_second_import_adds_by_union_and_leaves_the_others(event, bystander):
    both, first_only, second_only = RegistrationFactory.create_batch(3, event=event)
    _apply(
        event,
        [
            services.PersonTime(both.pk, ((_at(0), _at(60)),), 0),
            services.PersonTime(first_only.pk, ((_at(0), _at(30)),), 0),
        ],
    )
    applied = _apply(
        event,
        [
            services.PersonTime(both.pk, ((_at(30), _at(90)),), 0),  # overlaps 30-60
            services.PersonTime(second_only.pk, (), 25),  # a total without times
        ],
        sha="b" * 64,
    )
    assert applied.first_import is False
    assert _state(both, first_only, second_only, bystander) == [
        (True, 90),  # 0-90, not 60 + 60
        (True, 30),
        (True, 25),
        (True, 33),
    ]
    assert AttendanceImport.objects.filter(event=event).count() == 2


def test_minutes_are_capped_at_the_event_length(event):
    registration = RegistrationFactory(event=event)
    _apply(event, [services.PersonTime(registration.pk, ((_at(-30), _at(200)),), 40)])
    assert _state(registration) == [(True, 180)]


def test_apply_is_all_or_nothing(event, bystander):
    mine = RegistrationFactory(event=event, attended=True, minutes_attended=12)
    people = [
        services.PersonTime(mine.pk, ((_at(0), _at(50)),), 0),
        services.PersonTime(bystander.pk, ((_at(0), _at(50)),), 0),  # another event's
    ]
    with pytest.raises(services.AttendanceApplyError) as excinfo:
        _apply(event, people)
    assert str(excinfo.value) == (
        "Registrations changed since the preview (1 no longer there); nothing was recorded. "
        "Upload the file again."
    )
    assert _state(mine, bystander) == [(True, 12), (True, 33)]
    assert (AttendanceImport.objects.count(), AttendanceRecord.objects.count()) == (0, 0)


def test_one_registrant_on_several_rows_of_a_report_is_one_record(event, bystander):
    """Two devices, or a dropped connection: the rows of one person add up."""
    registration = RegistrationFactory(event=event)
    applied = _apply(
        event,
        [
            services.PersonTime(registration.pk, ((_at(0), _at(40)),), 5, "name"),
            services.PersonTime(registration.pk, ((_at(30), _at(60)),), 3, "email"),
            services.PersonTime(registration.pk, ((_at(90), _at(100)),), 2, "name"),
        ],
    )
    assert applied.people == 1
    record = AttendanceRecord.objects.get()
    assert (record.registration_id, record.untimed_minutes, record.matched_by) == (
        registration.pk,
        10,
        "email",  # one row matched by address is enough
    )
    assert record.intervals == [[_at(0), _at(40)], [_at(30), _at(60)], [_at(90), _at(100)]]
    # 0-60 and 90-100 (the overlap counted once), plus 10 minutes without times.
    assert _state(registration, bystander) == [(True, 80), (True, 33)]


def test_matched_by_name_only_is_recorded_so(event):
    registration = RegistrationFactory(event=event)
    _apply(
        event,
        [
            services.PersonTime(registration.pk, ((_at(0), _at(10)),), 0, "name"),
            services.PersonTime(registration.pk, ((_at(20), _at(30)),), 0, "name"),
        ],
    )
    assert AttendanceRecord.objects.get().matched_by == "name"


def test_recording_attendance_takes_as_many_queries_for_six_registrants_as_for_two(event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count, sha):
        people = [
            services.PersonTime(r.pk, ((_at(0), _at(30)),), 0)
            for r in RegistrationFactory.create_batch(count, event=event)
        ]
        with CaptureQueriesContext(connection) as captured:
            _apply(event, people, sha=sha)
        return len(captured.captured_queries)

    queries(1, "c" * 64)  # the first import: every registrant of the event is read
    assert queries(6, "e" * 64) == queries(2, "d" * 64)


def test_the_same_file_cannot_be_applied_twice(event):
    registration = RegistrationFactory(event=event)
    person = services.PersonTime(registration.pk, ((_at(0), _at(50)),), 0)
    _apply(event, [person])
    with pytest.raises(services.AttendanceApplyError) as refused:
        _apply(event, [person])
    assert str(refused.value) == "This file has already been imported for this event."
    assert AttendanceRecord.objects.count() == 1


def test_the_import_is_kept_with_its_file_name_cut_to_the_column(event):
    registration = RegistrationFactory(event=event)
    applied = services.event_apply_attendance(
        event=event,
        people=[services.PersonTime(registration.pk, ((_at(0), _at(50)),), 0)],
        file_name="n" * 300 + ".csv",
        file_sha256="f" * 64,
        layout="zoom-meeting",
    )
    kept = AttendanceImport.objects.get(event=event)
    assert applied.attendance_import == kept
    assert (kept.file_name, kept.file_sha256, kept.layout) == ("n" * 255, "f" * 64, "zoom-meeting")


def test_a_later_import_leaves_unlisted_registrants_as_they_were_set(event):
    listed, corrected = RegistrationFactory.create_batch(2, event=event)
    _apply(event, [services.PersonTime(listed.pk, ((_at(0), _at(30)),), 0)])
    # The organiser records by hand that the other one attended (on the phone, say).
    Registration.objects.filter(pk=corrected.pk).update(attended=True, minutes_attended=45)
    _apply(event, [services.PersonTime(listed.pk, ((_at(60), _at(90)),), 0)], sha="b" * 64)
    assert _state(listed, corrected) == [(True, 60), (True, 45)]


@pytest.mark.parametrize(("seconds", "minutes"), [(29, 0), (30, 1), (89, 1), (90, 2)])
def test_minutes_are_rounded_half_up(seconds, minutes):
    assert (
        services.attendance_minutes(intervals=[(0, seconds)], untimed_minutes=0, cap_minutes=180)
        == minutes
    )


def test_separate_intervals_add_up_and_overlaps_count_once():
    intervals = [(240, 300), (0, 60), (120, 180), (150, 170)]
    assert services.attendance_minutes(intervals=intervals, untimed_minutes=0, cap_minutes=180) == 3
    assert services.attendance_minutes(intervals=[], untimed_minutes=2.5, cap_minutes=180) == 3


def test_clear_forgets_the_imports_of_one_event_only(event, bystander):
    registration = RegistrationFactory(event=event)
    other = EventFactory()
    other_registration = RegistrationFactory(event=other)
    _apply(event, [services.PersonTime(registration.pk, ((_at(0), _at(50)),), 0)])
    _apply(other, [services.PersonTime(other_registration.pk, ((_at(0), _at(20)),), 0)])
    assert services.event_clear_attendance(event=event) == 1
    assert _state(registration, other_registration, bystander) == [
        (False, None),
        (True, 20),
        (True, 33),
    ]
    assert list(AttendanceImport.objects.values_list("event", flat=True)) == [other.pk]


@pytest.mark.parametrize(
    ("rule", "threshold", "required"),
    [
        (Event.AttendanceRule.PERCENT, 50, 90),
        (Event.AttendanceRule.PERCENT, 75, 135),
        (Event.AttendanceRule.PERCENT, 33, 60),  # 59.4 rounds up
        (Event.AttendanceRule.MINUTES, 45, 45),
    ],
)
def test_attendance_rule_minutes_required(rule, threshold, required):
    event = EventFactory(
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        attendance_rule=rule,
        attendance_threshold=threshold,
    )
    assert selectors.event_attendance_minutes_required(event=event) == required


def test_event_attendees_follow_the_rule_and_the_report_counts_them(event):
    assert (event.attendance_rule, event.attendance_threshold) == ("percent", 50)
    enough = RegistrationFactory(event=event, attended=True, minutes_attended=90)
    RegistrationFactory(event=event, attended=True, minutes_attended=89)  # present, too short
    manual = RegistrationFactory(event=event, attended=True, minutes_attended=None)
    RegistrationFactory(event=event, attended=False, minutes_attended=None)
    RegistrationFactory(attended=True, minutes_attended=170)  # another event
    assert sorted(r.pk for r in selectors.event_attendees(event=event)) == [enough.pk, manual.pk]
    assert [
        selectors.registration_attended(registration=r)
        for r in Registration.objects.filter(event=event).order_by("pk")
    ] == [True, False, True, False]
    assert report_statistics(event=event, region_countries=[]).attended == 2
    event.attendance_rule, event.attendance_threshold = Event.AttendanceRule.MINUTES, 80
    event.save()
    assert report_statistics(event=event, region_countries=[]).attended == 3


def test_attendance_share_over_100_percent_is_refused(event):
    from django.core.exceptions import ValidationError

    event.attendance_threshold = 120
    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()
    assert excinfo.value.message_dict["attendance_threshold"] == [
        "A share of the length is between 1 and 100 %."
    ]


# --- the admin page ---


def _registrants(event):
    return {
        "amina": RegistrationFactory(
            event=event, email="amina@example.org", first_name="Amina", last_name="Example"
        ),
        "moussa": RegistrationFactory(
            event=event, email="moussa@example.org", first_name="Moussa", last_name="Sample"
        ),
        "karim": RegistrationFactory(
            event=event, email="karim@example.org", first_name="Karim", last_name="Haddad"
        ),
    }


def _upload(client, event, name):
    with (FIXTURES / name).open("rb") as upload:
        return client.post(IMPORT, {"event": event.pk, "file": upload})


def test_name_matches_are_applied_only_when_ticked(client, organiser, bystander):
    event = EventFactory(starts_at=START, ends_at=START + dt.timedelta(hours=3))
    people = _registrants(event)
    client.force_login(organiser)
    response = _upload(client, event, "teams_attendance_list_us.csv")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Microsoft Teams attendance list (joined / left)" in html
    assert "First import for this event" in html
    rows = [
        (row.registration.email, row.minutes, row.counts)
        for row in response.context["plan"].matched
    ]
    assert rows == [
        ("amina@example.org", 105, True),
        ("karim@example.org", 40, False),  # 40 of the 90 minutes the rule asks
        ("moussa@example.org", 175, True),
    ]
    assert html.count('type="checkbox" name="confirm"') == 3
    # Amina and Moussa left ticked, Karim unticked.
    response = client.post(IMPORT, {"plan": response.context["signed_plan"], "confirm": ["0", "2"]})
    assert response.status_code == 302
    assert _state(people["amina"], people["moussa"], people["karim"], bystander) == [
        (True, 105),
        (True, 175),
        (False, None),
        (True, 33),
    ]
    record = AttendanceImport.objects.get(event=event)
    assert (record.file_name, record.layout, record.imported_by) == (
        "teams_attendance_list_us.csv",
        "teams-list",
        organiser,
    )


def test_second_file_preview_says_it_adds(client, organiser):
    event = EventFactory(starts_at=START, ends_at=START + dt.timedelta(hours=3))
    people = _registrants(event)
    client.force_login(organiser)
    response = _upload(client, event, "zoom_meeting_with_info.csv")
    client.post(IMPORT, {"plan": response.context["signed_plan"]})
    response = _upload(client, event, "teams_attendance.csv")
    html = response.content.decode()
    assert "Adds to 1 earlier import (zoom_meeting_with_info.csv" in html
    client.post(IMPORT, {"plan": response.context["signed_plan"]})
    # Zoom 10:05-10:35 + 11:00-12:10, Teams 10:00-12:00: 10:00-12:10 = 130.
    assert _state(people["moussa"], people["amina"]) == [(True, 130), (True, 114)]
    response = _upload(client, event, "teams_attendance.csv")
    assert "This file was already imported for this event on " in response.content.decode()


def test_clear_from_the_import_page(client, organiser, bystander):
    event = EventFactory(starts_at=START, ends_at=START + dt.timedelta(hours=3))
    people = _registrants(event)
    client.force_login(organiser)
    response = _upload(client, event, "zoom_meeting_with_info.csv")
    client.post(IMPORT, {"plan": response.context["signed_plan"]})
    response = client.post(IMPORT, {"clear": "1", "clear-event": event.pk})
    assert response.status_code == 200  # not confirmed: nothing cleared
    assert _state(people["amina"]) == [(True, 114)]
    response = client.post(IMPORT, {"clear": "1", "clear-event": event.pk, "clear-confirm": "on"})
    assert response.status_code == 302
    assert _state(people["amina"], bystander) == [(False, None), (True, 33)]
    assert AttendanceImport.objects.filter(event=event).count() == 0


def test_rapporteur_can_neither_import_nor_clear(client, rapporteur, bystander):
    client.force_login(rapporteur)
    response = client.post(
        IMPORT, {"clear": "1", "clear-event": bystander.event_id, "clear-confirm": "on"}
    )
    assert response.status_code == 403
    assert _state(bystander) == [(True, 33)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00", "No table of attendees with their times was found in this file."),
        (bytes(range(256)) * 8, "This file is not text (nor an XLSX workbook)."),
        (b"PK\x03\x04junk", "This file is a damaged ZIP archive."),
        (b"", "The submitted file is empty."),  # Django's own message for an empty upload
        (
            b"Email,Duration (Minutes)\na@example.org," + b"9" * 40_000,
            "Row 2 has a cell of 40,000 characters",
        ),
    ],
)
def test_any_bytes_get_a_message_not_a_500(client, organiser, data, message):
    import io

    event = EventFactory()
    client.force_login(organiser)
    upload = io.BytesIO(data)
    upload.name = "report.xlsx"
    response = client.post(IMPORT, {"event": event.pk, "file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AttendanceImport.objects.count() == 0


def test_preview_of_a_real_shape_shows_how_each_was_matched(client, organiser):
    event = EventFactory(starts_at=START, ends_at=START + dt.timedelta(hours=3))
    _registrants(event)
    RegistrationFactory(
        event=event, email="aissata.diallo@example.org", first_name="Aïssata", last_name="Diallo"
    )
    client.force_login(organiser)
    response = _upload(client, event, "zoom_participants_current.csv")
    plan = response.context["plan"]
    assert plan.layout == "zoom-totals"
    assert [(r.attendee.name, str(r.matched_by)) for r in plan.matched] == [
        ("Amina Example", "email"),
        ("Diallo, Aïssata", "name"),
        ("Moussa (Moussa Sample)", "email"),
    ]
    unconfirmed = importers.payload_people(plan.payload(event=event), confirmed=set())
    assert sorted(p.registration_id for p in unconfirmed) == sorted(
        r.registration.pk for r in plan.matched if r.matched_by == "email"
    )


def test_attendance_plan_token_round_trips_and_refuses_altered_or_old_ones():
    payload = {"event": 7, "rows": [[1, "e-mail"]], "file": "zoom.csv"}
    token = services.attendance_plan_sign(payload=payload)
    assert services.attendance_plan_read(token=token) == payload
    with pytest.raises(services.AttendancePlanExpired) as altered:
        services.attendance_plan_read(token=token[:-2] + "xx")
    assert str(altered.value) == "The preview has expired; upload the file again."
    with pytest.raises(services.AttendancePlanExpired) as outdated:
        # A plan of an older layout (no rows) is refused like an expired one.
        services.attendance_plan_read(token=services.attendance_plan_sign(payload={"event": 7}))
    assert str(outdated.value) == "The preview has expired; upload the file again."


def test_attendance_plan_token_is_compressed_for_the_confirmation_form():
    rows = [[n, "e-mail"] for n in range(2000)]
    token = services.attendance_plan_sign(payload={"event": 7, "rows": rows})
    # A report of 2,000 rows goes back in one hidden field: its repeated parts are packed.
    assert len(token) < len(str(rows)) / 3
    assert services.attendance_plan_read(token=token)["rows"] == rows


def test_attendance_plan_token_expires_after_an_hour(monkeypatch):
    token = services.attendance_plan_sign(payload={"event": 7, "rows": []})
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + services.attendance.PLAN_MAX_AGE + 1)
    with pytest.raises(services.AttendancePlanExpired):
        services.attendance_plan_read(token=token)
