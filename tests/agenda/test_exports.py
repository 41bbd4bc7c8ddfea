import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import icalendar
import jsonschema
import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sessions import services
from sessions.exports import JSON_SCHEMA_PATH
from tests.agenda.conftest import CAIRO, HOSTILE, cairo
from tests.factories import EventFactory, PersonFactory, SessionFactory, SessionRoleFactory

pytestmark = pytest.mark.django_db

PRIVATE = ("amina@private.example", "moussa@private.example", "secret-room")


def _calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content, icalendar.Calendar.from_ical(response.content)


def _schema():
    return json.loads((Path(settings.BASE_DIR) / JSON_SCHEMA_PATH).read_text())


def test_agenda_ics_has_one_vevent_per_published_session(client, agenda):
    _raw, calendar = _calendar(client, "/events/summer/agenda.ics")
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Panel on frameworks", "Closing"]
    assert [str(e["UID"]) for e in events] == [
        f"session-{agenda['panel'].uid}@agenda.webinar",
        f"session-{agenda['closing'].uid}@agenda.webinar",
    ]


def test_agenda_ics_times_are_in_the_event_zone_with_vtimezone(client, agenda):
    _raw, calendar = _calendar(client, "/events/summer/agenda.ics")
    panel = calendar.walk("VEVENT")[0]
    start = panel["DTSTART"].dt
    assert start.tzinfo is not None
    assert str(panel["DTSTART"].params["TZID"]) == "Africa/Cairo"
    assert start.replace(tzinfo=None) == dt.datetime(2024, 8, 12, 10, 0)
    assert start.astimezone(dt.UTC) == dt.datetime(2024, 8, 12, 7, 0, tzinfo=dt.UTC)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Africa/Cairo"]


def test_agenda_ics_update_keeps_uid_and_raises_sequence(client, agenda):
    _raw, before = _calendar(client, "/events/summer/agenda.ics")
    panel = agenda["panel"]
    panel.starts_at = cairo(2024, 8, 12, 10, 15)
    panel.save()
    services.sessions_mark_changed(session_ids=[panel.pk])
    _raw, after = _calendar(client, "/events/summer/agenda.ics")
    old, new = before.walk("VEVENT")[0], after.walk("VEVENT")[0]
    assert str(new["UID"]) == str(old["UID"])
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert new["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2024, 8, 12, 10, 15)


def test_session_ics_has_the_same_uid_as_in_the_agenda(client, agenda):
    panel = agenda["panel"]
    _raw, calendar = _calendar(client, f"/events/summer/sessions/{panel.pk}.ics")
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["UID"]) == f"session-{panel.uid}@agenda.webinar"


def test_session_ics_of_a_draft_is_404(client, agenda):
    assert client.get(f"/events/summer/sessions/{agenda['draft'].pk}.ics").status_code == 404


def test_agenda_exports_leave_out_private_fields(client, agenda):
    for url in ("/events/summer/agenda.ics", "/events/summer/agenda.json"):
        body = client.get(url).content.decode()
        for secret in PRIVATE:
            assert secret not in body, (url, secret)
        assert "Draft session" not in body


def test_agenda_json_matches_the_versioned_schema(client, agenda):
    data = json.loads(client.get("/events/summer/agenda.json").content)
    jsonschema.validate(data, _schema())
    assert data["schema_version"] == "1.0"
    panel = data["sessions"][0]
    assert panel == {
        "id": str(agenda["panel"].uid),
        "title": "Panel on frameworks",
        "kind": "panel",
        "kind_label": "Panel",
        "starts_at": "2024-08-12T10:00:00+03:00",
        "ends_at": "2024-08-12T11:00:00+03:00",
        "duration_minutes": 60,
        "description": "",
        "languages": ["en", "fr"],
        "interpretation": ["ar"],
        "url": f"http://testserver/events/summer/sessions/{agenda['panel'].pk}/",
        "calendar_url": f"http://testserver/events/summer/sessions/{agenda['panel'].pk}.ics",
        "people": [
            {
                "role": "speaker",
                "role_label": "Speaker",
                "order": 0,
                "honorific": "Dr",
                "name": "Amina Example",
                "position": "Director",
                "organisation": "Ministry (fictional)",
                "country": "NE",
            },
            {
                "role": "rapporteur",
                "role_label": "Rapporteur",
                "order": 1,
                "honorific": "",
                "name": "Moussa Sample",
                "position": "Director",
                "organisation": "Ministry (fictional)",
                "country": "NE",
            },
        ],
        "materials": [{"title": "Slides", "url": "https://example.org/slides.pdf"}],
    }


def test_agenda_json_schema_is_served(client, db):
    response = client.get("/agenda/schema/v1.json")
    assert response.status_code == 200
    assert response.json() == {**_schema(), "$id": "http://testserver/agenda/schema/v1.json"}


def test_agenda_json_schema_id_resolves(client, db):
    """The $id names where the schema answers, served or read from the repository."""
    served = client.get("/agenda/schema/v1.json").json()
    assert client.get(served["$id"]).status_code == 200
    assert client.get(served["$id"]).json() == served
    from_file = urljoin("http://testserver/events/summer/agenda.json", _schema()["$id"])
    assert from_file == "http://testserver/agenda/schema/v1.json"
    assert client.get(from_file).status_code == 200


def test_agenda_json_escapes_markup_in_hostile_text(client, summer_event):
    session = SessionFactory(
        event=summer_event,
        title=HOSTILE,
        starts_at=cairo(2024, 8, 12, 10),
        ends_at=cairo(2024, 8, 12, 11),
    )
    SessionRoleFactory(session=session, person=PersonFactory(name=HOSTILE))
    body = client.get("/events/summer/agenda.json").content.decode()
    assert "<" not in body
    data = json.loads(body)
    assert data["sessions"][0]["title"] == HOSTILE
    assert data["sessions"][0]["people"][0]["name"] == HOSTILE


def test_agenda_ics_cannot_be_injected_by_hostile_text(client, summer_event):
    title = "Panel\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected; x, y"
    SessionFactory(
        event=summer_event,
        title=title,
        description=HOSTILE,
        starts_at=cairo(2024, 8, 12, 10),
        ends_at=cairo(2024, 8, 12, 11),
    )
    _raw, calendar = _calendar(client, "/events/summer/agenda.ics")
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    # Line breaks come back as LF (text values are escaped as \n in the file).
    assert str(events[0]["SUMMARY"]) == title.replace("\r\n", "\n")
    assert str(events[0]["DESCRIPTION"]) == HOSTILE


def test_agenda_exports_of_unpublished_event_are_404(client):
    EventFactory(slug="hidden", is_published=False)
    assert client.get("/events/hidden/agenda.ics").status_code == 404
    assert client.get("/events/hidden/agenda.json").status_code == 404


def test_agenda_ics_answers_conditional_requests(client, agenda):
    first = client.get("/events/summer/agenda.ics")
    assert first["Cache-Control"] == "public, max-age=300"
    etag = first["ETag"]
    assert client.get("/events/summer/agenda.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    since = first["Last-Modified"]
    assert client.get("/events/summer/agenda.ics", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    agenda["closing"].title = "Closing and next steps"
    agenda["closing"].save()
    changed = client.get("/events/summer/agenda.ics", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert b"Closing and next steps" in changed.content


def test_agenda_json_changes_when_a_session_is_deleted(client, agenda):
    etag = client.get("/events/summer/agenda.json")["ETag"]
    agenda["closing"].delete()
    response = client.get("/events/summer/agenda.json", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert [s["title"] for s in json.loads(response.content)["sessions"]] == ["Panel on frameworks"]


def test_cairo_vtimezone_has_summer_offset(client, agenda):
    _raw, calendar = _calendar(client, "/events/summer/agenda.ics")
    offsets = {
        (str(part.name), part["TZOFFSETTO"].td)
        for part in calendar.walk("VTIMEZONE")[0].subcomponents
    }
    assert ("DAYLIGHT", dt.timedelta(hours=3)) in offsets
    assert ("STANDARD", dt.timedelta(hours=2)) in offsets
    assert CAIRO.key == "Africa/Cairo"


def _unescape(text: str) -> str:
    """RFC 5545 TEXT unescaping, in one pass (written here, not taken from the library)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _as_written(text: str) -> str:
    """What a calendar should read back: line breaks as LF, control characters gone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\t\n" or not (ord(c) < 0x20 or ord(c) == 0x7F))


def test_session_ics_with_a_line_break_in_the_title(client, summer_event):
    session = SessionFactory(event=summer_event, title="Opening\nand welcome, by the host; 1\\2")
    raw, calendar = _calendar(client, f"/events/summer/sessions/{session.pk}.ics")
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Opening\nand welcome, by the host; 1\\2"
    # The calendar's name too is TEXT, escaped: commas no longer split it for other readers.
    assert b"\r\nX-WR-CALNAME:Opening\\nand welcome\\, by the host\\; 1\\\\2\r\n" in raw


def test_agenda_ics_calendar_name_is_escaped(client, summer_event):
    type(summer_event).objects.filter(pk=summer_event.pk).update(
        title_en="Sahel, Sahara; and\nNorth Africa"
    )
    raw, calendar = _calendar(client, "/events/summer/agenda.ics")
    assert b"\r\nX-WR-CALNAME:Sahel\\, Sahara\\; and\\nNorth Africa\r\n" in raw
    assert _unescape(str(calendar["X-WR-CALNAME"])) == "Sahel, Sahara; and\nNorth Africa"


# Titles as people paste them: every kind of character, with a strong dose of what iCalendar
# treats specially (line breaks, commas, semicolons, backslashes), controls and direction marks.
# (NUL aside: PostgreSQL cannot store it, and forms refuse it before.)
SPECIAL = list("\n\r,;\\:\"'") + [chr(c) for c in range(1, 0x20)] + ["\x7f", "\u200f", "\u202e"]
calendar_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(SPECIAL),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    min_size=1,
    max_size=120,
)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(event_title=calendar_text, title=calendar_text, description=calendar_text)
def test_both_ics_views_carry_any_text_back_intact(
    client, summer_event, event_title, title, description
):
    from django.core.cache import cache

    from sessions.models import Session

    session = Session.objects.filter(event=summer_event).first() or SessionFactory(
        event=summer_event, is_published=True
    )
    type(summer_event).objects.filter(pk=summer_event.pk).update(title_en=event_title)
    Session.objects.filter(pk=session.pk).update(title_en=title, description_en=description)
    cache.clear()  # the agenda export is cached by its validator; the rows changed under it
    for url in ("/events/summer/agenda.ics", f"/events/summer/sessions/{session.pk}.ics"):
        _raw, calendar = _calendar(client, url)
        (entry,) = calendar.walk("VEVENT")
        assert str(entry["SUMMARY"]) == _as_written(title)
        assert str(entry.get("DESCRIPTION", "")) == _as_written(description)
        assert str(entry["LOCATION"]) == _as_written(event_title)
        name = event_title if url.endswith("agenda.ics") else title
        assert _unescape(str(calendar["X-WR-CALNAME"])) == _as_written(name)
