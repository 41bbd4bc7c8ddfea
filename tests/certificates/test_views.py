"""Verification page, personal download, the ZIP, the batch page and the admin actions."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, CertificateBatch
from registration.links import registration_token
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issued(past_event, attendees):
    services.certificates_issue(event=past_event)
    certificates = {
        key: Certificate.objects.get(registration=attendees[key]) for key in ("amina", "omar")
    }
    for certificate in certificates.values():
        name = default_storage.save(certificate.storage_name(), ContentFile(b"%PDF-1.7 test"))
        Certificate.objects.filter(pk=certificate.pk).update(file=name)
        certificate.refresh_from_db()
    return certificates


def test_verify_valid_says_name_event_and_date_only(client, issued, attendees):
    amina = issued["amina"]
    response = client.get(f"/certificates/{amina.number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Certificate {amina.number} is valid." in html
    assert "Dr Amina Diallo" in html
    assert "Workshop on migration data" in html
    # Nothing else about the person: not the address, the institution or the country.
    assert attendees["amina"].email not in html
    assert "Ministry of Planning" not in html
    assert response["X-Robots-Tag"] == "noindex"


def test_verify_accepts_lower_case_and_dashes(client, issued):
    number = issued["omar"].number
    typed = f"{number[:5].lower()}-{number[5:].lower()}"
    response = client.get(f"/certificates/{typed}/")
    assert response.status_code == 200
    assert f"Certificate {number} is valid." in response.content.decode()


def test_verify_revoked_in_the_readers_language(client, issued):
    amina = issued["amina"]
    services.certificate_revoke(certificate=amina, reason="Issued by mistake")
    response = client.get(f"/certificates/{amina.number}/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Le certificat {amina.number} a été révoqué." in html
    assert "Révoqué le" in html
    assert "Issued by mistake" not in html  # the reason is the organisers' business


def test_verify_unknown_number_is_a_404_page_that_says_so(client, issued):
    response = client.get("/certificates/ZZZZZZZZZZ/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 404
    html = response.content.decode()
    assert "لا توجد شهادة بهذا الرقم" in html
    assert "ZZZZZZZZZZ" in html


def test_verify_is_rate_limited_per_client_address(client, settings, issued):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    number = issued["amina"].number
    answers = [
        client.get(f"/certificates/{number}/", REMOTE_ADDR="192.0.2.1").status_code
        for _ in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    assert client.get("/certificates/ZZZZZZZZZZ/", REMOTE_ADDR="192.0.2.1").status_code == 429
    # Another address is not limited by the first one's look-ups.
    assert client.get(f"/certificates/{number}/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_personal_page_offers_the_download_by_the_signed_link(client, issued, attendees):
    token = registration_token(registration=attendees["amina"])
    page = client.get(f"/registrations/{token}/").content.decode()
    url = reverse(
        "certificates:personal_download",
        kwargs={"token": token, "number": issued["amina"].number},
    )
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert response["Content-Type"] == "application/pdf"
    # Someone else's number through this link: nothing.
    other = reverse(
        "certificates:personal_download", kwargs={"token": token, "number": issued["omar"].number}
    )
    assert client.get(other).status_code == 404


def test_personal_page_without_certificate_offers_none(client, past_event):
    registration = RegistrationFactory(event=past_event, attended=False)
    page = client.get(f"/registrations/{registration_token(registration=registration)}/")
    assert "certificates-title" not in page.content.decode()


def test_revoked_certificate_is_no_longer_downloadable(client, issued, attendees):
    token = registration_token(registration=attendees["omar"])
    url = reverse(
        "certificates:personal_download", kwargs={"token": token, "number": issued["omar"].number}
    )
    services.certificate_revoke(certificate=issued["omar"], reason="test")
    assert client.get(url).status_code == 404


def test_zip_holds_every_valid_rendered_certificate(client, organiser, issued, past_event):
    services.certificate_revoke(certificate=issued["omar"], reason="test")
    client.force_login(organiser)
    response = client.get(f"/certificates/events/{past_event.slug}/certificates.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    number = issued["amina"].number
    assert archive.namelist() == [f"{number}-amina-diallo.pdf"]
    assert archive.read(f"{number}-amina-diallo.pdf") == b"%PDF-1.7 test"


def test_batch_status_page_shows_progress_without_javascript(client, organiser, past_event):
    batch = CertificateBatch.objects.create(event=past_event, total=8, done=2, status="running")
    client.force_login(organiser)
    html = client.get(f"/certificates/batches/{batch.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "2 of 8 certificates rendered" in html
    data = client.get(f"/certificates/batches/{batch.pk}/?format=json").json()
    assert (data["status"], data["done"], data["total"], data["progress"]) == ("running", 2, 8, 25)


def _action(client, url, action, pks):
    return client.post(url, {"action": action, "_selected_action": [str(pk) for pk in pks]})


def test_issue_action_on_the_event_logs_and_needs_the_permission(
    client, organiser, rapporteur, past_event, attendees
):
    url = reverse("admin:webinar_event_changelist")
    client.force_login(rapporteur)
    response = _action(client, url, "issue_certificates", [past_event.pk])
    # Not offered to a rapporteur (who may run no action on events): the list comes back.
    assert response.status_code == 200
    assert (Certificate.objects.count(), LogEntry.objects.count()) == (0, 0)

    client.force_login(organiser)
    response = _action(client, url, "issue_certificates", [past_event.pk])
    assert response.status_code == 302
    assert Certificate.objects.filter(event=past_event).count() == 2
    entry = LogEntry.objects.get(object_id=str(past_event.pk))
    assert (entry.user_id, entry.change_message) == (
        organiser.pk,
        "Issue certificates: 2 certificates issued (0 unchanged).",
    )


def test_revoke_and_reissue_actions(client, organiser, rapporteur, issued):
    url = reverse("admin:certificates_certificate_changelist")
    amina, omar = issued["amina"], issued["omar"]
    client.force_login(rapporteur)
    assert _action(client, url, "revoke", [amina.pk]).status_code == 403  # no view permission
    client.force_login(organiser)
    assert _action(client, url, "revoke", [amina.pk]).status_code == 302
    assert _action(client, url, "reissue", [omar.pk]).status_code == 302
    amina.refresh_from_db()
    omar.refresh_from_db()
    assert (amina.is_valid, omar.is_valid) == (False, False)
    assert omar.replaced_by is not None and omar.replaced_by.is_valid
    messages = dict(
        LogEntry.objects.filter(user=organiser).values_list("object_id", "change_message")
    )
    assert messages == {
        str(amina.pk): "Revoked by the organisers.",
        str(omar.pk): f"Reissued as {omar.replaced_by.number}.",
    }


def test_certificate_list_queries_do_not_grow_with_rows(client, organiser, past_event):
    client.force_login(organiser)
    url = reverse("admin:certificates_certificate_changelist")

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    RegistrationFactory(event=past_event, attended=True)
    services.certificates_issue(event=past_event)
    one = count()
    RegistrationFactory.create_batch(2, event=past_event, attended=True)
    services.certificates_issue(event=past_event)
    assert Certificate.objects.count() == 3
    assert count() == one
