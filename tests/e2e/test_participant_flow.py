"""A participant on a phone signs up in French and in Arabic; every public page passes axe."""

from __future__ import annotations

import pytest
from django.core import mail

from registration.models import Registration
from tests.e2e.conftest import axe_violations
from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_event():
    event = EventFactory(slug="sahel-e2e", title="Leaving No One Behind", capacity=50)
    SessionFactory(event=event, title="Opening remarks")
    return event


def _fill_form(page, *, email: str, first_name: str):
    page.fill("#id_first_name", first_name)
    page.fill("#id_last_name", "Exemple")
    page.fill("#id_email", email)
    page.select_option("#id_country", "NE")
    page.fill("#id_organization", "Ministère du Plan (fictif)")
    page.select_option("#id_category", "national_government")
    page.check("#id_sex_0")
    page.check("#id_consent_processing")


# The confirmation subject, as the French and Arabic catalogues give it.
SUBJECTS = {"fr-FR": "Inscription confirmée\u202f: ", "ar": "تم تأكيد التسجيل: "}


@pytest.mark.parametrize(
    ("locale", "direction"), [("fr-FR", "ltr"), ("ar", "rtl")], ids=["french", "arabic"]
)
def test_participant_registers_on_a_phone(live_server, new_page, open_event, locale, direction):
    page = new_page(locale=locale)
    page.goto(f"{live_server.url}/events/{open_event.slug}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == locale[:2]
    assert html.get_attribute("dir") == direction
    page.click(f"a[href='/events/{open_event.slug}/register/']")
    _fill_form(page, email=f"amina.{locale}@example.org", first_name="Amina")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_url(f"**/events/{open_event.slug}/register/done/")
    registration = Registration.objects.get(email=f"amina.{locale}@example.org")
    assert registration.status == Registration.Status.APPROVED
    assert registration.language == locale[:2]
    assert [m.to for m in mail.outbox] == [[registration.email]]
    assert mail.outbox[0].subject == SUBJECTS[locale] + "Leaving No One Behind"


@pytest.mark.parametrize("locale", ["en", "fr-FR", "ar"])
def test_public_pages_have_no_accessibility_violations(live_server, new_page, open_event, locale):
    from registration.links import registration_token
    from tests.factories import RegistrationFactory

    session = open_event.sessions.get()
    token = registration_token(registration=RegistrationFactory(event=open_event))
    page = new_page(locale=locale)
    paths = [
        "/",
        f"/events/{open_event.slug}/",
        f"/events/{open_event.slug}/register/",
        f"/events/{open_event.slug}/speakers/",
        f"/events/{open_event.slug}/sessions/{session.pk}/",
        f"/registrations/{token}/",
        f"/registrations/{token}/edit/",
        "/accounts/login/",
    ]
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        found[path] = axe_violations(page)
    assert found == {path: [] for path in paths}


def test_form_with_errors_has_no_accessibility_violations(live_server, new_page, open_event):
    page = new_page(locale="fr-FR")
    page.goto(f"{live_server.url}/events/{open_event.slug}/register/")
    page.fill("#id_email", "not-an-email")
    page.click("form.registration-form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert axe_violations(page) == []
    assert Registration.objects.count() == 0
