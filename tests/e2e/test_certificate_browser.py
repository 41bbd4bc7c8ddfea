"""The public verification page in a real browser: a valid and a revoked certificate."""

from __future__ import annotations

import pytest

from certificates import services
from certificates.models import Certificate
from tests.e2e.conftest import axe_violations
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_certificates():
    event = EventFactory(slug="browser-certificates", title="Webinar on diaspora engagement")
    valid = RegistrationFactory(
        event=event, honorific="dr", first_name="Amina", last_name="Diallo", attended=True
    )
    revoked = RegistrationFactory(event=event, first_name="Omar", last_name="Haddad", attended=True)
    services.certificates_issue(event=event)
    gone = Certificate.objects.get(registration=revoked)
    services.certificate_revoke(certificate=gone, reason="Issued by mistake")
    return Certificate.objects.get(registration=valid), gone


def test_verification_pages_of_a_valid_and_a_revoked_certificate(
    live_server, new_page, two_certificates
):
    valid, revoked = two_certificates
    page = new_page(locale="en-GB")
    response = page.goto(f"{live_server.url}/certificates/{valid.number}/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Certificate verification"
    assert page.get_by_role("status").inner_text() == f"Certificate {valid.number} is valid."
    facts = page.locator("dl.details dd").all_inner_texts()
    assert facts[:2] == ["Dr Amina Diallo", "Webinar on diaspora engagement"]
    assert axe_violations(page) == []

    arabic = new_page(locale="ar")
    response = arabic.goto(f"{live_server.url}/certificates/{revoked.number}/")
    assert response.status == 200
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    assert arabic.get_by_role("status").inner_text() == f"أُلغيت الشهادة {revoked.number}."
    assert "Omar Haddad" in arabic.locator("dl.details").inner_text()
    assert "Issued by mistake" not in arabic.content()
    assert axe_violations(arabic) == []


def test_verification_of_an_unknown_number_says_so(live_server, new_page, two_certificates):
    page = new_page(locale="fr")
    response = page.goto(f"{live_server.url}/certificates/ZZZZZZZZZZ/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Aucun certificat ne porte ce numéro"
