"""Who gets a certificate, idempotence, reissue and revocation, batches, the sweeper."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from certificates import services
from certificates.images import validate_signature
from certificates.models import (
    NUMBER_ALPHABET,
    Certificate,
    CertificateBatch,
    CertificateLog,
    CertificateSettings,
)
from registration.models import OutgoingMail, Registration
from registration.selectors import event_attendees
from sessions.models import SessionRole
from tests.certificates.conftest import png_bytes
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_issue_on_the_demo_sahel_workshop_one_per_attendee_none_for_absentees(sahel):
    registrations = Registration.objects.filter(event=sahel)
    attendees = set(event_attendees(event=sahel).values_list("pk", flat=True))
    absentees = set(registrations.filter(attended=False).values_list("pk", flat=True))
    # Marked attended by the import but under the event's rule (half of its length).
    too_short = set(registrations.filter(attended=True).values_list("pk", flat=True)) - attendees
    assert (len(attendees), len(absentees), len(too_short)) == (97, 20, 7)
    speakers = set(
        SessionRole.objects.filter(session__event=sahel, role__in=["speaker", "moderator"])
        .values_list("person_id", flat=True)
        .distinct()
    )

    call_command("issue_certificates", sahel.slug, stdout=io.StringIO(), stderr=io.StringIO())

    issued = Certificate.objects.filter(event=sahel)
    by_registration = list(
        issued.filter(registration__isnull=False).values_list("registration_id", flat=True)
    )
    assert sorted(by_registration) == sorted(attendees)
    assert set(by_registration).isdisjoint(absentees | too_short)
    assert set(issued.filter(person__isnull=False).values_list("person_id", flat=True)) == speakers
    assert issued.count() == len(attendees) + len(speakers)
    assert CertificateLog.objects.filter(action="issued").count() == issued.count()
    batch = CertificateBatch.objects.get(event=sahel)
    assert (batch.status, batch.total) == ("queued", issued.count())


def test_issue_twice_makes_no_second_certificate(past_event, attendees, speaker):
    first = services.certificates_issue(event=past_event)
    assert (len(first.created), len(first.reissued), first.unchanged) == (3, 0, 0)
    numbers = set(Certificate.objects.values_list("number", flat=True))

    second = services.certificates_issue(event=past_event)

    assert (len(second.created), len(second.reissued), second.unchanged) == (0, 0, 3)
    assert set(Certificate.objects.values_list("number", flat=True)) == numbers
    # The first batch is still queued: it takes the (zero) new ones on, no second batch.
    assert CertificateBatch.objects.count() == 1


def test_issue_states_name_with_honorific_institution_hours_and_language(
    past_event, attendees, speaker
):
    services.certificates_issue(event=past_event)
    amina = Certificate.objects.get(registration=attendees["amina"])
    assert (amina.honorific, amina.name, amina.institution, amina.language, amina.minutes) == (
        "Dr",
        "Amina Diallo",
        "Ministry of Planning (fictional)",
        "fr",
        90,
    )
    omar = Certificate.objects.get(registration=attendees["omar"])
    assert omar.minutes == 180  # attended without imported minutes: the event's length
    fatima = Certificate.objects.get(person=speaker)
    # Spoke in one session and moderated another: one certificate, as speaker.
    assert (fatima.kind, fatima.display_name, fatima.institution) == (
        "speaker",
        "H.E. Fatima Example",
        "AUC",
    )
    assert re.fullmatch(f"[{NUMBER_ALPHABET}]{{10}}", amina.number)


def test_changed_name_reissues_with_a_new_number_and_revokes_the_old(past_event, attendees):
    services.certificates_issue(event=past_event)
    old = Certificate.objects.get(registration=attendees["amina"])
    untouched = Certificate.objects.get(registration=attendees["omar"])
    Registration.objects.filter(pk=attendees["amina"].pk).update(last_name="Diallo-Sow")

    result = services.certificates_issue(event=past_event)

    assert (len(result.created), len(result.reissued), result.unchanged) == (0, 1, 1)
    old.refresh_from_db()
    new = Certificate.objects.get(registration=attendees["amina"], revoked_at=None)
    assert new.number != old.number
    assert (new.name, old.name) == ("Amina Diallo-Sow", "Amina Diallo")
    assert old.revoked_at is not None
    assert old.replaced_by_id == new.pk
    assert old.revoked_reason == "The details on the certificate changed."
    untouched_after = Certificate.objects.get(pk=untouched.pk)
    assert (untouched_after.revoked_at, untouched_after.number) == (None, untouched.number)
    assert list(old.log.values_list("action", flat=True)) == ["revoked", "issued"]
    assert new.log.get().detail == f"Replaces {old.number}."


def test_revoke_once_and_logged_beside_a_certificate_it_must_not_touch(past_event, attendees):
    services.certificates_issue(event=past_event)
    target = Certificate.objects.get(registration=attendees["amina"])
    other = Certificate.objects.get(registration=attendees["omar"])

    assert services.certificate_revoke(certificate=target, reason="Issued by mistake") is True
    assert services.certificate_revoke(certificate=target, reason="Again") is False

    target.refresh_from_db()
    other.refresh_from_db()
    assert (target.is_valid, target.revoked_reason) == (False, "Issued by mistake")
    assert other.is_valid is True
    assert list(target.log.filter(action="revoked").values_list("detail", flat=True)) == [
        "Issued by mistake"
    ]
    # A revoked certificate is not issued again by a later issue: the person has none valid,
    # so they get a new number.
    result = services.certificates_issue(event=past_event)
    assert len(result.created) == 1
    assert result.created[0].number != target.number


def test_reissue_gives_a_new_number_and_queues_its_rendering(past_event, attendees):
    services.certificates_issue(event=past_event)
    old = Certificate.objects.get(registration=attendees["omar"])
    new = services.certificate_reissue(certificate=old)
    assert new is not None and new.number != old.number
    old.refresh_from_db()
    assert (old.is_valid, old.replaced_by_id) == (False, new.pk)
    assert services.certificate_reissue(certificate=old) is None
    assert Certificate.objects.filter(registration=attendees["omar"], revoked_at=None).count() == 1


def test_batch_claim_is_conditional_and_leaves_another_batch_alone(past_event, attendees):
    batch = services.certificates_issue(event=past_event).batch
    other = CertificateBatch.objects.create(event=EventFactory(), total=3)
    assert services.batch_claim(batch_id=batch.pk) == 1
    assert services.batch_claim(batch_id=batch.pk) is None
    other.refresh_from_db()
    assert (other.status, other.attempts) == ("queued", 0)


def test_batch_renders_every_pending_certificate_once_and_mails_the_registrants(
    past_event, attendees, speaker, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.certificates_issue(event=past_event)
    batch = CertificateBatch.objects.get(pk=result.batch.pk)
    assert (batch.status, batch.done, batch.total) == ("succeeded", 3, 3)
    rendered = Certificate.objects.exclude(file="")
    assert rendered.count() == 3
    assert all(len(c.sha256) == 64 for c in rendered)
    mails = OutgoingMail.objects.filter(kind="certificate")
    assert sorted(mails.values_list("registration_id", flat=True)) == sorted(
        [attendees["amina"].pk, attendees["omar"].pk]
    )
    assert len(mailoutbox) == 2
    french = next(m for m in mailoutbox if m.to == [attendees["amina"].email])
    number = Certificate.objects.get(registration=attendees["amina"]).number
    assert french.subject == "Votre certificat : Workshop on migration data"
    assert f"Numéro du certificat : {number}" in french.body
    assert "http://testserver/registrations/" in french.body
    # Issuing again renders nothing and mails nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.certificates_issue(event=past_event)
    assert again.batch is None
    assert len(mailoutbox) == 2


def test_sweeper_requeues_a_silent_batch_and_fails_one_out_of_attempts(past_event, attendees):
    old = timezone.now() - dt.timedelta(hours=1)
    silent = CertificateBatch.objects.create(
        event=past_event, status="running", attempts=1, started_at=old, heartbeat_at=old
    )
    spent = CertificateBatch.objects.create(
        event=past_event, status="running", attempts=3, started_at=old, heartbeat_at=old
    )
    alive = CertificateBatch.objects.create(
        event=past_event,
        status="running",
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    assert services.batches_sweep() == {"failed": 1, "retried": 1, "requeued": 0}
    statuses = dict(CertificateBatch.objects.values_list("pk", "status"))
    assert statuses == {silent.pk: "queued", spent.pk: "failed", alive.pk: "running"}


def _text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


@pytest.mark.parametrize(
    ("language", "title", "phrases"),
    [
        ("en", "Workshop on migration data", ["Certificate of attendance", "attended the webinar"]),
        ("fr", "Atelier sur les données migratoires", ["Certificat de présence", "a assisté"]),
        ("ar", "ورشة عمل حول بيانات الهجرة", []),
    ],
)
def test_pdf_text_has_name_event_and_number_in_each_language(past_event, language, title, phrases):
    setattr(past_event, f"title_{language}", title)
    past_event.save()
    RegistrationFactory(
        event=past_event,
        first_name={"ar": "أمينة", "fr": "Amélie", "en": "Amina"}[language],
        last_name={"ar": "ديالو", "fr": "Diallo", "en": "Diallo"}[language],
        attended=True,
        language=language,
    )
    CertificateSettings.objects.create(
        event=past_event,
        signatory_name="Ahmed Fictif",
        signatory_title_en="Director (fictional)",
        signature=SimpleUploadedFile("s.png", png_bytes(), content_type="image/png"),
    )
    services.certificates_issue(event=past_event)
    certificate = Certificate.objects.select_related("event__series").get()
    content = services.certificate_pdf(
        certificate=certificate, signatory=services.Signatory.for_event(past_event)
    )
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    text = _text(content)
    # pypdf gives Arabic in visual order; the words are whole either way.
    for word in [*certificate.name.split(), *title.split(), certificate.number, *phrases]:
        assert word in text, (word, text)
    assert "Ahmed Fictif" in text
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"]) is True  # tagged
    assert reader.trailer["/Root"]["/Lang"] == language


def test_signature_images_are_checked_before_decoding():
    validate_signature(io.BytesIO(png_bytes()))
    with pytest.raises(ValidationError) as not_image:
        validate_signature(io.BytesIO(b"GIF89a not really"))
    assert not_image.value.messages == ["The file is not a valid image."]
    gif = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(ValidationError) as wrong_type:
        validate_signature(io.BytesIO(gif.getvalue()))
    assert wrong_type.value.messages == ["The signature must be a PNG or JPEG image."]
    # A small file claiming 5,000 x 5,000 pixels is refused without decoding them.
    big = io.BytesIO()
    Image.new("1", (5000, 5000)).save(big, "PNG")
    assert len(big.getvalue()) < 100_000
    with pytest.raises(ValidationError) as bomb:
        validate_signature(io.BytesIO(big.getvalue()))
    assert bomb.value.messages == ["The signature image has too many pixels."]


def test_partner_logos_are_printed_with_their_names_as_alternative_text(past_event, attendees):
    from django.core.files.base import ContentFile

    from webinar.models import Organisation

    centre = Organisation.objects.create(name="Centre (fictional)", acronym="CF")
    centre.logo.save("centre.png", ContentFile(png_bytes(200, 80)))
    past_event.series.organisers.add(centre)
    services.certificates_issue(event=past_event)
    signatory = services.Signatory.for_event(past_event)
    assert signatory.logos["fr"] == ((f"logo-{centre.pk}", "Centre (fictional) (CF)"),)
    certificate = Certificate.objects.select_related("event__series").get(
        registration=attendees["amina"]
    )
    html = services.certificate_html(certificate=certificate, signatory=signatory)
    assert f'src="https://report-static.invalid/generated/logo-{centre.pk}"' in html
    content = services.certificate_pdf(certificate=certificate, signatory=signatory)
    page = PdfReader(io.BytesIO(content)).pages[0]
    images = [
        name for name, obj in page["/Resources"]["/XObject"].items() if obj["/Subtype"] == "/Image"
    ]
    assert len(images) == 1  # the logo (the QR code is vector)
