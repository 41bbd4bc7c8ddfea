import datetime as dt
import io

import pytest
from pypdf import PdfReader

from reports import services
from tests.factories import EventFactory, ReportFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_report_agenda_is_in_the_event_time_zone():
    start = dt.datetime(2020, 8, 12, 8, 0, tzinfo=dt.UTC)  # 10:00 in Cairo
    event = EventFactory(slug="cairo", starts_at=start, time_zone="Africa/Cairo")
    SessionFactory(
        event=event, title="Opening", starts_at=start, ends_at=start + dt.timedelta(minutes=20)
    )
    report = ReportFactory(event=event)
    rendered, _fallbacks = services.report_render(report=report, language="en")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(rendered.content)).pages)
    assert "10:00–10:20 Opening" in text
    assert "08:00–08:20" not in text
    assert "Times are in the event's time zone, Africa/Cairo (UTC+0200)." in text
