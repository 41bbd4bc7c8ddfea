import pytest
from django.urls import reverse

from tests.agenda.conftest import HOSTILE, cairo
from tests.factories import (
    EventFactory,
    MaterialFactory,
    PersonFactory,
    SessionFactory,
    SessionRoleFactory,
)

pytestmark = pytest.mark.django_db

ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
PRIVATE = ("amina@private.example", "moussa@private.example", "secret-room")


def _pages(event, session):
    return [
        f"/events/{event.slug}/",
        f"/events/{event.slug}/sessions/{session.pk}/",
        f"/events/{event.slug}/speakers/",
    ]


def test_event_page_shows_agenda_by_day_only_published(client, agenda):
    page = client.get("/events/summer/").content.decode()
    assert page.count('<section class="agenda-day"') == 2
    assert "Monday 12 August 2024" in page
    assert "Tuesday 13 August 2024" in page
    assert "Panel on frameworks" in page
    assert "Closing" in page
    assert "Draft session" not in page
    assert "Language: English, French · Interpretation: Arabic" in page
    assert '<span class="role">Rapporteur:</span> Moussa Sample' in page


def test_event_page_includes_local_time_script_and_works_without_it(client, agenda):
    page = client.get("/events/summer/").content.decode()
    assert 'data-local-label="Your time"' in page
    assert "sessions/local-time.js" in page
    assert ">10:00</time>–<time" in page


def test_session_page_shows_people_materials_and_calendar_link(client, agenda):
    panel = agenda["panel"]
    page = client.get(f"/events/summer/sessions/{panel.pk}/").content.decode()
    assert "<h1>Panel on frameworks</h1>" in page
    assert "Dr Amina Example" in page
    assert '<a href="https://example.org/slides.pdf" rel="noopener">Slides</a>' in page
    assert f'href="/events/summer/sessions/{panel.pk}.ics"' in page
    assert '(Egypt Time, <bdi dir="ltr">UTC+03:00</bdi>)' in page


def test_session_page_of_a_draft_is_404(client, agenda):
    assert client.get(f"/events/summer/sessions/{agenda['draft'].pk}/").status_code == 404


def test_session_page_of_another_event_is_404(client, agenda):
    other = EventFactory(slug="other")
    assert client.get(f"/events/{other.slug}/sessions/{agenda['panel'].pk}/").status_code == 404


def test_speakers_page_lists_people_of_published_sessions_with_bios(client, agenda):
    agenda["speaker"].bio = "Twenty years in planning."
    agenda["speaker"].save()
    only_in_draft = PersonFactory(name="Hidden Person")
    SessionRoleFactory(session=agenda["draft"], person=only_in_draft)
    page = client.get("/events/summer/speakers/").content.decode()
    assert page.count('<li class="speaker"') == 2
    assert "<p>Twenty years in planning.</p>" in page
    assert "Hidden Person" not in page


def test_public_pages_never_show_private_fields(client, agenda):
    for url in _pages(agenda["panel"].event, agenda["panel"]):
        body = client.get(url).content.decode()
        for secret in PRIVATE:
            assert secret not in body, (url, secret)


def test_hostile_text_is_escaped_on_every_page(client, summer_event):
    session = SessionFactory(
        event=summer_event,
        title=HOSTILE,
        description=HOSTILE,
        starts_at=cairo(2024, 8, 12, 10),
        ends_at=cairo(2024, 8, 12, 11),
    )
    person = PersonFactory(
        name=HOSTILE, honorific="<i>Dr</i>", bio=HOSTILE, position=HOSTILE, organisation=HOSTILE
    )
    SessionRoleFactory(session=session, person=person)
    MaterialFactory(session=session, title=HOSTILE)
    for url in _pages(summer_event, session):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert ESCAPED in body, url
        assert "&lt;i&gt;Dr&lt;/i&gt;" in body, url


def test_unpublished_event_pages_are_404(client):
    event = EventFactory(slug="hidden", is_published=False)
    session = SessionFactory(event=event)
    for url in _pages(event, session):
        assert client.get(url).status_code == 404, url


def test_pages_answer_conditional_requests_and_change_after_an_edit(client, agenda):
    panel = agenda["panel"]
    for url in _pages(panel.event, panel):
        first = client.get(url)
        assert first["Cache-Control"] == "max-age=60", url
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url
    etags = {url: client.get(url)["ETag"] for url in _pages(panel.event, panel)}
    agenda["speaker"].position = "Minister"
    agenda["speaker"].save()
    for url, etag in etags.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200, url
        assert "Minister" in response.content.decode(), url


def test_event_page_etag_depends_on_language(client, agenda):
    english = client.get("/events/summer/", HTTP_ACCEPT_LANGUAGE="en")["ETag"]
    french = client.get("/events/summer/", HTTP_ACCEPT_LANGUAGE="fr")["ETag"]
    assert english != french


def test_event_page_etag_changes_with_the_event_text(client, agenda):
    etag = client.get("/events/summer/")["ETag"]
    event = agenda["panel"].event
    event.description = "A new concept."
    event.save()
    response = client.get("/events/summer/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "A new concept." in response.content.decode()


def _agenda_with(count):
    event = EventFactory(
        slug=f"n{count}", starts_at=cairo(2024, 8, 12, 9), ends_at=cairo(2024, 8, 12, 18)
    )
    for index in range(count):
        session = SessionFactory(
            event=event,
            starts_at=cairo(2024, 8, 12, 9 + index),
            ends_at=cairo(2024, 8, 12, 10 + index),
        )
        SessionRoleFactory(session=session, role="speaker")
        SessionRoleFactory(session=session, role="rapporteur")
        MaterialFactory(session=session)
    return event


@pytest.mark.parametrize(
    "path",
    [
        "/events/{slug}/",
        "/events/{slug}/speakers/",
        "/events/{slug}/agenda.json",
        "/events/{slug}/agenda.ics",
    ],
)
def test_public_agenda_queries_do_not_grow_with_sessions(client, django_assert_num_queries, path):
    one, three = _agenda_with(1), _agenda_with(3)
    client.get(path.format(slug=one.slug))  # warm sessions, content types, etc.
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # exports are cached under their ETag: measure the building
    with CaptureQueriesContext(connection) as small:
        assert client.get(path.format(slug=one.slug)).status_code == 200
    cache.clear()
    with django_assert_num_queries(len(small)):
        assert client.get(path.format(slug=three.slug)).status_code == 200


def test_session_page_queries_do_not_grow_with_people(client, django_assert_num_queries):
    event = _agenda_with(1)
    session = event.sessions.get()
    url = reverse("agenda:session_detail", kwargs={"slug": event.slug, "pk": session.pk})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(3):
        SessionRoleFactory(session=session)
        MaterialFactory(session=session)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_agenda_export_is_built_once_while_unchanged(client, agenda, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    client.get("/events/summer/agenda.json")
    # Event lookup and the ETag summary only: the export comes from the cache.
    with django_assert_num_queries(2):
        assert client.get("/events/summer/agenda.json").status_code == 200


def test_event_page_etag_changes_with_the_series_title(client, agenda):
    etag = client.get("/events/summer/")["ETag"]
    series = agenda["panel"].event.series
    series.title = "Renamed series"
    series.save()
    response = client.get("/events/summer/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Renamed series" in response.content.decode()
