import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from registration.models import Registration
from sessions.models import Session
from webinar import demo
from webinar.models import Event, Series, User

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Event.objects.count(),
        Session.objects.count(),
        Registration.objects.count(),
        User.objects.count(),
    )


def test_seed_demo_loads_the_concept_note_series_once():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert set(Event.objects.values_list("slug", flat=True)) == {
        "north-africa",
        "sahel-sahara-2020",
        "demo-upcoming",
    }
    sahel = Event.objects.get(slug="sahel-sahara-2020")
    cairo = zoneinfo.ZoneInfo("Africa/Cairo")
    assert sahel.starts_at.astimezone(cairo).date() == dt.date(2020, 8, 12)
    assert sahel.sessions.count() == len(demo.AGENDA) == 9


def test_seed_demo_upcoming_webinar_is_open_30_days_ahead():
    call_command("seed_demo")
    upcoming = Event.objects.get(slug="demo-upcoming")
    cairo = zoneinfo.ZoneInfo("Africa/Cairo")
    expected_day = timezone.localdate(timezone=cairo) + dt.timedelta(days=30)
    assert upcoming.starts_at.astimezone(cairo).date() == expected_day
    assert upcoming.capacity == 100
    assert upcoming.approval_mode == Event.ApprovalMode.AUTOMATIC
    assert upcoming.registration_is_open()


def test_seed_demo_participants_are_clearly_fictional():
    call_command("seed_demo")
    emails = list(Registration.objects.values_list("email", flat=True))
    assert len(emails) == 16
    assert all(email.endswith("@example.org") for email in emails)
    assert set(Registration.objects.values_list("organization", flat=True)) == {
        "Demo Ministry (fictional)"
    }


def test_seed_demo_creates_an_organiser_who_can_log_in_to_admin(client, settings):
    call_command("seed_demo")
    login = (settings.VAR_DIR / "demo-login.txt").read_text().split()
    email, password = login[-3], login[-1]
    assert client.login(username=email, password=password)
    assert client.get("/admin/webinar/event/").status_code == 200
    organiser = User.objects.get(email=email)
    # In the demo series' team: the demo's events are theirs to run.
    assert list(organiser.series_teams.values_list("slug", flat=True)) == [
        Series.objects.get().slug
    ]
    upcoming = Event.objects.get(slug="demo-upcoming")
    change = client.get(f"/admin/webinar/event/{upcoming.pk}/change/")
    assert change.status_code == 200


def test_seed_demo_shows_titles_in_the_reader_language(client):
    call_command("seed_demo")
    call_command("seed_demo")  # filling translations is idempotent too
    fr = client.get("/events/sahel-sahara-2020/", headers={"accept-language": "fr"})
    ar = client.get("/events/sahel-sahara-2020/", headers={"accept-language": "ar"})
    assert "<h1>Ne laisser personne de côté : intégrer la migration" in fr.content.decode()
    assert "<h1>عدم ترك أحد خلف الركب" in ar.content.decode()
    assert "Clôture et prochaines étapes" in fr.content.decode()


def test_seed_demo_leaves_other_events_texts_alone():
    from tests.factories import EventFactory

    own = EventFactory(slug="organisers-own", title="Break", region="North Africa")
    call_command("seed_demo")
    own.refresh_from_db()
    assert (own.title_fr, own.region_fr) == (None, None)
