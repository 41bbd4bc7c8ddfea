"""What screen readers and search engines read on the public pages: descriptions tied to ids
that exist, an error summary that reads as sentences, a meta description everywhere, the agenda
as JSON for machines only, and the page around the agenda."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from registration import links
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "ar"]
# The register form's fields in error after a POST with a bad address and an unknown country
# (the event's required question is added by the test).
ERROR_FIELDS = (
    "first_name", "last_name", "email", "sex", "country", "organization", "category",
    "language", "consent_processing",
)  # fmt: skip


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.described: list[str] = []
        self.meta_description: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described.extend(attrs["aria-describedby"].split())
        if tag == "meta" and attrs.get("name") == "description":
            self.meta_description.append(attrs.get("content") or "")


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


@pytest.fixture
def site():
    event = EventFactory(slug="open", summary="A webinar on migration and development.")
    session = SessionFactory(event=event, title="Opening remarks")
    question = QuestionFactory(
        event=event, label="Which panel?", help_text="One panel.", required=True
    )
    registration = RegistrationFactory(event=event)
    token = links.registration_token(registration=registration)
    return {
        "event": event,
        "pages": [
            "/",
            "/events/open/",
            "/events/open/register/",
            "/events/open/register/done/",
            "/events/open/speakers/",
            f"/events/open/sessions/{session.pk}/",
            f"/registrations/{token}/",
            f"/registrations/{token}/edit/",
            f"/registrations/{token}/cancel/",
            f"/registrations/{token}/erase/",
            "/accounts/login/",
        ],
        "token": token,
        "question": question,
    }


def _error_pages(client, site):
    """The two forms after a bad POST: every field in error that can be."""
    register = client.post("/events/open/register/", {"email": "not-an-email", "country": "XX"})
    edit = client.post(f"/registrations/{site['token']}/edit/", {"country": "XX"})
    assert register.status_code == edit.status_code == 200
    return {"register with errors": register, "edit with errors": edit}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_aria_describedby_points_at_an_element_of_the_page(client, site, language):
    client.cookies["django_language"] = language
    responses = {path: client.get(path) for path in site["pages"]}
    responses.update(_error_pages(client, site))
    missing = {}
    for name, response in responses.items():
        assert response.status_code == 200, name
        parsed = _parse(response.content.decode())
        missing[name] = sorted(set(parsed.described) - set(parsed.ids))
    assert missing == {name: [] for name in responses}
    # The forms in error do describe their fields by their messages (8 and more of them).
    errors = _parse(responses["register with errors"].content.decode()).described
    expected = [f"id_{name}_error" for name in (*ERROR_FIELDS, f"q_{site['question'].pk}")]
    assert sorted(ref for ref in errors if ref.endswith("_error")) == sorted(expected)


def test_error_summary_reads_without_doubled_punctuation(client, site):
    html = client.post("/events/open/register/", {"email": "x"}).content.decode()
    assert (
        "I agree to the processing of my personal data as described in the privacy notice: "
        "Registration needs your consent to the processing of your data."
    ) in html
    assert ".:" not in html


def test_french_error_summary_has_a_narrow_no_break_space_before_the_colon(client, site):
    client.cookies["django_language"] = "fr"
    html = client.post("/events/open/register/", {"email": "x"}).content.decode()
    assert "Prénom\u202f: Ce champ est obligatoire." in html
    assert "Prénom: " not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_has_a_meta_description(client, site, language):
    client.cookies["django_language"] = language
    found = {}
    for path in site["pages"]:
        found[path] = [
            len(d) > 20 for d in _parse(client.get(path).content.decode()).meta_description
        ]
    assert found == {path: [True] for path in site["pages"]}
    # No template comment or tag leaks into a page as text.
    leaks = {
        p: [m for m in ("{#", "#}", "{%", "%}") if m in client.get(p).content.decode()]
        for p in site["pages"]
    }
    assert leaks == {path: [] for path in site["pages"]}
    event_page = _parse(client.get("/events/open/").content.decode())
    assert event_page.meta_description == ["A webinar on migration and development."]


def test_agenda_json_is_offered_to_machines_only(client, site):
    html = client.get("/events/open/").content.decode()
    assert html.count('href="/events/open/agenda.json"') == 2
    assert ('<link rel="alternate" type="application/json" href="/events/open/agenda.json"') in html
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/events/open/agenda.json"' in footer
    links_line = re.search(r'<p class="agenda-links">.*?</p>', html).group(0)
    assert "agenda.json" not in links_line
    assert "agenda.ics" in links_line


def test_event_page_offers_register_again_after_the_programme(client, site):
    html = client.get("/events/open/").content.decode()
    register = [m.start() for m in re.finditer(r'href="/events/open/register/"', html)]
    assert len(register) == 2
    assert register[0] < html.index('class="agenda-days"') < register[1]


def test_event_page_offers_no_register_button_once_registration_closed(client):
    EventFactory(slug="closed", registration_closes_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert 'href="/events/closed/register/"' not in client.get("/events/closed/").content.decode()


def test_a_break_titled_break_reads_break_once(client, site):
    SessionFactory(event=site["event"], title="Break", kind="break")
    html = client.get("/events/open/").content.decode()
    item = re.search(r'<li class="agenda-item agenda-break">.*?</li>', html, re.S).group(0)
    assert re.search(r'<p class="agenda-title">Break</p>', item)
    assert "Break Break" not in re.sub(r"<[^>]+>", "", item).replace("\n", " ")
    # A session whose title differs from its kind still says its kind.
    assert html.count('<span class="kind">Panel</span>') == 1


@pytest.mark.parametrize(
    ("language", "date"),
    [("en", "31 December 2026"), ("fr", "31 décembre 2026"), ("ar", "31 ديسمبر 2026")],
)
def test_public_pages_write_dates_as_the_un_does(client, language, date):
    start = dt.datetime(2026, 12, 31, 8, 0, tzinfo=dt.UTC)
    event = EventFactory(slug="dated", starts_at=start)
    session = SessionFactory(event=event, starts_at=start)
    client.cookies["django_language"] = language
    for path in ("/", "/events/dated/", f"/events/dated/sessions/{session.pk}/"):
        html = client.get(path).content.decode()
        assert date in html, path
        assert "Dec. 31" not in html and "Africa/Cairo" not in html, path
