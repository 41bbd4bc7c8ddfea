"""What a participant sees after signing up, in a real browser on a phone: the personal page in
their language, when the webinar takes place in their own time too, confirmations, registering
again after cancelling; and the event and form pages a screen reader reads."""

from __future__ import annotations

import datetime as dt

import pytest

from registration import links
from registration.models import Registration
from tests.e2e.conftest import ARTIFACTS, axe_violations
from tests.factories import EventFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2026, 12, 31, 8, 0, tzinfo=dt.UTC)  # 10:00 in Cairo, 03:00 in New York


@pytest.fixture
def webinar():
    event = EventFactory(
        slug="path-e2e",
        title="Leaving No One Behind",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=2),
        capacity=50,
    )
    for index, title in enumerate(["Opening remarks", "Panel", "Break", "Working groups"]):
        SessionFactory(
            event=event,
            title=title,
            title_fr="Pause" if title == "Break" else "",
            kind="break" if title == "Break" else "panel",
            starts_at=START + dt.timedelta(minutes=30 * index),
        )
    return event


def test_personal_link_opens_in_arabic_for_an_arabic_registrant(live_server, new_page, webinar):
    registration = RegistrationFactory(event=webinar, language="ar")
    url = live_server.url + links.manage_path(registration=registration)
    page = new_page(locale="en-GB", timezone_id="America/New_York")
    page.goto(url)
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    when = page.locator("main p.when").first
    assert when.inner_text().startswith("الخميس 31 ديسمبر 2026")
    assert "توقيت مصر" in when.inner_text()
    assert "Africa/Cairo" not in page.locator("main").inner_text()
    # The reader's own clock is added beside the event's.
    assert "03:00–05:00" in page.locator("main p.when .local-time").inner_text()
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "personal-page-arabic.png"))
    # The switcher still works, and its choice wins from then on.
    page.select_option("#language-select", "en")
    page.click("form.lang button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main p.when").first.inner_text().startswith("Thursday 31 December 2026")


def test_cancel_by_mistake_then_register_again(live_server, new_page, webinar):
    registration = RegistrationFactory(event=webinar, language="en")
    page = new_page(locale="en-GB")
    page.goto(live_server.url + links.manage_path(registration=registration))
    assert page.get_by_role("link", name="Add to my calendar (.ics)").is_visible()
    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.wait_for_url("**/registrations/*/")
    status = page.get_by_role("status").filter(has=page.locator("ul.messages"))
    assert status.inner_text().startswith("Your registration has been cancelled.")
    assert page.locator("p.status").inner_text() == "Status: Registration cancelled"
    assert page.get_by_role("link", name="Add to my calendar (.ics)").count() == 0
    assert axe_violations(page) == []
    page.get_by_role("button", name="Register again").click()
    page.wait_for_url("**/registrations/*/")
    assert page.locator("ul.messages").inner_text() == (
        "You are registered again. Status: Registration confirmed."
    )
    assert page.locator("p.status").inner_text() == "Status: Registration confirmed"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert Registration.objects.count() == 1


def test_saving_corrected_details_is_confirmed(live_server, new_page, webinar):
    registration = RegistrationFactory(event=webinar, language="fr")
    page = new_page(locale="fr-FR")
    page.goto(live_server.url + links.manage_path(registration=registration))
    page.get_by_role("link", name="Corriger mes coordonnées").click()
    page.fill("#id_position", "Conseillère")
    page.check("#id_sex_0")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/registrations/*/")
    assert page.locator("ul.messages").inner_text() == "Vos informations ont été enregistrées."
    registration.refresh_from_db()
    assert registration.position == "Conseillère"


def test_event_page_on_a_phone(live_server, new_page, webinar):
    page = new_page(locale="fr-FR", timezone_id="Africa/Cairo")
    page.goto(f"{live_server.url}/events/{webinar.slug}/")
    # A second Register button after the programme, for whoever scrolled down to it.
    buttons = page.locator(f"main a.button[href='/events/{webinar.slug}/register/']")
    assert buttons.count() == 2
    last = buttons.nth(1)
    last.scroll_into_view_if_needed()
    assert last.is_visible()
    agenda_bottom = page.locator(".agenda-days").bounding_box()
    assert last.bounding_box()["y"] > agenda_bottom["y"] + agenda_bottom["height"]
    # The break reads once; the JSON agenda is for machines, in the head and the footer only.
    assert page.locator(".agenda-break .agenda-title").inner_text() == "Pause"
    assert page.locator(".agenda-links a[href$='agenda.json']").count() == 0
    assert page.locator("link[rel=alternate][type='application/json']").count() == 1
    assert page.locator("footer a[href$='agenda.json']").is_visible()
    # Same zone as the event: no second clock.
    assert page.locator(".local-time").count() == 0
    assert page.locator("main p.when").inner_text().startswith("jeudi 31 décembre 2026")
    assert axe_violations(page) == []


def test_form_errors_point_at_their_messages_in_french(live_server, new_page, webinar):
    page = new_page(locale="fr-FR")
    page.goto(f"{live_server.url}/events/{webinar.slug}/register/")
    assert page.locator("main p.when").inner_text().startswith("jeudi 31 décembre 2026")
    page.fill("#id_email", "pas-une-adresse")
    page.click("form.registration-form button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Prénom\u202f: Ce champ est obligatoire." in summary.inner_text()
    assert ".\u202f:" not in summary.inner_text() and ".:" not in summary.inner_text()
    missing = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
            el.getAttribute('aria-describedby').split(/\\s+/)
              .filter(id => !document.getElementById(id)))"""
    )
    assert missing == []
    described = page.locator("#id_email").get_attribute("aria-describedby")
    assert page.locator(f"#{described}").inner_text() == (
        "Veuillez saisir une adresse électronique valide, par exemple nom@example.org."
    )
    assert axe_violations(page) == []
