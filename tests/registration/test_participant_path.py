"""The participant's path after signing up: language of the personal page, registering again
after cancelling, the cancellation's calendar file, when the webinar takes place, confirmations,
and one wording per status in mails and pages."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail

from registration import links, services
from registration.models import Answer, OutgoingMail, Registration
from registration.services import RegistrationError
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

# 31 December 2026, 10:00-12:00 in Cairo (UTC+2).
START = dt.datetime(2026, 12, 31, 8, 0, tzinfo=dt.UTC)

FORM = {
    "first_name": "Amina",
    "last_name": "Exemple",
    "email": "amina@example.org",
    "sex": "female",
    "country": "NE",
    "organization": "Ministère du Plan (fictif)",
    "category": "national_government",
    "language": "ar",
    "consent_processing": "on",
}


@pytest.fixture
def webinar():
    return EventFactory(
        slug="open", starts_at=START, ends_at=START + dt.timedelta(hours=2), capacity=10
    )


def _page(client, registration, suffix="", **kwargs):
    return client.get(links.manage_path(registration=registration) + suffix, **kwargs)


# --- Language --------------------------------------------------------------------------------


def test_personal_link_opens_in_the_registration_language(client, webinar):
    registration = RegistrationFactory(event=webinar, language="ar")
    response = _page(client, registration, headers={"accept-language": "en"})
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    # Its own forms (the switcher) must carry their origin, or the CSRF check refuses them.
    assert response["Referrer-Policy"] == "same-origin"
    assert 'id="language-select"' in html  # the switcher is still there


def test_language_chosen_with_the_switcher_wins_over_the_registration(client, webinar):
    registration = RegistrationFactory(event=webinar, language="ar")
    path = links.manage_path(registration=registration)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": path})
    assert response.status_code == 302
    assert '<html lang="fr" dir="ltr">' in client.get(path).content.decode()


# --- Registering again after cancelling --------------------------------------------------------


def _sign_up(client, **overrides):
    return client.post("/events/open/register/", {**FORM, **overrides})


def test_registering_again_after_cancelling_reactivates_the_same_row(
    client, webinar, django_capture_on_commit_callbacks
):
    question = QuestionFactory(event=webinar, label="Which panel?")
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, **{f"q_{question.pk}": "Panel 1"})
    first = Registration.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)  # its mail goes out
    other = RegistrationFactory(event=webinar, status=Registration.Status.CANCELLED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, first_name="Someone", **{f"q_{question.pk}": "Panel 2"})
    assert response.status_code == 302
    assert response["Location"] == "/events/open/register/done/"
    assert Registration.objects.filter(email__iexact="amina@example.org").count() == 1
    again = Registration.objects.get(pk=first.pk)
    assert again.status == Registration.Status.APPROVED
    # Its details and answers as they were: typing an address changes nothing else.
    assert again.first_name == "Amina"
    assert list(Answer.objects.filter(registration=again).values_list("value", flat=True)) == [
        "Panel 1"
    ]
    assert [m.to for m in mail.outbox] == [["amina@example.org"]]
    assert Registration.objects.get(pk=other.pk).status == Registration.Status.CANCELLED


def test_registering_again_joins_the_waiting_list_when_the_seats_are_gone(client, webinar):
    webinar.capacity = 1
    webinar.save()
    cancelled = RegistrationFactory(
        event=webinar, email="amina@example.org", status=Registration.Status.CANCELLED
    )
    RegistrationFactory(event=webinar)  # took the freed seat
    assert _sign_up(client).status_code == 302
    cancelled.refresh_from_db()
    assert cancelled.status == Registration.Status.WAITLISTED


def test_registering_again_when_full_without_waiting_list_says_so(client, webinar):
    webinar.capacity, webinar.has_waitlist = 1, False
    webinar.save()
    cancelled = RegistrationFactory(
        event=webinar, email="amina@example.org", status=Registration.Status.CANCELLED
    )
    RegistrationFactory(event=webinar)
    response = _sign_up(client)
    assert response.status_code == 200
    assert "Sorry, this event is full and has no waiting list." in response.content.decode()
    cancelled.refresh_from_db()
    assert cancelled.status == Registration.Status.CANCELLED


def test_personal_page_offers_to_register_again_while_registration_is_open(client, webinar):
    registration = RegistrationFactory(event=webinar, status=Registration.Status.CANCELLED)
    untouched = RegistrationFactory(event=webinar, status=Registration.Status.CANCELLED)
    path = links.manage_path(registration=registration)
    html = client.get(path).content.decode()
    assert f'action="{path}register-again/"' in html
    response = client.post(f"{path}register-again/", follow=True)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert "You are registered again. Status: Registration confirmed." in (
        response.content.decode()
    )
    untouched.refresh_from_db()
    assert untouched.status == Registration.Status.CANCELLED


def test_personal_page_does_not_offer_to_register_again_once_registration_closed(client):
    past = EventFactory(slug="closed", registration_closes_at=START - dt.timedelta(days=400))
    registration = RegistrationFactory(event=past, status=Registration.Status.CANCELLED)
    path = links.manage_path(registration=registration)
    assert "register-again" not in client.get(path).content.decode()
    client.post(f"{path}register-again/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_reactivating_a_registration_that_is_not_cancelled_is_refused(webinar):
    registration = RegistrationFactory(event=webinar, status=Registration.Status.WAITLISTED)
    with pytest.raises(RegistrationError) as refused:
        services.registration_reactivate(registration=registration)
    assert refused.value.code == "not_cancelled"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITLISTED


def test_register_again_answers_only_a_post(client, webinar):
    registration = RegistrationFactory(event=webinar, status=Registration.Status.CANCELLED)
    assert _page(client, registration, "register-again/").status_code == 405
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


# --- The calendar after cancelling -------------------------------------------------------------


def _vevent(body: bytes):
    calendar = icalendar.Calendar.from_ical(body)
    (entry,) = calendar.walk("VEVENT")
    return calendar, entry


def test_cancelled_registration_calendar_is_a_cancellation_of_the_same_entry(
    client, webinar, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(event=webinar)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=START - dt.timedelta(days=40), updated_at=START - dt.timedelta(days=40)
    )
    before_cal, before = _vevent(_page(client, registration, "calendar.ics").content)
    assert (str(before_cal["METHOD"]), str(before["STATUS"])) == ("PUBLISH", "CONFIRMED")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(links.manage_path(registration=registration) + "cancel/")
    after_cal, after = _vevent(_page(client, registration, "calendar.ics").content)
    assert str(after_cal["METHOD"]) == "CANCEL"
    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    # The cancellation mail carries the same cancellation.
    (message,) = [m for m in mail.outbox if "cancelled" in m.subject]
    (attachment,) = message.attachments
    assert attachment[2] == "text/calendar; charset=utf-8; method=CANCEL"
    mail_cal, mail_entry = _vevent(attachment[1])
    assert (str(mail_cal["METHOD"]), str(mail_entry["UID"])) == ("CANCEL", str(before["UID"]))


def test_cancelled_registration_page_no_longer_offers_the_calendar(client, webinar):
    cancelled = RegistrationFactory(event=webinar, status=Registration.Status.CANCELLED)
    approved = RegistrationFactory(event=webinar)
    assert "calendar.ics" not in _page(client, cancelled).content.decode()
    assert "calendar.ics" in _page(client, approved).content.decode()


# --- When the webinar takes place --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "when", "zone"),
    [
        ("en", "Thursday 31 December 2026", "(Egypt Time, "),
        ("fr", "jeudi 31 décembre 2026", "(heure : Égypte, "),
        ("ar", "الخميس 31 ديسمبر 2026", "(توقيت مصر، "),
    ],
)
def test_form_and_personal_page_say_when_the_webinar_takes_place(
    client, webinar, language, when, zone
):
    registration = RegistrationFactory(event=webinar, language=language)
    pages = [
        client.get("/events/open/register/", headers={"accept-language": language}),
        _page(client, registration),
    ]
    for page in pages:
        html = page.content.decode()
        assert f">{when}</time>" in html
        assert (
            '<span data-local-range><span dir="ltr"><time datetime="2026-12-31T10:00:00+02:00" '
            'data-local-time>10:00</time>–<time datetime="2026-12-31T12:00:00+02:00" '
            "data-local-time>12:00</time></span>"
        ) in html
        assert f'{zone}<bdi dir="ltr">UTC+02:00</bdi>)' in html
        assert "Africa/Cairo" not in html
        assert "sessions/local-time.js" in html  # adds the reader's own time


# --- Confirmations ------------------------------------------------------------------------------


def test_saving_details_confirms_it(client, webinar):
    registration = RegistrationFactory(event=webinar, language="en")
    path = links.manage_path(registration=registration)
    data = {
        "first_name": "Amina", "last_name": "Corrected", "country": "NE",
        "organization": "Ministry", "category": "national_government", "language": "en",
        "sex": "female",
    }  # fmt: skip
    response = client.post(f"{path}edit/", data, follow=True)
    assert response.redirect_chain == [(path, 302)]
    assert '<li class="success">Your details have been saved.</li>' in response.content.decode()
    registration.refresh_from_db()
    assert registration.last_name == "Corrected"


def test_cancelling_confirms_it(client, webinar):
    registration = RegistrationFactory(event=webinar, language="en")
    path = links.manage_path(registration=registration)
    html = client.post(f"{path}cancel/", follow=True).content.decode()
    assert (
        '<li class="success">Your registration has been cancelled. We have sent you a '
        "confirmation; you may register again while registration is open.</li>"
    ) in html
    assert '<div role="status"><ul class="messages">' in html


# --- One wording per status ----------------------------------------------------------------------

WORDING = {
    Registration.Status.PENDING: "Registration received, awaiting approval",
    Registration.Status.APPROVED: "Registration confirmed",
    Registration.Status.WAITLISTED: "On the waiting list",
    Registration.Status.REJECTED: "Registration declined",
    Registration.Status.CANCELLED: "Registration cancelled",
}


@pytest.mark.parametrize("status", list(WORDING))
def test_page_and_mail_word_a_status_alike(client, webinar, status):
    registration = RegistrationFactory(event=webinar, language="en", status=status)
    page = _page(client, registration).content.decode()
    assert f"<strong>Status:</strong> {WORDING[status]}</p>" in page
    kind = OutgoingMail.Kind.RECEIVED if status == Registration.Status.PENDING else status
    services.mail_queue(registration=registration, kind=kind)
    row = OutgoingMail.objects.get(registration=registration)
    services.mail_send(mail_id=row.pk)
    assert mail.outbox[-1].subject == f"{WORDING[status]}: {webinar.title}"


# --- Dates in mails ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "(Thursday 31 December 2026, 10:00–12:00 (Egypt Time, UTC+02:00))"),
        ("fr", "(jeudi 31 décembre 2026, 10:00–12:00 (heure : Égypte, UTC+02:00))"),
        (
            "ar",
            "(الخميس 31 ديسمبر 2026، \u206610:00–12:00\u2069 (توقيت مصر، \u2066UTC+02:00\u2069))",
        ),
    ],
)
def test_mails_write_dates_as_the_un_does(webinar, language, expected):
    registration = RegistrationFactory(event=webinar, language=language)
    services.mail_queue(registration=registration, kind=OutgoingMail.Kind.APPROVED)
    services.mail_send(mail_id=OutgoingMail.objects.get(registration=registration).pk)
    body = mail.outbox[-1].body
    assert expected in body
    assert "Africa/Cairo" not in body
    assert not re.search(r"\w+ \d+, \d{4}", body)  # no "December 31, 2026"


def test_french_subject_keeps_its_narrow_no_break_space(webinar):
    registration = RegistrationFactory(event=webinar, language="fr")
    services.mail_queue(registration=registration, kind=OutgoingMail.Kind.APPROVED)
    services.mail_send(mail_id=OutgoingMail.objects.get(registration=registration).pk)
    assert mail.outbox[-1].subject == f"Inscription confirmée\u202f: {webinar.title}"
