"""Event texts per language, shown in the reader's language or visibly in another one."""

import pytest
from django.contrib import admin
from django.utils import translation

from tests.factories import EventFactory
from webinar.admin import EventAdmin
from webinar.content_i18n import missing_languages, model_translated_fields
from webinar.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(
        slug="multi",
        title_en="Leaving No One Behind",
        title_fr="Ne laisser personne de côté",
        title_ar="",
        description_en="Migration and development.",
        description_fr="",
        description_ar="",
    )


def test_reader_gets_their_language_without_a_note(client, event):
    html = client.get("/events/multi/", headers={"accept-language": "fr"}).content.decode()
    assert "<h1>Ne laisser personne de côté</h1>" in html


def test_missing_language_falls_back_visibly(client, event):
    html = client.get("/events/multi/", headers={"accept-language": "ar"}).content.decode()
    assert '<h1><span lang="en" dir="ltr">Leaving No One Behind</span>' in html
    assert '<div lang="en" dir="ltr"><p>Migration and development.</p></div>' in html
    assert html.count('class="fallback"') == 3  # the series title is English-only too


def test_fallback_text_is_escaped(client):
    EventFactory(slug="hostile", title_en="<script>x()</script>", title_fr="")
    html = client.get("/events/hostile/", headers={"accept-language": "fr"}).content.decode()
    assert "<script>x()" not in html
    assert '<span lang="en" dir="ltr">&lt;script&gt;x()&lt;/script&gt;</span>' in html


def test_admin_lists_missing_translations(event):
    assert missing_languages(event, model_translated_fields(Event)) == ["fr", "ar"]
    assert EventAdmin(Event, admin.site).missing_translations(event) == "fr, ar"
    complete = EventFactory(title_en="A", title_fr="B", title_ar="ج")
    assert missing_languages(complete, ("title",)) == []


def test_text_saved_in_a_language_stays_in_that_language():
    with translation.override("fr"):
        event = EventFactory(title="Atelier")
    event = Event.objects.get(pk=event.pk)
    assert (event.title_fr, event.title_en) == ("Atelier", None)


def test_session_page_and_json_follow_the_reader_language(client):
    from tests.factories import SessionFactory

    event = EventFactory(slug="langs", title_en="Webinar", title_fr="Webinaire", title_ar="ندوة")
    session = SessionFactory(
        event=event, title_en="Closing", title_fr="Clôture", title_ar="", description_en="Next."
    )
    fr = client.get(f"/events/langs/sessions/{session.pk}/", headers={"accept-language": "fr"})
    assert "<h1>Clôture</h1>" in fr.content.decode()
    ar = client.get(f"/events/langs/sessions/{session.pk}/", headers={"accept-language": "ar"})
    assert '<h1><span lang="en" dir="ltr">Closing</span>' in ar.content.decode()
    json_fr = client.get("/events/langs/agenda.json", headers={"accept-language": "fr"})
    json_en = client.get("/events/langs/agenda.json", headers={"accept-language": "en"})
    assert [s["title"] for s in json_fr.json()["sessions"]] == ["Clôture"]
    assert [s["title"] for s in json_en.json()["sessions"]] == ["Closing"]
    assert json_fr["ETag"] != json_en["ETag"]


def test_event_questions_are_asked_in_the_reader_language(client):
    from tests.factories import QuestionFactory

    event = EventFactory(slug="asked")
    QuestionFactory(event=event, label_en="Your department", label_fr="Votre direction")
    fr = client.get("/events/asked/register/", headers={"accept-language": "fr"}).content.decode()
    en = client.get("/events/asked/register/", headers={"accept-language": "en"}).content.decode()
    assert "Votre direction" in fr
    assert "Your department" not in fr
    assert "Your department" in en
