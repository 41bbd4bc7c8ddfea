from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import (
    EventFactory,
    PersonFactory,
    RegistrationFactory,
    SessionFactory,
    SessionRoleFactory,
)
from webinar.models import Event


def png_bytes(width: int = 300, height: int = 90) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line([(5, height - 10), (width - 5, 10)], fill="navy", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def sahel(db) -> Event:
    """The demo's past Sahel and Sahara workshop, with its attendance."""
    call_command("seed_demo", stdout=io.StringIO())
    return Event.objects.get(slug="sahel-sahara-2020")


@pytest.fixture
def past_event(db) -> Event:
    start = timezone.now() - dt.timedelta(days=10)
    return EventFactory(
        slug="past-workshop",
        title="Workshop on migration data",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )


@pytest.fixture
def attendees(past_event):
    """Two who attended (one 90 minutes, one without minutes), one absent, one erased."""
    return {
        "amina": RegistrationFactory(
            event=past_event,
            honorific="dr",
            first_name="Amina",
            last_name="Diallo",
            organization="Ministry of Planning (fictional)",
            attended=True,
            minutes_attended=90,
            language="fr",
        ),
        "omar": RegistrationFactory(
            event=past_event, first_name="Omar", last_name="Haddad", attended=True, language="ar"
        ),
        "absent": RegistrationFactory(event=past_event, first_name="Absent", attended=False),
        "erased": RegistrationFactory(
            event=past_event, first_name="Erased", attended=True, anonymised_at=timezone.now()
        ),
    }


@pytest.fixture
def speaker(past_event):
    session = SessionFactory(event=past_event)
    person = PersonFactory(name="Fatima Example", honorific="H.E.", organisation="AUC")
    SessionRoleFactory(session=session, person=person, role="moderator")
    SessionRoleFactory(session=SessionFactory(event=past_event), person=person, role="speaker")
    return person
