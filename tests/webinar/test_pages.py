import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_home_lists_upcoming_before_past(client):
    now = timezone.now()
    past = EventFactory(title="Past workshop", starts_at=now - dt.timedelta(days=100))
    later = EventFactory(title="Later webinar", starts_at=now + dt.timedelta(days=60))
    sooner = EventFactory(title="Sooner webinar", starts_at=now + dt.timedelta(days=5))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(e.title) for e in (sooner, later, past)]
    assert positions == sorted(positions)


def test_home_hides_unpublished_events(client):
    EventFactory(title="Secret draft", is_published=False)
    assert "Secret draft" not in client.get("/").content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_home_query_count_does_not_grow_with_events(client, django_assert_num_queries, count):
    EventFactory.create_batch(count)
    with django_assert_num_queries(2):  # upcoming and past, series joined
        assert client.get("/").status_code == 200


def test_event_page_shows_published_agenda_in_event_time_zone(client):
    start = dt.datetime(2020, 8, 12, 8, 0, tzinfo=dt.UTC)  # 10:00 in Cairo (UTC+2 in 2020)
    event = EventFactory(slug="sahel", starts_at=start, time_zone="Africa/Cairo")
    SessionFactory(event=event, title="Opening remarks", starts_at=start)
    SessionFactory(event=event, title="Hidden draft session", is_published=False)
    response = client.get("/events/sahel/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Opening remarks" in html
    assert "Hidden draft session" not in html
    assert '>10:00</time>–<time datetime="2020-08-12T10:45:00+02:00" data-local-time>10:45<' in html
    assert '(Egypt Time, <bdi dir="ltr">UTC+02:00</bdi>)' in html


@pytest.mark.parametrize("count", [1, 3])
def test_event_page_query_count_does_not_grow_with_sessions(
    client, django_assert_num_queries, count
):
    event = EventFactory(slug="n-plus-one")
    SessionFactory.create_batch(count, event=event)
    # The event with its series, the agenda's validator summary (ETag), then the sessions,
    # their people and their materials.
    with django_assert_num_queries(5):
        assert client.get("/events/n-plus-one/").status_code == 200


def test_event_page_escapes_hostile_text(client):
    event = EventFactory(
        slug="hostile",
        title='<script>alert("t")</script>',
        description='<img src=x onerror="alert(1)">',
    )
    SessionFactory(event=event, title="<b>bold</b>")
    html = client.get("/events/hostile/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html


def test_unknown_or_unpublished_event_is_404(client):
    EventFactory(slug="draft", is_published=False)
    assert client.get("/events/draft/").status_code == 404
    assert client.get("/events/nothing-here/").status_code == 404


def test_page_declares_language_and_direction(client):
    EventFactory(slug="lang")
    response = client.get("/events/lang/", headers={"accept-language": "ar"})
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    response = client.get("/events/lang/", headers={"accept-language": "fr"})
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


def test_times_read_left_to_right_on_arabic_pages(client):
    start = dt.datetime(2020, 8, 12, 8, 0, tzinfo=dt.UTC)
    event = EventFactory(slug="rtl-times", starts_at=start, time_zone="Africa/Cairo")
    SessionFactory(event=event, starts_at=start)
    html = client.get("/events/rtl-times/", headers={"accept-language": "ar"}).content.decode()
    # Without isolation the bidi algorithm shows the range reversed in a right-to-left line.
    assert (
        '<span data-local-range><span dir="ltr"><time datetime="2020-08-12T10:00:00+02:00" '
        'data-local-time>10:00</time>–<time datetime="2020-08-12T13:00:00+02:00" '
        "data-local-time>13:00</time></span>"
    ) in html
    # The zone named in Arabic, with Arabic punctuation; the offset isolated left to right.
    assert '(توقيت مصر، <bdi dir="ltr">UTC+02:00</bdi>)' in html
    assert "Africa/Cairo" not in html
