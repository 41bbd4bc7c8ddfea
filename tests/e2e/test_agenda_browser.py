"""The agenda in a real browser: the reader's own clock time (JavaScript, under the site's
Content-Security-Policy) and no accessibility violations on the agenda pages."""

from __future__ import annotations

import pytest

from tests.agenda.conftest import cairo
from tests.e2e.conftest import axe_violations
from tests.factories import EventFactory, PersonFactory, SessionFactory, SessionRoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_agenda():
    event = EventFactory(
        slug="browser-agenda", starts_at=cairo(2024, 8, 12, 10), ends_at=cairo(2024, 8, 12, 13)
    )
    session = SessionFactory(
        event=event, title="Panel", starts_at=cairo(2024, 8, 12, 10), ends_at=cairo(2024, 8, 12, 11)
    )
    SessionRoleFactory(session=session, person=PersonFactory(name="Amina Example", bio="Bio."))
    return event, session


def _page(browser, *, timezone_id: str):
    context = browser.new_context(locale="en-GB", timezone_id=timezone_id)
    return context, context.new_page()


def test_agenda_shows_the_readers_own_time(live_server, browser, browser_agenda):
    event, _session = browser_agenda
    context, page = _page(browser, timezone_id="America/New_York")
    try:
        page.goto(f"{live_server.url}/events/{event.slug}/")
        notes = page.locator(".agenda-days .local-time")
        # 10:00-11:00 in Cairo (UTC+3) is 03:00-04:00 in New York (UTC-4) on 12 August 2024.
        assert notes.count() == 1
        assert notes.first.inner_text().strip() == "(Your time: Mon 03:00–04:00, America/New_York)"
    finally:
        context.close()


def test_agenda_adds_nothing_when_the_reader_is_in_the_event_zone(
    live_server,
    browser,
    browser_agenda,
):
    event, _session = browser_agenda
    context, page = _page(browser, timezone_id="Africa/Cairo")
    try:
        page.goto(f"{live_server.url}/events/{event.slug}/")
        assert page.locator(".agenda-days time[data-local-time]").count() == 2
        assert page.locator(".local-time").count() == 0  # nor beside the event's time
    finally:
        context.close()


def test_agenda_pages_have_no_accessibility_violations(live_server, browser, browser_agenda):
    event, session = browser_agenda
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    page = context.new_page()
    try:
        for path in (
            f"/events/{event.slug}/",
            f"/events/{event.slug}/sessions/{session.pk}/",
            f"/events/{event.slug}/speakers/",
        ):
            page.goto(f"{live_server.url}{path}")
            assert axe_violations(page) == [], path
    finally:
        context.close()


def test_local_time_reads_right_in_arabic(live_server, browser, browser_agenda):
    event, _session = browser_agenda
    context = browser.new_context(locale="ar-EG", timezone_id="America/New_York")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/events/{event.slug}/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        range_ = page.locator(".agenda-days [data-local-range]")
        assert range_.get_attribute("dir") == "ltr"
        assert range_.inner_text() == "10:00–11:00"
        clock = page.locator(".agenda-days .local-time span[dir=ltr]")
        assert clock.inner_text() == "03:00–04:00"  # Latin digits, isolated left to right
    finally:
        context.close()
