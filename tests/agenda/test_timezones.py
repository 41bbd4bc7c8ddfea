import datetime as dt
import json

import pytest

from sessions.services import event_clone
from tests.agenda.conftest import CAIRO, cairo
from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_session_stored_in_utc_shown_in_cairo_summer_time(client, agenda):
    panel = agenda["panel"]
    panel.refresh_from_db()
    assert panel.starts_at == dt.datetime(2024, 8, 12, 7, 0, tzinfo=dt.UTC)
    page = client.get("/events/summer/").content.decode()
    assert '<time datetime="2024-08-12T10:00:00+03:00" data-local-time>10:00</time>' in page
    assert "Times in Egypt Time (UTC+03:00)." in page


def test_session_shown_in_cairo_winter_time(client):
    event = EventFactory(
        slug="winter", starts_at=cairo(2024, 1, 10, 10), ends_at=cairo(2024, 1, 10, 13)
    )
    session = SessionFactory(
        event=event, starts_at=cairo(2024, 1, 10, 10), ends_at=cairo(2024, 1, 10, 11)
    )
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2024, 1, 10, 8, 0, tzinfo=dt.UTC)
    page = client.get("/events/winter/").content.decode()
    assert "Times in Egypt Time (UTC+02:00)." in page
    data = json.loads(client.get("/events/winter/agenda.json").content)
    assert data["sessions"][0]["starts_at"] == "2024-01-10T10:00:00+02:00"


def test_json_times_carry_the_daylight_saving_offset(client, agenda):
    data = json.loads(client.get("/events/summer/agenda.json").content)
    assert [s["starts_at"] for s in data["sessions"]] == [
        "2024-08-12T10:00:00+03:00",
        "2024-08-13T12:00:00+03:00",
    ]
    assert data["event"]["time_zone"] == "Africa/Cairo"


def test_agenda_groups_sessions_by_local_day_not_utc_day(client):
    # 00:30 in Cairo on 2 August is still 1 August in UTC.
    event = EventFactory(slug="late", starts_at=cairo(2024, 8, 1, 22), ends_at=cairo(2024, 8, 2, 2))
    SessionFactory(
        event=event, title="Late", starts_at=cairo(2024, 8, 1, 22), ends_at=cairo(2024, 8, 1, 23)
    )
    SessionFactory(
        event=event,
        title="After midnight",
        starts_at=cairo(2024, 8, 2, 0, 30),
        ends_at=cairo(2024, 8, 2, 1),
    )
    page = client.get("/events/late/").content.decode()
    assert page.count('<section class="agenda-day"') == 2
    assert "Thursday 1 August 2024" in page
    assert "Friday 2 August 2024" in page


def test_event_clone_keeps_local_wall_clock_across_daylight_saving_change():
    # Cairo moves to summer time on the last Friday of April 2024 (26 April).
    event = EventFactory(
        slug="spring", starts_at=cairo(2024, 4, 20, 10), ends_at=cairo(2024, 4, 20, 13)
    )
    SessionFactory(event=event, starts_at=cairo(2024, 4, 20, 10), ends_at=cairo(2024, 4, 20, 11))
    clone = event_clone(event=event, starts_on=dt.date(2024, 5, 4), title="Next", slug="next")
    session = clone.sessions.get()
    assert session.starts_at.astimezone(CAIRO).replace(tzinfo=None) == dt.datetime(2024, 5, 4, 10)
    assert session.starts_at == dt.datetime(2024, 5, 4, 7, 0, tzinfo=dt.UTC)
    assert clone.starts_at == dt.datetime(2024, 5, 4, 7, 0, tzinfo=dt.UTC)


def test_admin_entry_is_read_in_the_event_time_zone(client, organiser, summer_event):
    client.force_login(organiser)
    response = client.post(
        "/admin/agenda/session/add/",
        _session_form(summer_event, start="10:00:00", end="11:00:00"),
    )
    assert response.status_code == 302
    session = summer_event.sessions.get()
    assert session.starts_at == dt.datetime(2024, 8, 12, 7, 0, tzinfo=dt.UTC)
    assert session.ends_at == dt.datetime(2024, 8, 12, 8, 0, tzinfo=dt.UTC)


def test_admin_change_form_shows_event_local_time(client, organiser, agenda):
    client.force_login(organiser)
    page = client.get(f"/admin/agenda/session/{agenda['panel'].pk}/change/").content.decode()
    assert 'name="starts_at_1" value="10:00:00"' in page


def _session_form(event, *, start, end, day="2024-08-12", title="New session", **extra):
    data = {
        "event": event.pk,
        # The admin form has a field per language (title_en, title_fr, ...); English is required.
        "title_en": title,
        "kind": "panel",
        "description_en": "",
        "is_published": "on",
        "starts_at_0": day,
        "starts_at_1": start,
        "ends_at_0": day,
        "ends_at_1": end,
        "order": "0",
        "languages": "en",
        "interpretation": "",
        "join_url": "",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data
