import datetime as dt
import zoneinfo

import pytest

from tests.factories import (
    EventFactory,
    MaterialFactory,
    PersonFactory,
    SessionFactory,
    SessionRoleFactory,
)

CAIRO = zoneinfo.ZoneInfo("Africa/Cairo")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def cairo(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CAIRO)


@pytest.fixture
def summer_event(db):
    """12 August 2024 in Cairo: daylight-saving time, UTC+3."""
    return EventFactory(
        slug="summer",
        starts_at=cairo(2024, 8, 12, 10, 0),
        ends_at=cairo(2024, 8, 13, 13, 0),
        time_zone="Africa/Cairo",
    )


@pytest.fixture
def agenda(summer_event):
    """Two days: a panel with a speaker and a rapporteur, a draft, a second-day closing."""
    panel = SessionFactory(
        event=summer_event,
        title="Panel on frameworks",
        kind="panel",
        starts_at=cairo(2024, 8, 12, 10, 0),
        ends_at=cairo(2024, 8, 12, 11, 0),
        languages="en,fr",
        interpretation="ar",
        join_url="https://meet.example.org/secret-room",
    )
    speaker = PersonFactory(name="Amina Example", honorific="Dr", email="amina@private.example")
    rapporteur = PersonFactory(name="Moussa Sample", email="moussa@private.example")
    SessionRoleFactory(session=panel, person=speaker, role="speaker", order=0)
    SessionRoleFactory(session=panel, person=rapporteur, role="rapporteur", order=1)
    MaterialFactory(session=panel, title="Slides", url="https://example.org/slides.pdf")
    draft = SessionFactory(
        event=summer_event,
        title="Draft session",
        starts_at=cairo(2024, 8, 12, 11, 0),
        ends_at=cairo(2024, 8, 12, 12, 0),
        is_published=False,
    )
    closing = SessionFactory(
        event=summer_event,
        title="Closing",
        kind="closing",
        starts_at=cairo(2024, 8, 13, 12, 0),
        ends_at=cairo(2024, 8, 13, 12, 30),
    )
    return {"panel": panel, "draft": draft, "closing": closing, "speaker": speaker}
